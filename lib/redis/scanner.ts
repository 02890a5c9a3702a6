// The Redis side of a keyspace scan: SCAN (never KEYS) plus, per batch, one read-only Lua call
// that returns type, TTL, MEMORY USAGE and element count of every key packed in one binary
// string (25 bytes a key), so the client parses one bulk reply per batch instead of thousands
// of small ones. Keys stay Buffers end to end. A throttle keeps gentle scans at a bounded share
// of Redis's time; fast mode keeps a few batches in flight for maintenance windows.
import "server-only";
import { createHash } from "node:crypto";
import type Redis from "ioredis";
import { readKeyMeta } from "./key-meta";

/**
 * Bytes per key in a packed batch: type code (u8), TTL, bytes, length (float64 LE each).
 * Length is the element count of collections (HLEN/LLEN/SCARD/ZCARD/XLEN); strings get 0,
 * which saves a STRLEN per key (their size is in `bytes`).
 */
export const META_STRIDE = 25;

/** Type codes the script packs; 7 stands for any type outside Redis's core six (module types). */
export const TYPE_NAMES = ["none", "string", "hash", "list", "set", "zset", "stream", "other"] as const;

const META_SCRIPT = `
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
    if type(mem) ~= 'number' then mem = 0 end
    out[i] = struct.pack('<Bddd', codes[t] or 7, ttl, mem, len)
  end
end
return table.concat(out)
`;
const META_SHA = createHash("sha1").update(META_SCRIPT).digest("hex");

type MetaReader = (redis: Redis, keys: Buffer[]) => Promise<Buffer>;

/** Fallback where scripting or MEMORY is not allowed (ACLs, managed services): pipelines, same layout. */
async function pipelineMeta(redis: Redis, keys: Buffer[]): Promise<Buffer> {
  const metas = await readKeyMeta(redis, keys);
  const out = Buffer.alloc(keys.length * META_STRIDE);
  metas.forEach((m, i) => {
    const at = i * META_STRIDE;
    const code = m ? TYPE_NAMES.indexOf(m.type as (typeof TYPE_NAMES)[number]) : 0;
    out.writeUInt8(m ? (code > 0 ? code : 7) : 0, at);
    out.writeDoubleLE(m ? m.ttl : -2, at + 1);
    out.writeDoubleLE(m?.bytes ?? 0, at + 9);
    out.writeDoubleLE(m && m.type !== "string" ? (m.length ?? 0) : 0, at + 17);
  });
  return out;
}

function scriptReader(evalsha: string, evalCmd: string): MetaReader {
  return async (redis, keys) => {
    try {
      return (await redis.callBuffer(evalsha, META_SHA, keys.length, ...keys)) as Buffer;
    } catch (err) {
      // The script cache was flushed mid-scan: send the body once more.
      if (err instanceof Error && /NOSCRIPT/.test(err.message)) {
        return (await redis.callBuffer(evalCmd, META_SCRIPT, keys.length, ...keys)) as Buffer;
      }
      throw err;
    }
  };
}

/** Picks the fastest way this server lets us read metadata: EVALSHA_RO (7.0+), EVALSHA, or pipelines. */
export async function chooseMetaReader(redis: Redis): Promise<{ read: MetaReader; via: string }> {
  try {
    await redis.call("SCRIPT", "LOAD", META_SCRIPT);
  } catch {
    return { read: pipelineMeta, via: "pipeline" };
  }
  for (const [evalsha, evalCmd] of [
    ["EVALSHA_RO", "EVAL_RO"],
    ["EVALSHA", "EVAL"],
  ] as const) {
    try {
      // MEMORY may be denied to scripts too: an empty batch does not tell, one real probe does.
      await redis.callBuffer(evalsha, META_SHA, 1, "isl-console:probe");
      return { read: scriptReader(evalsha, evalCmd), via: evalsha };
    } catch {
      // try the next form
    }
  }
  return { read: pipelineMeta, via: "pipeline" };
}

/** Calls `fn` for each key of a batch with its decoded metadata; ttl -2 means it vanished. */
export function forEachKeyMeta(
  keys: Buffer[],
  packed: Buffer,
  fn: (key: Buffer, type: string, ttl: number, bytes: number, length: number) => void,
): void {
  for (let i = 0; i < keys.length; i++) {
    const at = i * META_STRIDE;
    if (at + META_STRIDE > packed.length) break;
    fn(
      keys[i] as Buffer,
      TYPE_NAMES[packed.readUInt8(at)] ?? "other",
      packed.readDoubleLE(at + 1),
      packed.readDoubleLE(at + 9),
      packed.readDoubleLE(at + 17),
    );
  }
}

export interface ScanThrottle {
  /** SCAN COUNT: how many slots Redis visits per call. */
  count: number;
  /** Most metadata calls awaiting a reply at once (1 = strictly one batch per round trip). */
  inFlight: number;
  /** Keys per metadata call: a SCAN batch is split so no single script holds Redis long. */
  metaChunk?: number;
  /**
   * Largest share of wall time the scan may keep Redis busy, 0 < share <= 1: after each batch the
   * scanner pauses (1/share - 1) times the batch's round trip. 1 = no pause.
   */
  maxShare: number;
}

/** Gentle: short commands (SCAN COUNT 100 ~ 0.1-0.2 ms) and at most a quarter of a Redis core. */
export const GENTLE: ScanThrottle = { count: 100, inFlight: 1, maxShare: 0.25 };
/**
 * Fast, for maintenance windows: SCAN COUNT 1000, metadata in calls of 500 keys (~1-2 ms each),
 * six calls queued so Redis never waits for the client, no pause.
 */
export const FAST: ScanThrottle = { count: 1000, inFlight: 6, metaChunk: 500, maxShare: 1 };

export class ScanCancelledError extends Error {
  override name = "ScanCancelledError";
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

export interface ScanKeyspaceOptions {
  match: string;
  throttle: ScanThrottle;
  signal?: AbortSignal;
  /** One batch of keys with their packed metadata (see forEachKeyMeta), in scan order. */
  onBatch: (keys: Buffer[], packed: Buffer) => void;
}

/**
 * Walks the keyspace once. Each round trip carries the next SCAN and the metadata call for the
 * previous batch, so Redis never waits for the client between the two. Resolves when the
 * cursor returns to 0; rejects with ScanCancelledError when `signal` aborts (within one batch),
 * or with the Redis error that stopped it.
 */
export async function scanKeyspace(redis: Redis, options: ScanKeyspaceOptions): Promise<{ via: string }> {
  const { match, throttle, signal, onBatch } = options;
  const { read, via } = await chooseMetaReader(redis);
  const inflight: Promise<void>[] = [];
  let failure: unknown;
  const dispatch = (keys: Buffer[]) => {
    const p = read(redis, keys).then(
      (packed) => {
        if (failure === undefined) onBatch(keys, packed);
      },
      (err: unknown) => {
        failure ??= err;
      },
    );
    inflight.push(p);
  };
  let cursor = "0";
  let pending: Buffer[] = [];
  do {
    const started = performance.now();
    const next = redis.scanBuffer(cursor, "MATCH", match, "COUNT", throttle.count);
    const chunk = throttle.metaChunk ?? pending.length;
    for (let i = 0; i < pending.length; i += chunk) dispatch(pending.slice(i, i + chunk));
    const [nextCursor, keys] = await next;
    while (inflight.length >= throttle.inFlight) await inflight.shift();
    if (failure !== undefined) throw failure;
    if (signal?.aborted) break;
    cursor = nextCursor.toString();
    pending = keys;
    if (throttle.maxShare < 1)
      await sleep((performance.now() - started) * (1 / throttle.maxShare - 1), signal);
  } while (cursor !== "0");
  if (!signal?.aborted && pending.length > 0) dispatch(pending);
  await Promise.all(inflight);
  if (failure !== undefined) throw failure;
  if (signal?.aborted) throw new ScanCancelledError("scan cancelled");
  return { via };
}
