// The console's only Redis commands that change data: EXPIRE (with a positive TTL), UNLINK and
// FLUSHDB ASYNC, and the TTL reads that decide what a fix changes (the demo seeding's writes, a tool
// the console never runs, are in seed-writes.ts). Nothing here can leave a key without a TTL:
// there is no PERSIST, no SET, and every EXPIRE carries a positive number of seconds.
// Key commands take a server's connection or a cluster client: through a cluster, keys are split
// per node (groupByNode) and each node gets its own pipelines, one command per key (a cluster
// refuses a pipeline or a multi-key command spanning nodes or slots). FLUSHDB is node-level: a
// cluster is flushed master by master (flushEveryNode).
import "server-only";
import type Redis from "ioredis";
import type { InstanceConfig } from "@/lib/config";
import { instanceKind, isCluster, type KeyClient } from "./connection";
import { classifyRedisError, ClusterConflictError, RedisError } from "./errors";
import { parseInfo } from "./info";
import { displayKey } from "@/lib/keys/encoding";
import {
  describeSlots,
  groupByNode,
  keySlot,
  keyspaceNodes,
  uncoveredSlots,
  type RedisNode,
} from "./topology";

/** At most this many keys per pipeline or UNLINK call. */
export const MUTATE_BATCH = 500;

type PipelineResult = [Error | null, unknown][] | null;

function chunks<T>(items: T[], size = MUTATE_BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Keys changed before a write failed on one node of several (the other nodes' work is done). */
const doneBeforeFailure = new WeakMap<object, number>();

/** How many keys a failed write had changed on the nodes that did not fail (undefined: none known). */
export function affectedBeforeFailure(err: unknown): number | undefined {
  return typeof err === "object" && err !== null ? doneBeforeFailure.get(err) : undefined;
}

/** Marks `err` with the keys changed before it (kept by affectedBeforeFailure). */
export function markAffectedBeforeFailure<E>(err: E, affected: number): E {
  if (typeof err === "object" && err !== null) doneBeforeFailure.set(err, affected);
  return err;
}

/** A node's failure with its address in the message. */
function onNode(err: unknown, address: string): unknown {
  const classified = classifyRedisError(err);
  if (!classified || classified.message.includes(address)) return classified ?? err;
  return new RedisError(
    classified.kind,
    `node ${address}: ${classified.message}`,
    {
      command: classified.command,
      code: classified.code,
      keyDenied: classified.keyDenied,
      raw: classified.raw,
    },
    { cause: err },
  );
}

/**
 * Runs `fn` on each node's batches (at most MUTATE_BATCH items, keys of one node), one after
 * another per node and the nodes at once; sums the answers. Through a cluster, keys of slots no
 * master serves are refused (409) before anything is sent; a node that fails is named, and the
 * keys the other nodes changed are kept on the error (affectedBeforeFailure).
 */
async function perNode<T>(
  client: KeyClient,
  items: T[],
  keyOf: (item: T) => Buffer,
  fn: (batch: T[]) => Promise<number>,
): Promise<number> {
  const groups = groupByNode(client, items, keyOf);
  const owners = groups.map((g) => (isCluster(client) ? client.slots[keySlot(keyOf(g[0] as T))]?.[0] : ""));
  const orphan = owners.findIndex((o) => o === undefined);
  if (orphan !== -1) {
    const key = keyOf((groups[orphan] as T[])[0] as T);
    throw new ClusterConflictError(
      `key ${displayKey(key)} is in slot ${keySlot(key)}, which no cluster master serves right now: nothing was changed; retry once every slot is served`,
    );
  }
  const settled = await Promise.allSettled(
    groups.map(async (group) => {
      let n = 0;
      for (const batch of chunks(group)) n += await fn(batch);
      return n;
    }),
  );
  const done = settled.reduce((n, s) => n + (s.status === "fulfilled" ? s.value : 0), 0);
  const failedAt = settled.findIndex((s) => s.status === "rejected");
  const failed = settled[failedAt];
  if (failed?.status !== "rejected") return done;
  if (groups.length === 1) throw failed.reason;
  throw markAffectedBeforeFailure(onNode(failed.reason, owners[failedAt] ?? "?"), done);
}

function firstError(results: PipelineResult): Error | undefined {
  return results?.find(([err]) => err)?.[0] ?? undefined;
}

function ones(results: PipelineResult): number {
  return (results ?? []).reduce((n, [err, v]) => n + (!err && Number(v) === 1 ? 1 : 0), 0);
}

function assertPositive(ttl: number): void {
  if (!Number.isInteger(ttl) || ttl < 1) throw new RangeError(`refusing EXPIRE with ${ttl} seconds`);
}

/** EXPIRE each key with its TTL; answers how many keys existed and got it. */
export async function expireKeys(
  redis: KeyClient,
  items: { key: Buffer; ttlSeconds: number }[],
): Promise<number> {
  for (const { ttlSeconds } of items) assertPositive(ttlSeconds);
  return perNode(
    redis,
    items,
    (i) => i.key,
    async (batch) => {
      const pipeline = redis.pipeline();
      for (const { key, ttlSeconds } of batch) pipeline.expire(key, ttlSeconds);
      const results = (await pipeline.exec()) as PipelineResult;
      const err = firstError(results);
      if (err) throw err;
      return ones(results);
    },
  );
}

/**
 * UNLINK (non-blocking DEL); answers how many existed. On one server: calls of at most 500 keys.
 * Through a cluster: one UNLINK per key, pipelined per node (a multi-key UNLINK would span slots).
 */
export async function unlinkKeys(
  redis: KeyClient,
  keys: Buffer[],
  { onePerKey = isCluster(redis) }: { onePerKey?: boolean } = {},
): Promise<number> {
  if (!onePerKey) {
    let removed = 0;
    for (const batch of chunks(keys)) removed += await redis.unlink(...batch);
    return removed;
  }
  return perNode(
    redis,
    keys,
    (k) => k,
    async (batch) => {
      const pipeline = redis.pipeline();
      for (const key of batch) pipeline.unlink(key);
      const results = (await pipeline.exec()) as PipelineResult;
      const err = firstError(results);
      if (err) throw err;
      return ones(results);
    },
  );
}

/**
 * UNLINK of keys a node's own SCAN returned, on that node's connection. A cluster node refuses a
 * multi-key command across slots (CROSSSLOT) even for keys it holds: it gets one UNLINK per key,
 * pipelined; a standalone server gets calls of up to 500 keys.
 */
export function unlinkOnNode(node: RedisNode, keys: Buffer[]): Promise<number> {
  return unlinkKeys(node.client, keys, { onePerKey: node.slots.length > 0 });
}

/** FLUSHDB ASYNC on one server's database (a server's connection, never a cluster client); answers DBSIZE just before. */
export async function flushDbAsync(redis: Redis): Promise<number> {
  const before = await redis.dbsize();
  await redis.call("FLUSHDB", "ASYNC");
  return before;
}

/**
 * The nodes an action over the whole keyspace (FLUSHDB, a walk by pattern) runs on: the one server,
 * or every master of a cluster. Refused with 409 when a cluster cannot give every key to it: a
 * database other than 0 (a cluster has only 0), or slots no master serves (a master down and not
 * yet failed over), whose keys the action could not reach.
 */
export async function keyspaceTargets(instance: InstanceConfig): Promise<RedisNode[]> {
  if (instanceKind(instance) === "cluster") {
    const db = new URL(instance.url).pathname.replace(/^\//, "");
    if (db !== "" && db !== "0")
      throw new ClusterConflictError(
        `a Redis Cluster has database 0 only; this instance names database ${db}`,
      );
    const uncovered = await uncoveredSlots(instance);
    if (uncovered.length > 0) {
      throw new ClusterConflictError(
        `slots ${describeSlots(uncovered)} are served by no cluster master right now (a master is down or the cluster is being changed): ` +
          "an action over every key could not reach theirs, so nothing was done; retry once every slot is served",
      );
    }
  }
  return keyspaceNodes(instance);
}

/** What FLUSHDB did on one node of several. */
export interface NodeFlush {
  node: string;
  /** DBSIZE just before, when the flush ran. */
  keysBefore?: number;
  /** Why it did not run (the node's error), when it failed. */
  error?: unknown;
}

/**
 * FLUSHDB ASYNC on every node at once (a cluster's masters; the one server elsewhere). Every node
 * is tried even when one fails, so the answer says exactly which nodes were flushed and which not.
 */
export async function flushEveryNode(nodes: RedisNode[]): Promise<NodeFlush[]> {
  const settled = await Promise.allSettled(nodes.map((n) => flushDbAsync(n.client)));
  return settled.map((s, i) => {
    const node = (nodes[i] as RedisNode).address;
    return s.status === "fulfilled" ? { node, keysBefore: s.value } : { node, error: s.reason };
  });
}

/**
 * TTL of each key (-1 none, -2 gone), one pipeline per 500 keys; null for a key the console's user
 * may not touch (ACL key patterns). A refused TTL command or a timeout throws: never read as "gone".
 */
export async function readTtls(redis: KeyClient, keys: Buffer[]): Promise<(number | null)[]> {
  const out: (number | null)[] = new Array<number | null>(keys.length);
  await perNode(
    redis,
    keys.map((key, index) => ({ key, index })),
    (i) => i.key,
    async (batch) => {
      const pipeline = redis.pipeline();
      for (const { key } of batch) pipeline.ttl(key);
      const results = (await pipeline.exec()) as PipelineResult;
      batch.forEach(({ index }, i) => {
        const [err, v] = results?.[i] ?? [new Error("no reply to TTL in a pipeline"), null];
        if (!err) {
          out[index] = Number(v);
          return;
        }
        const classified = classifyRedisError(err, { command: "ttl" });
        if (classified?.kind === "permission" && classified.keyDenied) out[index] = null;
        else throw classified ?? err;
      });
      return 0;
    },
  );
  return out;
}

/**
 * Which keys a TTL fix touches: `any` = no TTL or a TTL above the standard; `noTtl` = only keys
 * without one; `aboveStandard` = only keys whose TTL exceeds the standard. A key already within
 * its standard is never changed (a fix never lengthens a key's life).
 */
export type FixMode = "any" | "noTtl" | "aboveStandard";

export function needsFix(ttl: number | null, standard: number, mode: FixMode): boolean {
  if (ttl === null || ttl === -2) return false;
  if (mode === "noTtl") return ttl === -1;
  if (mode === "aboveStandard") return ttl > standard;
  return ttl === -1 || ttl > standard;
}

const expireOptions: Record<FixMode, string[]> = { any: ["LT"], noTtl: ["NX"], aboveStandard: ["XX", "LT"] };

const conditionalExpire = new WeakMap<KeyClient, boolean>();

async function majorVersion(redis: Redis): Promise<number> {
  const info = parseInfo(String(await redis.call("INFO", "server")));
  return Number((info.server?.redis_version ?? "0").split(".")[0]);
}

/** EXPIRE NX/XX/GT/LT exist from Redis 7.0: on one server, or on every master of a cluster. */
async function supportsExpireOptions(redis: KeyClient): Promise<boolean> {
  const known = conditionalExpire.get(redis);
  if (known !== undefined) return known;
  const servers = isCluster(redis) ? redis.nodes("master") : [redis];
  const majors = await Promise.all(servers.map(majorVersion));
  const ok = majors.length > 0 && majors.every((m) => m >= 7);
  conditionalExpire.set(redis, ok);
  return ok;
}

/**
 * Sets each key's standard TTL where `mode` says it breaks the policy. On Redis 7+ the condition
 * is part of the EXPIRE (LT/NX/XX), so a key that changed since it was read is never made worse;
 * older servers get a TTL read first. Answers how many keys were changed.
 */
export async function fixTtls(
  redis: KeyClient,
  items: { key: Buffer; standard: number }[],
  mode: FixMode,
): Promise<number> {
  if (items.length === 0) return 0;
  if (!(await supportsExpireOptions(redis))) {
    const ttls = await readTtls(
      redis,
      items.map((i) => i.key),
    );
    return expireKeys(
      redis,
      items
        .filter((item, i) => needsFix(ttls[i] ?? -2, item.standard, mode))
        .map((i) => ({ key: i.key, ttlSeconds: i.standard })),
    );
  }
  for (const { standard } of items) assertPositive(standard);
  return perNode(
    redis,
    items,
    (i) => i.key,
    async (batch) => {
      const pipeline = redis.pipeline();
      for (const { key, standard } of batch)
        pipeline.call("EXPIRE", key, String(standard), ...expireOptions[mode]);
      const results = (await pipeline.exec()) as PipelineResult;
      const err = firstError(results);
      if (err) throw err;
      return ones(results);
    },
  );
}
