// The Redis work of each action, given validated input: single-key actions, dry-run counts and
// the bulk walks jobs run. Errors propagate; lib/actions/perform.ts audits them.
import "server-only";
import { standardTtlFor, type CompiledPolicy } from "@/lib/policy/classify";
import type { ChangeSink, KeyChange } from "@/lib/scan/changes";
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

/** TTLs of the keys, or null for each when they could not be read: a failed read is never "fixed" or "gone". */
export async function ttlsOrNull(redis: Client, keys: Buffer[]): Promise<(number | null)[]> {
  try {
    return await readTtls(redis, keys);
  } catch {
    return keys.map(() => null);
  }
}

/**
 * Prepares to tell `sink` what an action on `keys` changes: reads now the TTLs it will need from
 * before (keys past a capped list), and answers the step to run once the action ran on `done`:
 * re-read their TTLs (-2: gone) and report each key that can change the latest scan's lists.
 * Keys the scan cannot be affected by are not read at all.
 */
export async function trackChanges(
  redis: Client,
  keys: Buffer[],
  sink?: ChangeSink,
): Promise<(done: Buffer[]) => Promise<void>> {
  if (!sink) return async () => undefined;
  const inferred = keys.filter((key) => sink.interest(key) === "infer");
  const before = new Map<Buffer, number | null>();
  if (inferred.length > 0) {
    const ttls = await ttlsOrNull(redis, inferred);
    inferred.forEach((key, i) => before.set(key, ttls[i] ?? null));
  }
  return async (done) => {
    const watched = done.filter((key) => sink.interest(key) !== undefined);
    if (watched.length === 0) return;
    const after = await ttlsOrNull(redis, watched);
    const changes: KeyChange[] = [];
    watched.forEach((key, i) => {
      const b = before.get(key) ?? null;
      const a = after[i] ?? null;
      if (a !== null && a !== b) changes.push({ key, before: b, after: a });
    });
    if (changes.length > 0) sink.add(changes);
  };
}

/** Runs `act` on the keys, telling `sink` what it changed (see trackChanges). */
export async function tracked<T>(
  redis: Client,
  keys: Buffer[],
  act: () => Promise<T>,
  sink?: ChangeSink,
): Promise<T> {
  const finish = await trackChanges(redis, keys, sink);
  const out = await act();
  await finish(keys);
  return out;
}

export interface WalkOptions {
  match: string;
  throttle?: Throttle;
  signal?: AbortSignal;
  onProgress?: (tally: Tally) => void;
  /** Told the keys each batch changed (real runs only). */
  changes?: ChangeSink;
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
    onKeys: async (keys, runner) => {
      // The scan-keeping reads run per SCAN call, outside the throttled batches, so the batches
      // keep the size of one write pipeline; they read TTLs only of keys the latest scan lists.
      const finish = await trackChanges(redis, keys, options.changes);
      const started: Promise<Buffer[]>[] = [];
      try {
        await runner.each(keys, (batch) => {
          const run = (async () => {
            tally.scanned += batch.length;
            await each(batch, tally);
            options.onProgress?.(tally);
            return batch;
          })();
          started.push(run);
          return run.then(() => undefined);
        });
      } finally {
        // Batches that ran (cancelled or not) are recorded; a failed one is not: it may not have run.
        const settled = await Promise.allSettled(started);
        await finish(settled.flatMap((s) => (s.status === "fulfilled" ? s.value : [])));
      }
    },
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
