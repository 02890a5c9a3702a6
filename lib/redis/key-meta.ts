// Type, TTL, memory and element count for a batch of keys, in one round trip per step. Keys are
// Buffers end to end. What could not be read is never guessed: a key that is gone is "missing"
// only when Redis said so (TTL -2 or TYPE none); a key the console's user may not touch (ACL key
// patterns) is "unknown"; a size Redis refused is null. A failure of the command itself (NOPERM
// on TTL, a timeout, a lost connection) fails the whole call with its classified RedisError.
// Through a cluster client the keys are read in one pipeline per node (a cluster refuses a
// pipeline whose keys live on different nodes).
import "server-only";
import { isCluster, type KeyClient } from "./connection";
import { classifyRedisError, RedisError } from "./errors";
import { groupByNode } from "./topology";

export type RedisType = "string" | "hash" | "list" | "set" | "zset" | "stream" | (string & {});

export interface KeyMeta {
  type: RedisType;
  /** Redis TTL in seconds: -1 means no expiry. */
  ttl: number;
  /** MEMORY USAGE in bytes; null where Redis refused it (`sizeError` says why). */
  bytes: number | null;
  /** Element count for collections (HLEN/LLEN/SCARD/ZCARD/XLEN), string length for strings; null if unread. */
  length: number | null;
  sizeError?: RedisError;
}

export type KeyMetaResult =
  | { state: "present"; meta: KeyMeta }
  | { state: "missing" }
  /** The console's Redis user may not read this key (its ACL key patterns do not cover it). */
  | { state: "unknown"; error: RedisError };

const lengthCommand: Record<string, string> = {
  string: "strlen",
  hash: "hlen",
  list: "llen",
  set: "scard",
  zset: "zcard",
  stream: "xlen",
};

type PipelineResult = [Error | null, unknown][] | null;

/** A per-command error that concerns this key only (ACL key pattern), or undefined for a reply. */
function keyLevel(err: Error | null, command: string): RedisError | undefined {
  if (!err) return undefined;
  const classified = classifyRedisError(err, { command });
  if (!classified) throw err;
  if (classified.kind === "permission" && classified.keyDenied) return classified;
  throw classified;
}

/** The reply of entry `index`; a command-level failure is thrown, a key-level one returned. */
function reply(
  results: PipelineResult,
  index: number,
  command: string,
): { value: unknown } | { denied: RedisError } {
  const entry = results?.[index];
  if (!entry)
    throw new RedisError("other", `no reply to ${command.toUpperCase()} in a pipeline`, { command, raw: "" });
  const denied = keyLevel(entry[0], command);
  return denied ? { denied } : { value: entry[1] };
}

/** MEMORY USAGE may be refused (ACL, managed services) without the key being unreadable. */
function sizeOf(results: PipelineResult, index: number): { bytes: number | null; error?: RedisError } {
  const entry = results?.[index];
  if (!entry?.[0]) return { bytes: typeof entry?.[1] === "number" ? entry[1] : null };
  const classified = classifyRedisError(entry[0], { command: "memory|usage" });
  if (classified && (classified.kind === "permission" || classified.kind === "unsupported")) {
    return { bytes: null, error: classified };
  }
  throw classified ?? entry[0];
}

export interface ReadKeyMetaOptions {
  /**
   * Also read strings' length (STRLEN); default true. The scan leaves it out: STRLEN touches the
   * key (its LRU clock, its LFU counter), which would make the next scan see it as read.
   */
  stringLength?: boolean;
}

/** Metadata of each key, in the order given; a cluster client reads each node's keys in its own pipelines. */
export async function readKeyMeta(
  redis: KeyClient,
  keys: Buffer[],
  options: ReadKeyMetaOptions = {},
): Promise<KeyMetaResult[]> {
  if (keys.length === 0) return [];
  if (!isCluster(redis)) return readOneNode(redis, keys, options);
  const groups = groupByNode(
    redis,
    keys.map((key, index) => ({ key, index })),
    (item) => item.key,
  );
  const out: KeyMetaResult[] = new Array<KeyMetaResult>(keys.length);
  await Promise.all(
    groups.map(async (group) => {
      const results = await readOneNode(
        redis,
        group.map((g) => g.key),
        options,
      );
      group.forEach((g, i) => (out[g.index] = results[i] as KeyMetaResult));
    }),
  );
  return out;
}

async function readOneNode(
  redis: KeyClient,
  keys: Buffer[],
  options: ReadKeyMetaOptions,
): Promise<KeyMetaResult[]> {
  const first = redis.pipeline();
  for (const key of keys) {
    first.ttl(key);
    first.type(key);
    first.call("MEMORY", "USAGE", key, "SAMPLES", "0");
  }
  const r1 = (await first.exec()) as PipelineResult;
  const results: KeyMetaResult[] = keys.map((_, i) => {
    const ttl = reply(r1, i * 3, "ttl");
    if ("denied" in ttl) return { state: "unknown", error: ttl.denied };
    const type = reply(r1, i * 3 + 1, "type");
    if ("denied" in type) return { state: "unknown", error: type.denied };
    if (Number(ttl.value) === -2 || String(type.value) === "none") return { state: "missing" };
    const size = sizeOf(r1, i * 3 + 2);
    const meta: KeyMeta = {
      type: String(type.value),
      ttl: Number(ttl.value),
      bytes: size.bytes,
      length: null,
    };
    if (size.error) meta.sizeError = size.error;
    return { state: "present", meta };
  });
  const second = redis.pipeline();
  const asked: number[] = [];
  results.forEach((r, i) => {
    const command =
      r.state === "present" && (r.meta.type !== "string" || options.stringLength !== false)
        ? lengthCommand[r.meta.type]
        : undefined;
    if (command) {
      second.call(command, keys[i] as Buffer);
      asked.push(i);
    }
  });
  if (asked.length > 0) {
    const r2 = (await second.exec()) as PipelineResult;
    asked.forEach((keyIndex, j) => {
      const r = results[keyIndex];
      const entry = r2?.[j];
      if (r?.state !== "present" || !entry) return;
      if (entry[0]) {
        // The key changed type or vanished between the two round trips: its length stays unread.
        const classified = classifyRedisError(entry[0]);
        if (classified?.kind === "wrong_type" || classified?.kind === "permission") return;
        throw classified ?? entry[0];
      }
      if (typeof entry[1] === "number") r.meta.length = entry[1];
    });
  }
  return results;
}
