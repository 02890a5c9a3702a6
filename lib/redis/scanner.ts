// The Redis side of a keyspace scan: the SCAN walk (walk.ts) plus, per batch, one read-only Lua call
// that returns type, TTL, MEMORY USAGE, element count and the key's access figure (OBJECT IDLETIME
// or OBJECT FREQ, as the node's maxmemory-policy allows) of every key packed in one binary string
// (33 bytes a key), so the client parses one bulk reply per batch instead of thousands of small
// ones. A fast scan of one server runs SCAN inside the same call (scanMetaCall): the keys cross the
// wire once and are read while SCAN has just brought them into the CPU's cache. Where scripting is
// refused, or a batch holds a key the console's user may not touch, the batch is read with per-key
// pipelines instead, which say exactly which key or command was refused. Nothing unread is
// guessed: a key that could not be read is packed as "unknown", a size or access figure Redis
// refused as -1 (unknown), never as 0 bytes, "never read" or a vanished key.
//
// Nothing here changes what it measures: TTL, TYPE, MEMORY USAGE and OBJECT leave a key's LRU
// clock and LFU counter alone. The collections' length commands (HLEN ... XLEN) do touch them:
// collections get no access figure (only strings, ISL's cached values, are judged).
import "server-only";
import { createHash } from "node:crypto";
import type Redis from "ioredis";
import { classifyRedisError, type RedisError } from "./errors";
import { parseInfo } from "./info";
import { readKeyMeta } from "./key-meta";
import { BudgetThrottle, FixedThrottle, walkKeyspace, type Throttle } from "./walk";

/**
 * Bytes per key in a packed batch: type code (u8), TTL, bytes, length, access (float64 LE each).
 * Length is the element count of collections (HLEN/LLEN/SCARD/ZCARD/XLEN); strings get 0,
 * which saves a STRLEN per key (their size is in `bytes`). Access is OBJECT IDLETIME (seconds) or
 * OBJECT FREQ (the LFU counter), per the batch's `access` mode. Bytes, length and access are -1
 * where unknown (refused, or not read).
 */
export const META_STRIDE = 33;

/**
 * Type codes: 0 the key vanished (TTL -2), 1-6 Redis's core types, 7 any other (module types),
 * 8 unknown (the key could not be read; its TTL is not known either).
 */
export const TYPE_NAMES = ["none", "string", "hash", "list", "set", "zset", "stream", "other"] as const;
export const UNKNOWN_CODE = 8;

/**
 * Which access figure a node's keys carry: "idle" (OBJECT IDLETIME, any policy but LFU), "freq"
 * (OBJECT FREQ, LFU policies: Redis keeps no idle time then), or "none" (not read).
 */
export type AccessMode = "idle" | "freq" | "none";

/** The access mode a maxmemory-policy allows: LFU policies keep a frequency, all others an idle time. */
export function accessModeFor(policy: string | undefined): AccessMode {
  if (!policy) return "none";
  return policy.includes("lfu") ? "freq" : "idle";
}

/** The OBJECT subcommand of a mode; "" reads nothing. */
const OBJECT_ARG: Record<AccessMode, string> = { idle: "IDLETIME", freq: "FREQ", none: "" };

/** The scripts' access arguments: the OBJECT subcommand, and n to read it for one string key in n. */
function accessArg(access: AccessMode, every = 1): [string, string] {
  return [OBJECT_ARG[access], String(every)];
}

/** Packed access value of a string key left out of the sample (decoded as undefined). */
const NOT_SAMPLED = -2;

/**
 * The per-key loop shared by every script form: `K` the keys, `acc` the OBJECT subcommand or "",
 * `every` to read it for one string key in that many only (-2: not sampled; see accessArg).
 * OBJECT is read for strings with a TTL only, the keys whose effectiveness is judged (a
 * collection's length command touches it, so a later scan could not trust its idle time anyway),
 * and through pcall: a refused or failing OBJECT (ACL, a policy switched mid-scan) leaves the
 * figure unknown, not the scan failed.
 */
const META_LOOP = `
local seen = 0
local out = {}
local call, pcall, pack = redis.call, redis.pcall, struct.pack
local lengths = { hash = 'HLEN', list = 'LLEN', set = 'SCARD', zset = 'ZCARD', stream = 'XLEN' }
local codes = { string = 1, hash = 2, list = 3, set = 4, zset = 5, stream = 6 }
for i = 1, #K do
  local k = K[i]
  local ttl = call('TTL', k)
  if ttl == -2 then
    out[i] = pack('<Bdddd', 0, -2, 0, 0, -1)
  else
    local t = call('TYPE', k)['ok']
    local a = -1
    local len = 0
    if t == 'string' then
      if acc ~= '' and ttl > 0 then
        seen = seen + 1
        if seen % every == 0 then
          a = pcall('OBJECT', acc, k)
          if type(a) ~= 'number' then a = -1 end
        else
          a = -2
        end
      end
    elseif lengths[t] then
      len = call(lengths[t], k)
    end
    local mem = pcall('MEMORY', 'USAGE', k)
    if type(mem) ~= 'number' then mem = -1 end
    out[i] = pack('<Bdddd', codes[t] or 7, ttl, mem, len, a)
  end
end
`;

/**
 * Exported so the slow log can tell the console's own script calls (lib/redis/slowlog.ts). The keys
 * as KEYS; ARGV[1] the OBJECT subcommand ("IDLETIME", "FREQ" or ""), ARGV[2] the sampling n.
 */
export const META_SCRIPT = `
local K = KEYS
local acc = ARGV[1] or ''
local every = tonumber(ARGV[2]) or 1
${META_LOOP}
return table.concat(out)
`;
export const META_SHA = createHash("sha1").update(META_SCRIPT).digest("hex");

/** One batch's metadata: packed (see forEachKeyMeta), and what Redis refused while reading it. */
export interface MetaBatch {
  packed: Buffer;
  problems: RedisError[];
  /** What the access field holds. */
  access: AccessMode;
}

/**
 * The same reader for a Redis Cluster node. A cluster refuses a script whose declared KEYS lie in
 * several slots (CROSSSLOT), and a SCAN batch spans hundreds of slots; Redis 7 lets a script that
 * says `allow-cross-slot-keys` touch keys of several slots as long as they all live on the node
 * that runs it, which every key SCAN returned from that node does. The keys go in ARGV (nothing
 * declared, so the cluster's slot check of the call itself passes) and each command inside is
 * still checked against the node's slots and the user's ACL key patterns.
 */
export const META_SCRIPT_CROSS_SLOT = `#!lua flags=no-writes,allow-cross-slot-keys
local acc = ARGV[1]
local every = tonumber(ARGV[2]) or 1
local K = {}
for i = 3, #ARGV do K[i - 2] = ARGV[i] end
${META_LOOP}
return table.concat(out)
`;
export const META_SHA_CROSS_SLOT = createHash("sha1").update(META_SCRIPT_CROSS_SLOT).digest("hex");

/**
 * SCAN and the metadata of what it found in one call: ARGV cursor, MATCH glob, COUNT, OBJECT
 * subcommand, sampling n; answers { next cursor, keys, packed metadata }. Redis 7 runs SCAN in a `no-writes`
 * script (and on a cluster node with `allow-cross-slot-keys`: the keys of one node span its slots).
 */
export const SCAN_META_SCRIPT = `#!lua flags=no-writes,allow-cross-slot-keys
local r = redis.call('SCAN', ARGV[1], 'MATCH', ARGV[2], 'COUNT', ARGV[3])
local K = r[2]
local acc = ARGV[4]
local every = tonumber(ARGV[5]) or 1
${META_LOOP}
return { r[1], K, table.concat(out) }
`;
export const SCAN_META_SHA = createHash("sha1").update(SCAN_META_SCRIPT).digest("hex");

/** Every script the scanner sends, by SHA (the slow log tells the console's own calls with it). */
export const OWN_SCRIPTS: ReadonlyMap<string, string> = new Map([
  [META_SHA, META_SCRIPT],
  [META_SHA_CROSS_SLOT, META_SCRIPT_CROSS_SLOT],
  [SCAN_META_SHA, SCAN_META_SCRIPT],
]);

type ScriptCall = (redis: Redis, keys: Buffer[], access?: AccessMode, every?: number) => Promise<Buffer>;

/** Reads the access figure of each key (OBJECT first: the length reads after it touch the key). */
async function pipelineAccess(
  redis: Redis,
  keys: Buffer[],
  access: AccessMode,
  every: number,
): Promise<{ values: number[]; problem?: RedisError }> {
  // One key in `every` by position (the type is not known yet: collections read too, then ignored).
  const values: number[] = keys.map((_, i) => (i % every === every - 1 ? -1 : NOT_SAMPLED));
  if (access === "none") return { values: values.fill(-1) };
  const asked = values.flatMap((v, i) => (v === -1 ? [i] : []));
  const pipeline = redis.pipeline();
  for (const i of asked) pipeline.call("OBJECT", OBJECT_ARG[access], keys[i] as Buffer);
  const results = ((await pipeline.exec()) ?? []) as [Error | null, unknown][];
  let problem: RedisError | undefined;
  results.forEach(([err, value], j) => {
    const i = asked[j] as number;
    if (!err && typeof value === "number") values[i] = value;
    else if (err && !problem)
      problem = classifyRedisError(err, { command: `object|${OBJECT_ARG[access].toLowerCase()}` });
  });
  return problem ? { values, problem } : { values };
}

/** Per-key pipelines, same layout: where scripting is refused, or a batch needs a per-key answer. */
export async function pipelineMeta(
  redis: Redis,
  keys: Buffer[],
  access: AccessMode = "none",
  every = 1,
): Promise<MetaBatch> {
  const read = await pipelineAccess(redis, keys, access, every);
  const results = await readKeyMeta(redis, keys, { stringLength: false });
  const out = Buffer.alloc(keys.length * META_STRIDE);
  const problems: RedisError[] = [];
  results.forEach((r, i) => {
    const at = i * META_STRIDE;
    out.writeDoubleLE(-1, at + 25);
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
    out.writeDoubleLE(read.values[i] ?? -1, at + 25);
    if (m.sizeError) problems.push(m.sizeError);
  });
  // After the key-level reasons (scanInto pairs those with the unknown keys in order).
  if (read.problem) problems.push(read.problem);
  return { packed: out, problems, access };
}

async function withNoScript<T>(send: (evalsha: boolean) => Promise<T>): Promise<T> {
  try {
    return await send(true);
  } catch (err) {
    // The script cache was flushed mid-scan: send the body once more.
    if (classifyRedisError(err)?.code === "NOSCRIPT") return send(false);
    throw err;
  }
}

/**
 * A metadata call through the loaded script: the keys as KEYS (one server) or as ARGV with no
 * declared key (the cross-slot form for cluster nodes).
 */
function scriptCall(evalsha: string, evalCmd: string, crossSlot = false): ScriptCall {
  const [sha, body] = crossSlot ? [META_SHA_CROSS_SLOT, META_SCRIPT_CROSS_SLOT] : [META_SHA, META_SCRIPT];
  return (redis, keys, access = "none", every = 1) =>
    withNoScript(async (cached) => {
      const arg = accessArg(access, every);
      const args = crossSlot ? [0, ...arg, ...keys] : [keys.length, ...keys, ...arg];
      return (await redis.callBuffer(cached ? evalsha : evalCmd, cached ? sha : body, ...args)) as Buffer;
    });
}

type ScriptForm = readonly ["EVALSHA_RO", "EVAL_RO"] | readonly ["EVALSHA", "EVAL"];
const SCRIPT_FORMS: readonly ScriptForm[] = [
  ["EVALSHA_RO", "EVAL_RO"],
  ["EVALSHA", "EVAL"],
];

/** Loads `body` and answers the first script form the server runs (`probe` tries one), or none. */
async function chooseForm(
  redis: Redis,
  body: string,
  probe: (evalsha: string) => Promise<unknown>,
): Promise<ScriptForm | undefined> {
  try {
    await redis.call("SCRIPT", "LOAD", body);
  } catch {
    return undefined;
  }
  for (const form of SCRIPT_FORMS) {
    try {
      await probe(form[0]);
      return form;
    } catch {
      // try the next form
    }
  }
  return undefined;
}

/**
 * The fastest metadata reader a cluster node allows: the cross-slot script (Redis 7+, scripting
 * allowed) or per-key pipelines. The probe runs the script on no key, so it needs no key of the node.
 */
export async function chooseClusterMetaReader(redis: Redis): Promise<{ call?: ScriptCall; via: string }> {
  const form = await chooseForm(redis, META_SCRIPT_CROSS_SLOT, (evalsha) =>
    redis.callBuffer(evalsha, META_SHA_CROSS_SLOT, 0, ""),
  );
  return form
    ? { call: scriptCall(form[0], form[1], true), via: `${form[0]} cross-slot` }
    : { via: "pipeline" };
}

/**
 * Picks the fastest way this server lets us read metadata: EVALSHA_RO (7.0+), EVALSHA, or
 * pipelines. `probeKey` must lie under the key patterns the console's user may touch (the policy's
 * namespace), so a user restricted to `~isl:*` still gets the script.
 */
export async function chooseMetaReader(
  redis: Redis,
  probeKey: Buffer | string,
): Promise<{ call?: ScriptCall; via: string }> {
  const form = await chooseForm(redis, META_SCRIPT, (evalsha) =>
    redis.callBuffer(evalsha, META_SHA, 1, probeKey, ""),
  );
  return form ? { call: scriptCall(form[0], form[1]), via: form[0] } : { via: "pipeline" };
}

/** One SCAN call with the metadata of its keys (SCAN_META_SCRIPT). */
type ScanMetaCall = (
  redis: Redis,
  cursor: string,
  match: Buffer | string,
  count: number,
  access: AccessMode,
  every: number,
) => Promise<{ cursor: string; keys: Buffer[]; packed: Buffer }>;

/**
 * The combined SCAN-and-metadata call where the server runs it (Redis 7: a script with flags that
 * may call SCAN), or undefined. Probed with COUNT 1 on a MATCH no key of the namespace matches.
 */
async function chooseScanMetaCall(
  redis: Redis,
  probeMatch: Buffer,
): Promise<{ call: ScanMetaCall; via: string } | undefined> {
  const form = await chooseForm(redis, SCAN_META_SCRIPT, (evalsha) =>
    redis.callBuffer(evalsha, SCAN_META_SHA, 0, "0", probeMatch, "1", ""),
  );
  if (!form) return undefined;
  const call: ScanMetaCall = (r, cursor, match, count, access, every) =>
    withNoScript(async (cached) => {
      const reply = (await r.callBuffer(
        cached ? form[0] : form[1],
        cached ? SCAN_META_SHA : SCAN_META_SCRIPT,
        0,
        cursor,
        match,
        String(count),
        ...accessArg(access, every),
      )) as [Buffer, Buffer[], Buffer];
      return { cursor: reply[0].toString(), keys: reply[1], packed: reply[2] };
    });
  return { call, via: `${form[0]} scan+meta` };
}

/**
 * Decoded metadata of one key; `type` "unknown" with a NaN TTL when the key could not be read.
 * `access` is the idle time or LFU counter (see MetaBatch.access), null where unknown or not read,
 * undefined for a string key left out of the sample.
 */
export type KeyMetaCallback = (
  key: Buffer,
  type: string,
  ttl: number,
  bytes: number | null,
  length: number | null,
  access: number | null | undefined,
) => void;

/** Calls `fn` for each key of a batch with its decoded metadata; ttl -2 means it vanished. */
export function forEachKeyMeta(keys: Buffer[], packed: Buffer, fn: KeyMetaCallback): void {
  for (let i = 0; i < keys.length; i++) {
    const at = i * META_STRIDE;
    if (at + META_STRIDE > packed.length) break;
    const code = packed.readUInt8(at);
    const bytes = packed.readDoubleLE(at + 9);
    const length = packed.readDoubleLE(at + 17);
    const access = packed.readDoubleLE(at + 25);
    fn(
      keys[i] as Buffer,
      code === UNKNOWN_CODE ? "unknown" : (TYPE_NAMES[code] ?? "other"),
      packed.readDoubleLE(at + 1),
      bytes < 0 ? null : bytes,
      length < 0 ? null : length,
      access >= 0 ? access : access === NOT_SAMPLED ? undefined : null,
    );
  }
}

export type ScanSpeed = "gentle" | "fast";

/**
 * SCAN COUNT of a fast scan's combined calls (~3 ms of Redis time each, one queued behind another
 * at most). Measured on 200k keys of 500-2,000-byte JSON strings, Redis time per key grows with the
 * batch: 13-14 µs a key at 250, 16-20 at 500, 15-27 at 1,000 (a loaded 2-core machine).
 */
export const FAST_SCAN_META_COUNT = 250;

/**
 * Gentle: every command within about 250 µs of Redis time and at most a quarter of a Redis core
 * (BudgetThrottle); SCAN and the metadata calls stay separate commands, each sized to the budget.
 * Fast, for maintenance windows: SCAN and metadata in one call of COUNT 250 (scanKeyspace), the
 * next call sent as soon as the previous one answered, no pause; where that call is not available,
 * SCAN COUNT 1000, metadata in calls of 500 keys (~1-2 ms each), six calls queued so Redis never
 * waits for the client.
 */
export function scanThrottle(speed: ScanSpeed): Throttle {
  return speed === "fast" ? new FixedThrottle(FAST_SCAN_META_COUNT, 500, 6, 1) : new BudgetThrottle();
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
  /**
   * Read the access figure of one string key in this many (a systematic sample in SCAN order, so
   * a large keyspace pays the extra OBJECT call for a part of its keys only); 1 by default.
   */
  accessSampleEvery?: number;
  /** One batch of keys with their packed metadata (see forEachKeyMeta), in scan order. */
  onBatch: (keys: Buffer[], batch: MetaBatch) => void;
}

export interface ScanKeyspaceOutcome {
  via: string;
  /** The access figure the keys carry, and the maxmemory-policy it was chosen from. */
  access: AccessMode;
  policy: string | null;
  /** Why no access figure was read (access "none"). */
  accessNote?: string;
}

/**
 * A keyspace holding keys the console's user may not touch refuses every combined call that meets
 * one, each then sent again in two steps: after this many, the walk keeps to two steps.
 */
const MAX_DENIED_CALLS = 3;

/**
 * The node's maxmemory-policy from INFO memory (no CONFIG needed), and whether the node is a
 * replica: a replica's idle times and counters see only the reads it served itself, not its
 * master's, so no access figure is read there.
 */
async function readPolicy(
  redis: Redis,
): Promise<{ policy: string | null; note?: string; replica?: boolean }> {
  try {
    const info = parseInfo(String(await redis.call("INFO", "memory", "replication")));
    const policy = info.memory?.maxmemory_policy;
    const replica = info.replication?.role === "slave";
    return policy ? { policy, replica } : { policy: null, note: "INFO memory names no maxmemory_policy" };
  } catch (err) {
    const classified = classifyRedisError(err, { command: "info" });
    return { policy: null, note: `INFO memory failed: ${classified?.message ?? String(err)}` };
  }
}

/**
 * Walks the keyspace once. Resolves when the cursor returns to 0; rejects with WalkCancelledError
 * when `signal` aborts (within one command), or with the Redis error that stopped it: a command
 * the console's user may not run (TTL, TYPE) fails the scan, it never turns into vanished keys.
 */
export async function scanKeyspace(redis: Redis, options: ScanKeyspaceOptions): Promise<ScanKeyspaceOutcome> {
  const how = options.reader ?? "script";
  const every = Math.max(1, Math.floor(options.accessSampleEvery ?? 1));
  const read = await readPolicy(redis);
  const { policy } = read;
  const note = read.replica
    ? "scanned on a replica: its idle times and counters do not see the reads its master served"
    : read.note;
  const access = read.replica ? "none" : accessModeFor(policy ?? undefined);
  const reader =
    how === "pipeline"
      ? { via: "pipeline" }
      : how === "cluster"
        ? await chooseClusterMetaReader(redis)
        : await chooseMetaReader(redis, options.probeKey);
  let script = reader.call;
  // The combined call on fast walks (a fixed throttle) of a script-reading node; a slot filter
  // (a part rescanned on a node that serves more) keeps the two-step walk, which filters before reading.
  let combined =
    script && options.throttle instanceof FixedThrottle && !options.filter
      ? await chooseScanMetaCall(
          redis,
          Buffer.concat([Buffer.from(options.probeKey), Buffer.from("\x00none")]),
        )
      : undefined;
  /** Combined calls refused for a key the user may not touch; past a few, two steps throughout. */
  let deniedCalls = 0;
  let sizeReasonKnown = false;
  let accessReasonKnown = access === "none";

  /** Asks once, directly, why the script left a figure unknown (the script cannot tell). */
  const explain = async (keys: Buffer[], packed: Buffer, problems: RedisError[]) => {
    // A key present and read (type 1-7) whose figure is -1; the access figure is read for strings with a TTL only.
    const missing = (offset: number, stringsWithTtl = false) =>
      keys.findIndex((_, i) => {
        const at = i * META_STRIDE;
        const code = packed.readUInt8(at);
        const value = packed.readDoubleLE(at + offset);
        if (code === 0 || code >= UNKNOWN_CODE || value >= 0 || value === NOT_SAMPLED) return false;
        return !stringsWithTtl || (code === 1 && packed.readDoubleLE(at + 1) > 0);
      });
    if (!sizeReasonKnown) {
      const unsized = missing(9);
      if (unsized >= 0) {
        sizeReasonKnown = true;
        try {
          await redis.call("MEMORY", "USAGE", keys[unsized] as Buffer);
        } catch (err) {
          const reason = classifyRedisError(err, { command: "memory|usage" });
          if (reason) problems.push(reason);
        }
      }
    }
    if (!accessReasonKnown) {
      const unread = missing(25, true);
      if (unread >= 0) {
        accessReasonKnown = true;
        try {
          await redis.call("OBJECT", OBJECT_ARG[access], keys[unread] as Buffer);
        } catch (err) {
          const reason = classifyRedisError(err, { command: `object|${OBJECT_ARG[access].toLowerCase()}` });
          if (reason) problems.push(reason);
        }
      }
    }
  };

  const readBatch = async (keys: Buffer[]): Promise<MetaBatch> => {
    if (!script) return pipelineMeta(redis, keys, access, every);
    let packed: Buffer;
    try {
      packed = await script(redis, keys, access, every);
    } catch (err) {
      const failure = classifyRedisError(err);
      if (!failure || (failure.kind !== "permission" && failure.kind !== "script")) throw err;
      // A key the user may not touch makes Redis refuse the whole call; a command refused inside
      // the script is not named. Per-key pipelines say which key or command it was.
      if (!(failure.kind === "permission" && failure.keyDenied)) script = undefined;
      return pipelineMeta(redis, keys, access, every);
    }
    const problems: RedisError[] = [];
    await explain(keys, packed, problems);
    return { packed, problems, access };
  };

  // The combined call's own COUNT while it is in use; the two-step sizes once it is not.
  const inner = options.throttle;
  const throttle: Throttle = !combined
    ? inner
    : {
        scanCount: () => (combined ? FAST_SCAN_META_COUNT : inner.scanCount()),
        batchSize: () => inner.batchSize(),
        inFlight: inner.inFlight,
        maxShare: inner.maxShare,
        observe: (kind, units, ms, found) => inner.observe(kind, units, ms, found),
      };
  const scanWith = async (cursor: string, count: number) => {
    if (combined) {
      try {
        const r = await combined.call(redis, cursor, options.match, count, access, every);
        const problems: RedisError[] = [];
        await explain(r.keys, r.packed, problems);
        return {
          cursor: r.cursor,
          keys: r.keys,
          payload: { packed: r.packed, problems, access } as MetaBatch,
        };
      } catch (err) {
        const failure = classifyRedisError(err);
        if (!failure || (failure.kind !== "permission" && failure.kind !== "script")) throw err;
        // A key the user may not touch: this cursor's batch goes the two-step way, which names it.
        // Anything else refused (SCAN in a script, a command): two steps from here on.
        if (!(failure.kind === "permission" && failure.keyDenied) || ++deniedCalls >= MAX_DENIED_CALLS)
          combined = undefined;
      }
    }
    const [next, keys] = (await redis.callBuffer(
      "SCAN",
      cursor,
      "MATCH",
      options.match,
      "COUNT",
      String(count),
    )) as [Buffer, Buffer[]];
    return { cursor: next.toString(), keys, payload: undefined as MetaBatch | undefined };
  };

  await walkKeyspace<MetaBatch | undefined>(redis, {
    match: options.match,
    throttle,
    signal: options.signal,
    ...(combined ? { scan: scanWith, prefetch: true } : {}),
    onKeys: (found, runner, payload) => {
      if (payload) {
        if (found.length > 0) options.onBatch(found, payload);
        return;
      }
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
  const via = combined ? combined.via : script ? reader.via : "pipeline";
  return {
    via,
    access,
    policy,
    ...(access === "none" ? { accessNote: note ?? "no maxmemory_policy read" } : {}),
  };
}
