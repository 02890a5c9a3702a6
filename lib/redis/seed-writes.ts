// The demo seeding's writes (`npm run seed:demo`, tests): plain SET / HSET / RPUSH with an optional
// EXPIRE, pipelined one pipeline per node (a cluster routes each key by its slot and refuses a
// pipeline whose keys span nodes). The console itself never calls this: its only data changes are
// in mutate.ts. What to write and the refusal rules live in lib/seed.
import "server-only";
import type Redis from "ioredis";
import type { InstanceConfig } from "@/lib/config";
import type { KeyClient } from "./connection";
import { groupByNode, onEveryKeyspaceNode } from "./topology";

export type KeyWrite = (
  | { type: "string"; value: string }
  | { type: "hash"; value: Record<string, string> }
  | { type: "list"; value: string[] }
) & {
  key: Buffer;
  /** Seconds; null writes the key without expiry. */
  ttlSeconds: number | null;
};

function queue(pipeline: ReturnType<Redis["pipeline"]>, k: KeyWrite): void {
  switch (k.type) {
    case "string":
      if (k.ttlSeconds === null) pipeline.set(k.key, k.value);
      else pipeline.set(k.key, k.value, "EX", k.ttlSeconds);
      return;
    case "hash":
      pipeline.del(k.key);
      pipeline.hset(k.key, k.value);
      break;
    case "list":
      pipeline.del(k.key);
      pipeline.rpush(k.key, ...k.value);
      break;
  }
  if (k.ttlSeconds !== null) pipeline.expire(k.key, k.ttlSeconds);
}

function checkResults(results: [Error | null, unknown][] | null): void {
  if (!results) throw new Error("Redis aborted the pipeline");
  const failed = results.find(([err]) => err);
  if (failed?.[0]) throw failed[0];
}

/** Writes one batch: one pipeline per node; the first failed command fails the batch. */
export async function writeKeyBatch(client: KeyClient, batch: KeyWrite[]): Promise<void> {
  await Promise.all(
    groupByNode(client, batch, (k) => k.key).map(async (group) => {
      const pipeline = client.pipeline();
      for (const k of group) queue(pipeline, k);
      checkResults(await pipeline.exec());
    }),
  );
}

/** Keys per keyspace node (every master of a cluster), each with its address. */
export async function keysPerNode(instance: InstanceConfig): Promise<{ address: string; keys: number }[]> {
  const sizes = await onEveryKeyspaceNode(instance, (node) => node.client.dbsize());
  return sizes.map(({ node, value }) => ({ address: node.address, keys: value }));
}
