// The Redis side of a keyspace scan: the SCAN walk (walk.ts) plus, per batch, one read-only Lua call
// that returns type, TTL, MEMORY USAGE and element count of every key packed in one binary string
// (25 bytes a key), so the client parses one bulk reply per batch instead of thousands of small
// ones. Where scripting is refused, or a batch holds a key the console's user may not touch, the
// batch is read with per-key pipelines instead, which say exactly which key or command was refused.
// Nothing unread is guessed: a key that could not be read is packed as "unknown", a size Redis
// refused as -1 (unknown), never as 0 bytes or as a vanished key.
import "server-only";
import { createHash } from "node:crypto";
import type Redis from "ioredis";
import { classifyRedisError, type RedisError } from "./errors";
import { readKeyMeta } from "./key-meta";
import { BudgetThrottle, FixedThrottle, walkKeyspace, type Throttle } from "./walk";

/**
 * Bytes per key in a packed batch: type code (u8), TTL, bytes, length (float64 LE each).
 * Length is the element count of collections (HLEN/LLEN/SCARD/ZCARD/XLEN); strings get 0,
 * which saves a STRLEN per key (their size is in `bytes`). Bytes and length are -1 where unknown.
 */
export const META_STRIDE = 25;

/**
 * Type codes: 0 the key vanished (TTL -2), 1-6 Redis's core types, 7 any other (module types),
 * 8 unknown (the key could not be read; its TTL is not known either).
 */
export const TYPE_NAMES = ["none", "string", "hash", "list", "set", "zset", "stream", "other"] as const;
export const UNKNOWN_CODE = 8;

/** Exported so the slow log can tell the console's own script calls (lib/redis/slowlog.ts). */
export const META_SCRIPT = `
local out = {}
local lengths = { hash = 'HLEN', list = 'LLEN', set = 'SCARD', zset = 'ZCARD', stream = 'XLEN' }
local codes = { string = 1, hash = 2, list = 3, set = 4, zset = 5, stream = 6 }
for i = 1, #KEYS do
  local k = KEYS[i]
  local ttl = redis.call('TTL', k)
  if ttl == -2 then
    out[i] = struct.pack('<Bddd', 0, -2, 0, 0)
  else
    local t = redis.call('TYPE', k)['ok']
    local len = 0
    if lengths[t] then len = redis.call(lengths[t], k) end
    local mem = redis.pcall('MEMORY', 'USAGE', k)
    if type(mem) ~= 'number' then mem = -1 end
    out[i] = struct.pack('<Bddd', codes[t] or 7, ttl, mem, len)
  end
end
return table.concat(out)
`;
export const META_SHA = createHash("sha1").update(META_SCRIPT).digest("hex");

/** One batch's metadata: packed (see forEachKeyMeta), and what Redis refused while reading it. */
export interface MetaBatch {
  packed: Buffer;
  problems: RedisError[];
}

/**
 * The same reader for a Redis Cluster node. A cluster refuses a script whose declared KEYS lie in
 * several slots (CROSSSLOT), and a SCAN batch spans hundreds of slots; Redis 7 lets a script that
 * says `allow-cross-slot-keys` touch keys of several slots as long as they all live on the node
 * that runs it, which every key SCAN returned from that node does. The keys go in ARGV (nothing
 * declared, so the cluster's slot check of the call itself passes) and each command inside is
 * still checked against the node's slots and the user's ACL key patterns.
 */
export const META_SCRIPT_CROSS_SLOT =
  "#!lua flags=no-writes,allow-cross-slot-keys\n" + META_SCRIPT.replace("local out = {}", "local KEYS = ARGV\nlocal out = {}");
export const META_SHA_CROSS_SLOT = createHash("sha1").update(META_SCRIPT_CROSS_SLOT).digest("hex");

type ScriptCall = (redis: Redis, keys: Buffer[]) => Promise<Buffer>;

/** Per-key pipelines, same layout: where scripting is refused, or a batch needs a per-key answer. */
export async function pipelineMeta(redis: Redis, keys: Buffer[]): Promise<MetaBatch> {
  const results = await readKeyMeta(redis, keys);
  const out = Buffer.alloc(keys.length * META_STRIDE);
  const problems: RedisError[] = [];
  results.forEach((r, i) => {
    const at = i * META_STRIDE;
    if (r.state === "missing") {
      out.writeUInt8(0, at);
      out.writeDoubleLE(-2, at + 1);
      return;
    }
    if (r.state === "unknown") {
      out.writeUInt8(UNKNOWN_CODE, at);
      out.writeDoubleLE(Number.NaN, at + 1);
      out.writeDoubleLE(-1, at + 9);
      out.writeDoubleLE(-1, at + 17);
      problems.push(r.error);
      return;
    }
    const m = r.meta;
    const code = TYPE_NAMES.indexOf(m.type as (typeof TYPE_NAMES)[number]);
    out.writeUInt8(code > 0 ? code : 7, at);
    out.writeDoubleLE(m.ttl, at + 1);
    out.writeDoubleLE(m.bytes ?? -1, at + 9);
    out.writeDoubleLE(m.type === "string" ? 0 : (m.length ?? -1), at + 17);
    if (m.sizeError) problems.push(m.sizeError);
  });
  return { packed: out, problems };
}

/**
 * A metadata call through the loaded script: the keys as KEYS (one server) or as ARGV with no
 * declared key (the cross-slot form for cluster nodes).
 */
function scriptCall(evalsha: string, evalCmd: string, crossSlot = false): ScriptCall {
  const [sha, body] = crossSlot ? [META_SHA_CROSS_SLOT, META_SCRIPT_CROSS_SLOT] : [META_SHA, META_SCRIPT];
  return async (redis, keys) => {
    const numKeys = crossSlot ? 0 : keys.length;
    try {
      return (await redis.callBuffer(evalsha, sha, numKeys, ...keys)) as Buffer;
    } catch (err) {
      // The script cache was flushed mid-scan: send the body once more.
      if (classifyRedisError(err)?.code === "NOSCRIPT") {
        return (await redis.callBuffer(evalCmd, body, numKeys, ...keys)) as Buffer;
      }
      throw err;
    }
  };
}

type ScriptForm = readonly ["EVALSHA_RO", "EVAL_RO"] | readonly ["EVALSHA", "EVAL"];
const SCRIPT_FORMS: readonly ScriptForm[] = [
  ["EVALSHA_RO", "EVAL_RO"],
  ["EVALSHA", "EVAL"],
];

/** Loads `body` and answers the first script form the server runs (`probe` tries one), or pipelines. */
async function chooseScriptForm(
  redis: Redis,
  body: string,
  probe: (evalsha: string) => Promise<unknown>,
  make: (form: ScriptForm) => { call: ScriptCall; via: string },
): Promise<{ call?: ScriptCall; via: string }> {
  try {
    await redis.call("SCRIPT", "LOAD", body);
  } catch {
    return { via: "pipeline" };
  }
  for (const form of SCRIPT_FORMS) {
    try {
      await probe(form[0]);
      return make(form);
    } catch {
      // try the next form
    }
  }
  return { via: "pipeline" };
}

/**
 * The fastest metadata reader a cluster node allows: the cross-slot script (Redis 7+, scripting
 * allowed) or per-key pipelines. The probe runs the script on no key, so it needs no key of the node.
 */
export function chooseClusterMetaReader(redis: Redis): Promise<{ call?: ScriptCall; via: string }> {
  return chooseScriptForm(
    redis,
    META_SCRIPT_CROSS_SLOT,
    (evalsha) => redis.callBuffer(evalsha, META_SHA_CROSS_SLOT, 0),
    ([evalsha, evalCmd]) => ({ call: scriptCall(evalsha, evalCmd, true), via: `${evalsha} cross-slot` }),
  );
}

/**
 * Picks the fastest way this server lets us read metadata: EVALSHA_RO (7.0+), EVALSHA, or
 * pipelines. `probeKey` must lie under the key patterns the console's user may touch (the policy's
 * namespace), so a user restricted to `~isl:*` still gets the script.
 */
export function chooseMetaReader(redis: Redis, probeKey: Buffer | string): Promise<{ call?: ScriptCall; via: string }> {
  return chooseScriptForm(
    redis,
    META_SCRIPT,
    (evalsha) => redis.callBuffer(evalsha, META_SHA, 1, probeKey),
    ([evalsha, evalCmd]) => ({ call: scriptCall(evalsha, evalCmd), via: evalsha }),
  );
}

/** Decoded metadata of one key; `type` "unknown" with a NaN TTL when the key could not be read. */
export type KeyMetaCallback = (key: Buffer, type: string, ttl: number, bytes: number | null, length: number | null) => void;

/** Calls `fn` for each key of a batch with its decoded metadata; ttl -2 means it vanished. */
export function forEachKeyMeta(keys: Buffer[], packed: Buffer, fn: KeyMetaCallback): void {
  for (let i = 0; i < keys.length; i++) {
    const at = i * META_STRIDE;
    if (at + META_STRIDE > packed.length) break;
    const code = packed.readUInt8(at);
    const bytes = packed.readDoubleLE(at + 9);
    const length = packed.readDoubleLE(at + 17);
    fn(
      keys[i] as Buffer,
      code === UNKNOWN_CODE ? "unknown" : (TYPE_NAMES[code] ?? "other"),
      packed.readDoubleLE(at + 1),
      bytes < 0 ? null : bytes,
      length < 0 ? null : length,
    );
  }
}

export type ScanSpeed = "gentle" | "fast";

/**
 * Gentle: every command within about 250 µs of Redis time and at most a quarter of a Redis core
 * (BudgetThrottle). Fast, for maintenance windows: SCAN COUNT 1000, metadata in calls of 500 keys
 * (~1-2 ms each), six calls queued so Redis never waits for the client, no pause.
 */
export function scanThrottle(speed: ScanSpeed): Throttle {
  return speed === "fast" ? new FixedThrottle(1000, 500, 6, 1) : new BudgetThrottle();
}

export interface ScanKeyspaceOptions {
  match: string;
  throttle: Throttle;
  signal?: AbortSignal;
  /** A key under the namespace the console's user may read, for the script probe. */
  probeKey: Buffer | string;
  /**
   * How metadata is read: "script" (one Lua call per batch, declared keys: a standalone or
   * sentinel server), "cluster" (a cluster node: the cross-slot script where allowed), or
   * "pipeline" (per-key pipelines only). Default "script".
   */
  reader?: "script" | "cluster" | "pipeline";
  /** Keys SCAN returned that this walk must skip unread (a part of a node's slots). */
  filter?: (key: Buffer) => boolean;
  /**
   * Pace on the metadata call's round trip alone, not on the processing of its reply: several
   * walks sharing one process (a cluster's nodes) would otherwise count each other's processing
   * as their node's time and slow each other down for nothing.
   */
  timeRedisOnly?: boolean;
  /** One batch of keys with their packed metadata (see forEachKeyMeta), in scan order. */
  onBatch: (keys: Buffer[], batch: MetaBatch) => void;
}

/**
 * Walks the keyspace once. Resolves when the cursor returns to 0; rejects with WalkCancelledError
 * when `signal` aborts (within one command), or with the Redis error that stopped it: a command
 * the console's user may not run (TTL, TYPE) fails the scan, it never turns into vanished keys.
 */
export async function scanKeyspace(redis: Redis, options: ScanKeyspaceOptions): Promise<{ via: string }> {
  const how = options.reader ?? "script";
  const reader =
    how === "pipeline"
      ? { via: "pipeline" }
      : how === "cluster"
        ? await chooseClusterMetaReader(redis)
        : await chooseMetaReader(redis, options.probeKey);
  let script = reader.call;
  let sizeReasonKnown = false;

  const readBatch = async (keys: Buffer[]): Promise<MetaBatch> => {
    if (!script) return pipelineMeta(redis, keys);
    let packed: Buffer;
    try {
      packed = await script(redis, keys);
    } catch (err) {
      const failure = classifyRedisError(err);
      if (!failure || (failure.kind !== "permission" && failure.kind !== "script")) throw err;
      // A key the user may not touch makes Redis refuse the whole call; a command refused inside
      // the script is not named. Per-key pipelines say which key or command it was.
      if (!(failure.kind === "permission" && failure.keyDenied)) script = undefined;
      return pipelineMeta(redis, keys);
    }
    const problems: RedisError[] = [];
    if (!sizeReasonKnown) {
      const unsized = keys.findIndex((_, i) => packed.readDoubleLE(i * META_STRIDE + 9) < 0);
      if (unsized >= 0) {
        // The script cannot tell why MEMORY USAGE failed: ask once directly for the classified reason.
        sizeReasonKnown = true;
        try {
          await redis.call("MEMORY", "USAGE", keys[unsized] as Buffer);
        } catch (err) {
          const reason = classifyRedisError(err, { command: "memory|usage" });
          if (reason) problems.push(reason);
        }
      }
    }
    return { packed, problems };
  };

  await walkKeyspace(redis, {
    match: options.match,
    throttle: options.throttle,
    signal: options.signal,
    onKeys: (found, runner) => {
      const keys = options.filter ? found.filter(options.filter) : found;
      if (keys.length === 0) return;
      return runner.each(keys, async (batch) => {
        const t0 = performance.now();
        const meta = await readBatch(batch);
        const ms = performance.now() - t0;
        options.onBatch(batch, meta);
        return options.timeRedisOnly ? ms : undefined;
      });
    },
  });
  return { via: script ? reader.via : "pipeline" };
}
