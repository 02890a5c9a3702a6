// The Redis work of each action, given validated input: single-key actions, dry-run counts and
// the bulk walks jobs run. Errors propagate: lib/audit/guard.ts, through perform.ts and jobs.ts,
// audits them.
//
// Named keys go through the instance's client (a cluster client routes them by slot, batched per
// node). Walks by pattern run on every keyspace node (a cluster's masters) at once, each node with
// its own SCAN, its own throttle and its own tally; progress is their sum, one cancel stops all,
// and a node that fails stops the others and names itself, with what every node did counted.
import "server-only";
import type { KeyClient } from "@/lib/redis/connection";
import { standardTtlFor, type CompiledPolicy } from "@/lib/policy/classify";
import type { ChangeSink, KeyChange } from "@/lib/scan/changes";
import { keyRef, type KeyRef } from "@/lib/keys/encoding";
import { fixTtls, needsFix, readTtls, unlinkOnNode, type FixMode } from "@/lib/redis/mutate";
import { atNode, type RedisNode } from "@/lib/redis/topology";
import {
  BudgetThrottle,
  FixedThrottle,
  WalkCancelledError,
  walkKeyspace,
  type Throttle,
} from "@/lib/redis/walk";
import type { InstanceConfig } from "@/lib/config";
import { KEY_SAMPLE_SIZE } from "@/lib/schemas/actions";

/** The instance's client for named keys: a server's connection or a cluster client. */
type Client = KeyClient;
/** One server's connection: what a SCAN walk runs on. */
type NodeClient = Parameters<typeof walkKeyspace>[0];

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
  if (list.length < KEY_SAMPLE_SIZE) list.push(keyRef(key));
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
  redis: NodeClient,
  options: WalkOptions,
  each: (keys: Buffer[], tally: Tally) => Promise<void>,
  tally: Tally = emptyTally(),
): Promise<Tally> {
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

/** What one node's walk did (a cluster's job reports it per master). */
export interface NodeTally {
  node: string;
  tally: Tally;
  /** The node's failure, in words, when its walk failed. */
  error?: string;
}

/** The sum of several nodes' tallies (samples: the first KEY_SAMPLE_SIZE in node order). */
export function sumTallies(tallies: Tally[]): Tally {
  const sum = emptyTally();
  for (const t of tallies) {
    sum.count += t.count;
    sum.skipped += t.skipped;
    sum.scanned += t.scanned;
    sum.unreadable += t.unreadable;
    for (const k of t.sample) if (sum.sample.length < KEY_SAMPLE_SIZE) sum.sample.push(k);
    for (const k of t.skippedSample)
      if (sum.skippedSample.length < KEY_SAMPLE_SIZE) sum.skippedSample.push(k);
  }
  return sum;
}

/** Where a walk by pattern runs: the keyspace nodes, and the instance (to name a failing node). */
export interface WalkTargets {
  instance: InstanceConfig;
  nodes: RedisNode[];
  /** Filled with each node's tally as the walk ends (done, failed or cancelled). */
  perNode?: NodeTally[];
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Runs one walk per node at once, each with its own tally (and, the caller's throttle being a
 * factory per node, its own throttle); progress reports the sum. When a node fails, the others are
 * stopped and the node's error (naming it, on a cluster) is thrown once every walk has ended, so
 * the last progress counts everything that was done; a cancel throws WalkCancelledError.
 */
async function walkNodes(
  targets: WalkTargets,
  options: WalkOptions,
  throttle: () => Throttle | undefined,
  walk: (node: RedisNode, options: WalkOptions, tally: Tally) => Promise<Tally>,
): Promise<Tally> {
  const { nodes, instance } = targets;
  const tallies = nodes.map(() => emptyTally());
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const report = () => options.onProgress?.(sumTallies(tallies));
  let failure: { err: unknown } | undefined;
  // Live: each node's tally is filled as its walk goes (a job shows every master's share).
  targets.perNode = nodes.map((node, i) => ({ node: node.address, tally: tallies[i] as Tally }));
  const settled = await Promise.allSettled(
    nodes.map(async (node, i) => {
      try {
        return await walk(
          node,
          { ...options, signal, throttle: throttle(), onProgress: options.onProgress ? report : undefined },
          tallies[i] as Tally,
        );
      } catch (err) {
        const named =
          nodes.length > 1 && !(err instanceof WalkCancelledError)
            ? atNode(err, instance, node, nodes.length)
            : err;
        if (!(err instanceof WalkCancelledError) && !failure) {
          failure = { err: named };
          stop.abort();
        }
        throw named;
      }
    }),
  );
  targets.perNode = nodes.map((node, i) => {
    const s = settled[i];
    const failed = s?.status === "rejected" && !(s.reason instanceof WalkCancelledError);
    return {
      node: node.address,
      tally: tallies[i] as Tally,
      ...(failed ? { error: errorText(s.reason) } : {}),
    };
  });
  report();
  if (failure) throw failure.err;
  const cancelled = settled.find((s) => s.status === "rejected");
  if (cancelled?.status === "rejected") throw cancelled.reason;
  return sumTallies(tallies);
}

/** Dry run of a fix over every key matching, on every node: a SCAN with a TTL pipeline per batch. */
export function dryRunFixMatching(
  targets: WalkTargets,
  compiled: CompiledPolicy,
  mode: FixMode,
  options: WalkOptions,
): Promise<Tally> {
  const walk = dryRunWalk(options);
  return walkNodes(
    targets,
    walk,
    () => options.throttle ?? dryRunThrottle(),
    (node, o, tally) =>
      tallyMatching(node.client, o, (keys, t) => countFixable(node.client, compiled, keys, mode, t), tally),
  );
}

/** Dry run of delete-pattern: how many keys match, on every node. */
export function dryRunDeleteMatching(targets: WalkTargets, options: WalkOptions): Promise<Tally> {
  const walk = dryRunWalk(options);
  return walkNodes(
    targets,
    walk,
    () => options.throttle ?? dryRunThrottle(),
    (node, o, tally) =>
      tallyMatching(
        node.client,
        o,
        async (keys, t) => {
          t.count += keys.length;
          for (const key of keys) addSample(t.sample, key);
        },
        tally,
      ),
  );
}

/**
 * Bulk fix on every node: SCAN batches, one conditional EXPIRE pipeline each, sized and paced like
 * a gentle scan (each node with its own throttle, so gentle stays gentle per node).
 */
export function fixMatching(
  targets: WalkTargets,
  compiled: CompiledPolicy,
  mode: FixMode,
  options: WalkOptions,
): Promise<Tally> {
  return walkNodes(
    targets,
    options,
    () => options.throttle ?? new BudgetThrottle(),
    (node, o, tally) =>
      tallyMatching(node.client, o, (keys, t) => fixKeys(node.client, compiled, keys, mode, t), tally),
  );
}

/** Bulk delete on every node: SCAN batches, one UNLINK each, sized and paced like a gentle scan. */
export function unlinkMatching(targets: WalkTargets, options: WalkOptions): Promise<Tally> {
  return walkNodes(
    targets,
    options,
    () => options.throttle ?? new BudgetThrottle(),
    (node, o, tally) =>
      tallyMatching(
        node.client,
        o,
        async (keys, t) => {
          t.count += await unlinkOnNode(node, keys);
        },
        tally,
      ),
  );
}
