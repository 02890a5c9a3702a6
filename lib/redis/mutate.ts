// The only Redis commands that change data: EXPIRE (with a positive TTL), UNLINK and FLUSHDB ASYNC,
// and the TTL reads that decide what a fix changes. Nothing here can leave a key without a TTL:
// there is no PERSIST, no SET, and every EXPIRE carries a positive number of seconds.
import "server-only";
import type Redis from "ioredis";
import { classifyRedisError } from "./errors";
import { parseInfo } from "./info";

/** At most this many keys per pipeline or UNLINK call. */
export const MUTATE_BATCH = 500;

type PipelineResult = [Error | null, unknown][] | null;

function chunks<T>(items: T[], size = MUTATE_BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
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
  redis: Redis,
  items: { key: Buffer; ttlSeconds: number }[],
): Promise<number> {
  let affected = 0;
  for (const batch of chunks(items)) {
    const pipeline = redis.pipeline();
    for (const { key, ttlSeconds } of batch) {
      assertPositive(ttlSeconds);
      pipeline.expire(key, ttlSeconds);
    }
    const results = (await pipeline.exec()) as PipelineResult;
    const err = firstError(results);
    if (err) throw err;
    affected += ones(results);
  }
  return affected;
}

/** UNLINK (non-blocking DEL) in calls of at most 500 keys; answers how many existed. */
export async function unlinkKeys(redis: Redis, keys: Buffer[]): Promise<number> {
  let removed = 0;
  for (const batch of chunks(keys)) removed += await redis.unlink(...batch);
  return removed;
}

/** FLUSHDB ASYNC on the connection's database; answers DBSIZE just before. */
export async function flushDbAsync(redis: Redis): Promise<number> {
  const before = await redis.dbsize();
  await redis.call("FLUSHDB", "ASYNC");
  return before;
}

/**
 * TTL of each key (-1 none, -2 gone), one pipeline per 500 keys; null for a key the console's user
 * may not touch (ACL key patterns). A refused TTL command or a timeout throws: never read as "gone".
 */
export async function readTtls(redis: Redis, keys: Buffer[]): Promise<(number | null)[]> {
  const out: (number | null)[] = [];
  for (const batch of chunks(keys)) {
    const pipeline = redis.pipeline();
    for (const key of batch) pipeline.ttl(key);
    const results = (await pipeline.exec()) as PipelineResult;
    for (const [err, v] of results ?? []) {
      if (!err) {
        out.push(Number(v));
        continue;
      }
      const classified = classifyRedisError(err, { command: "ttl" });
      if (classified?.kind === "permission" && classified.keyDenied) out.push(null);
      else throw classified ?? err;
    }
  }
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

const conditionalExpire = new WeakMap<Redis, boolean>();

/** EXPIRE NX/XX/GT/LT exist from Redis 7.0. */
async function supportsExpireOptions(redis: Redis): Promise<boolean> {
  const known = conditionalExpire.get(redis);
  if (known !== undefined) return known;
  const info = parseInfo(String(await redis.call("INFO", "server")));
  const major = Number((info.server?.redis_version ?? "0").split(".")[0]);
  const ok = major >= 7;
  conditionalExpire.set(redis, ok);
  return ok;
}

/**
 * Sets each key's standard TTL where `mode` says it breaks the policy. On Redis 7+ the condition
 * is part of the EXPIRE (LT/NX/XX), so a key that changed since it was read is never made worse;
 * older servers get a TTL read first. Answers how many keys were changed.
 */
export async function fixTtls(
  redis: Redis,
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
  let affected = 0;
  for (const batch of chunks(items)) {
    const pipeline = redis.pipeline();
    for (const { key, standard } of batch) {
      assertPositive(standard);
      pipeline.call("EXPIRE", key, String(standard), ...expireOptions[mode]);
    }
    const results = (await pipeline.exec()) as PipelineResult;
    const err = firstError(results);
    if (err) throw err;
    affected += ones(results);
  }
  return affected;
}
