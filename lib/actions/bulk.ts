// The Redis work of each action, given validated input: single-key actions, dry-run counts and
// the bulk walks jobs run. Errors propagate; lib/actions/perform.ts audits them.
import "server-only";
import { standardTtlFor, type CompiledPolicy } from "@/lib/policy/classify";
import { keyRef, type KeyRef } from "@/lib/redis/keys";
import { fixTtls, needsFix, readTtls, unlinkKeys, type FixMode } from "@/lib/redis/mutate";
import { BudgetThrottle, FixedThrottle, walkKeyspace, type Throttle } from "@/lib/redis/walk";
import { SAMPLE_SIZE } from "@/lib/schemas/actions";

/** The ioredis client, named through lib/redis so this module stays off the client library. */
type Client = Parameters<typeof walkKeyspace>[0];

/** Dry runs answer within an HTTP request: larger SCAN calls, still half of Redis's time at most. */
export const dryRunThrottle = (): Throttle => new FixedThrottle(1000, 500, 1, 0.5);

export interface Tally {
  /** Keys changed (real run) or that would change (dry run). */
  count: number;
  sample: KeyRef[];
  /** Keys outside every pattern, left alone by fix-ttl. */
  skipped: number;
  skippedSample: KeyRef[];
  /** Keys SCAN returned. */
  scanned: number;
  /** Keys whose TTL the console's Redis user may not read (ACL key patterns): left alone, not counted as fine. */
  unreadable: number;
}

export function emptyTally(): Tally {
  return { count: 0, sample: [], skipped: 0, skippedSample: [], scanned: 0, unreadable: 0 };
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
    const ttl = ttls[i] ?? null;
    if (ttl === null) tally.unreadable++;
    if (needsFix(ttl, item.standard, mode)) {
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
  throttle?: Throttle;
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
  await walkKeyspace(redis, {
    match: options.match,
    throttle: options.throttle ?? new BudgetThrottle(),
    signal: options.signal,
    onKeys: (keys, runner) =>
      runner.each(keys, async (batch) => {
        tally.scanned += batch.length;
        await each(batch, tally);
        options.onProgress?.(tally);
      }),
  });
  return tally;
}

/** Dry runs use the larger dry-run throttle unless told otherwise and report no progress. */
function dryRunWalk(options: WalkOptions): WalkOptions {
  return { match: options.match, throttle: options.throttle ?? dryRunThrottle(), signal: options.signal };
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

/** Bulk fix: SCAN batches, one conditional EXPIRE pipeline each, sized and paced like a gentle scan. */
export function fixMatching(
  redis: Client,
  compiled: CompiledPolicy,
  mode: FixMode,
  options: WalkOptions,
): Promise<Tally> {
  return tallyMatching(redis, options, (keys, tally) => fixKeys(redis, compiled, keys, mode, tally));
}

/** Bulk delete: SCAN batches, one UNLINK each, sized and paced like a gentle scan. */
export function unlinkMatching(redis: Client, options: WalkOptions): Promise<Tally> {
  return tallyMatching(redis, options, async (keys, tally) => {
    tally.count += await unlinkKeys(redis, keys);
  });
}
