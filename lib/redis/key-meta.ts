// Type, TTL, memory and element count for a batch of keys, in one round trip per step.
// Keys are Buffers end to end; a key that vanished before we looked at it comes back as null.
import "server-only";
import type Redis from "ioredis";

export type RedisType = "string" | "hash" | "list" | "set" | "zset" | "stream" | "none" | (string & {});

export interface KeyMeta {
  type: RedisType;
  /** Redis TTL in seconds: -1 means no expiry. */
  ttl: number;
  /** MEMORY USAGE in bytes; null where the command is unavailable. */
  bytes: number | null;
  /** Element count for collections (HLEN/LLEN/SCARD/ZCARD/XLEN), string length for strings. */
  length: number | null;
}

const lengthCommand: Record<string, string> = {
  string: "strlen",
  hash: "hlen",
  list: "llen",
  set: "scard",
  zset: "zcard",
  stream: "xlen",
};

type PipelineResult = [Error | null, unknown][] | null;

function value(results: PipelineResult, index: number): unknown {
  const entry = results?.[index];
  if (!entry || entry[0]) return null;
  return entry[1];
}

export async function readKeyMeta(redis: Redis, keys: Buffer[]): Promise<(KeyMeta | null)[]> {
  if (keys.length === 0) return [];
  const first = redis.pipeline();
  for (const key of keys) {
    first.type(key);
    first.ttl(key);
    first.call("MEMORY", "USAGE", key, "SAMPLES", "0");
  }
  const r1 = await first.exec();
  const metas: (KeyMeta | null)[] = keys.map((_, i) => {
    const type = String(value(r1, i * 3) ?? "none");
    const ttl = Number(value(r1, i * 3 + 1) ?? -2);
    if (type === "none" || ttl === -2) return null;
    const bytes = value(r1, i * 3 + 2);
    return { type, ttl, bytes: typeof bytes === "number" ? bytes : null, length: null };
  });
  const second = redis.pipeline();
  const asked: number[] = [];
  metas.forEach((meta, i) => {
    const command = meta ? lengthCommand[meta.type] : undefined;
    if (command) {
      second.call(command, keys[i] as Buffer);
      asked.push(i);
    }
  });
  if (asked.length > 0) {
    const r2 = await second.exec();
    asked.forEach((keyIndex, j) => {
      const meta = metas[keyIndex];
      const length = value(r2, j);
      if (meta && typeof length === "number") meta.length = length;
    });
  }
  return metas;
}
