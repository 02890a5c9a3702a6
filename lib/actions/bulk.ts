// The Redis work of each action, given validated input: single-key actions, dry-run counts and
// the bulk walks jobs run. Errors propagate; lib/actions/perform.ts audits them.
import "server-only";
import { standardTtlFor, type CompiledPolicy } from "@/lib/policy/classify";
import { keyRef, type KeyRef } from "@/lib/redis/keys";
import {
  fixTtls,
  needsFix,
  readTtls,
  unlinkKeys,
  walkMatching,
  type FixMode,
  type WalkThrottle,
} from "@/lib/redis/mutate";
import { SAMPLE_SIZE } from "@/lib/schemas/actions";

/** The ioredis client, named through lib/redis so this module stays off the client library. */
type Client = Parameters<typeof walkMatching>[0];

/** Dry runs answer within an HTTP request: larger SCAN calls, still half of Redis's time at most. */
export const DRY_RUN_WALK: WalkThrottle = { count: 1000, maxShare: 0.5 };

export interface Tally {
  /** Keys changed (real run) or that would change (dry run). */
  count: number;
  sample: KeyRef[];
  /** Keys outside every pattern, left alone by fix-ttl. */
  skipped: number;
  skippedSample: KeyRef[];
  /** Keys SCAN returned. */
  scanned: number;
}

export function emptyTally(): Tally {
  return { count: 0, sample: [], skipped: 0, skippedSample: [], scanned: 0 };
}

function addSample(list: KeyRef[], key: Buffer): void {
  if (list.length < SAMPLE_SIZE) list.push(keyRef(key));
}

/** Splits keys into those under a pattern (with its standard TTL) and those outside, counted in `tally`. */
export function withStandards(
  compiled: CompiledPolicy,
  keys: Buffer[],
  tally: Tally,
): { key: Buffer; standard: number }[] {
  const items: { key: Buffer; standard: number }[] = [];
  for (const key of keys) {
    const standard = standardTtlFor(compiled, key);
    if (standard === undefined) {
      tally.skipped++;
      addSample(tally.skippedSample, key);
    } else items.push({ key, standard });
  }
  return items;
}

/** Dry run of a TTL fix over named keys: which would change. */
export async function countFixable(
  redis: Client,
  compiled: CompiledPolicy,
  keys: Buffer[],
  mode: FixMode,
  tally: Tally,
): Promise<void> {
  const items = withStandards(compiled, keys, tally);
  const ttls = await readTtls(
    redis,
    items.map((i) => i.key),
  );
  items.forEach((item, i) => {
    if (needsFix(ttls[i] ?? -2, item.standard, mode)) {
      tally.count++;
      addSample(tally.sample, item.key);
    }
  });
}

/** Real TTL fix over named keys. */
export async function fixKeys(
  redis: Client,
  compiled: CompiledPolicy,
  keys: Buffer[],
  mode: FixMode,
  tally: Tally,
): Promise<void> {
  const items = withStandards(compiled, keys, tally);
  tally.count += await fixTtls(redis, items, mode);
}

export interface WalkOptions {
  match: string;
  throttle?: WalkThrottle;
  signal?: AbortSignal;
  onProgress?: (tally: Tally) => void;
}

/**
 * One SCAN MATCH walk with a fresh tally: counts what SCAN returned, hands each batch to `each`,
 * then reports progress when asked to.
 */
async function tallyMatching(
  redis: Client,
  options: WalkOptions,
  each: (keys: Buffer[], tally: Tally) => Promise<void>,
): Promise<Tally> {
  const tally = emptyTally();
  await walkMatching(redis, {
    match: options.match,
    throttle: options.throttle,
    signal: options.signal,
    onBatch: async (keys) => {
      tally.scanned += keys.length;
      await each(keys, tally);
      options.onProgress?.(tally);
    },
  });
  return tally;
}

/** Dry runs use the larger DRY_RUN_WALK unless told otherwise and report no progress. */
function dryRunWalk(options: WalkOptions): WalkOptions {
  return { match: options.match, throttle: options.throttle ?? DRY_RUN_WALK, signal: options.signal };
}

/** Dry run of a fix over every key matching: a SCAN with a TTL pipeline per batch. */
export function dryRunFixMatching(
  redis: Client,
  compiled: CompiledPolicy,
  mode: FixMode,
  options: WalkOptions,
): Promise<Tally> {
  return tallyMatching(redis, dryRunWalk(options), (keys, tally) =>
    countFixable(redis, compiled, keys, mode, tally),
  );
}

/** Dry run of delete-pattern: how many keys match. */
export function dryRunDeleteMatching(redis: Client, options: WalkOptions): Promise<Tally> {
  return tallyMatching(redis, dryRunWalk(options), async (keys, tally) => {
    tally.count += keys.length;
    for (const key of keys) addSample(tally.sample, key);
  });
}

/** Bulk fix: SCAN batches of at most 500, one conditional EXPIRE pipeline each, gently throttled. */
export function fixMatching(
  redis: Client,
  compiled: CompiledPolicy,
  mode: FixMode,
  options: WalkOptions,
): Promise<Tally> {
  return tallyMatching(redis, options, (keys, tally) => fixKeys(redis, compiled, keys, mode, tally));
}

/** Bulk delete: SCAN batches of at most 500, one UNLINK each, gently throttled. */
export function unlinkMatching(redis: Client, options: WalkOptions): Promise<Tally> {
  return tallyMatching(redis, options, async (keys, tally) => {
    tally.count += await unlinkKeys(redis, keys);
  });
}
