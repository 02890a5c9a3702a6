// Rates from Redis's monotonic counters, like Prometheus's rate(): per-interval deltas, summed over
// a window and divided by the time they cover. A reset (run_id changed, a counter went down, the
// previous sample was unreachable or too old) gives no delta: a gap, never a spike or a negative rate.
// Pure: samples in, numbers out.
import type { Deltas } from "@/lib/store/samples";
import type { DeltaSum } from "@/lib/store/rollups";

export interface Counters {
  evictedKeys: number;
  expiredKeys: number;
  keyspaceHits: number;
  keyspaceMisses: number;
  totalCommands: number;
}

export interface CounterReading extends Counters {
  t: number;
  runId: string;
}

/**
 * The deltas from `prev` to `cur`, or null when they would not be a rate: no previous reachable
 * sample, a restart (run_id changed), any counter going down, or more than `maxGapMs` between them.
 */
export function counterDeltas(
  prev: CounterReading | null,
  cur: CounterReading,
  maxGapMs: number,
): Deltas | null {
  if (!prev) return null;
  const ms = cur.t - prev.t;
  if (ms <= 0 || ms > maxGapMs) return null;
  if (prev.runId !== cur.runId) return null;
  const d = {
    ms,
    evicted: cur.evictedKeys - prev.evictedKeys,
    expired: cur.expiredKeys - prev.expiredKeys,
    hits: cur.keyspaceHits - prev.keyspaceHits,
    misses: cur.keyspaceMisses - prev.keyspaceMisses,
    commands: cur.totalCommands - prev.totalCommands,
  };
  if (d.evicted < 0 || d.expired < 0 || d.hits < 0 || d.misses < 0 || d.commands < 0) return null;
  return d;
}

export const emptySum = (): DeltaSum => ({ ms: 0, evicted: 0, expired: 0, hits: 0, misses: 0, commands: 0 });

export function addDeltas(sum: DeltaSum, d: Deltas | DeltaSum): DeltaSum {
  sum.ms += d.ms;
  sum.evicted += d.evicted;
  sum.expired += d.expired;
  sum.hits += d.hits;
  sum.misses += d.misses;
  sum.commands += d.commands;
  return sum;
}

export interface Rates {
  evictionsPerMinute: number | null;
  expiredPerMinute: number | null;
  opsPerSecond: number | null;
  /** hits / (hits + misses); null when there was no lookup. */
  hitRate: number | null;
  lookups: number;
}

export function ratesOf(sum: DeltaSum): Rates {
  const lookups = sum.hits + sum.misses;
  if (sum.ms <= 0)
    return { evictionsPerMinute: null, expiredPerMinute: null, opsPerSecond: null, hitRate: null, lookups };
  return {
    evictionsPerMinute: (sum.evicted * 60_000) / sum.ms,
    expiredPerMinute: (sum.expired * 60_000) / sum.ms,
    opsPerSecond: (sum.commands * 1000) / sum.ms,
    hitRate: lookups > 0 ? sum.hits / lookups : null,
    lookups,
  };
}

/** Deltas within (end - windowMs, end], summed. Expects `items` oldest first. */
export function windowSum<T extends { t: number; deltas: Deltas | null }>(
  items: T[],
  end: number,
  windowMs: number,
): DeltaSum {
  const sum = emptySum();
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i];
    if (!item || item.t > end) continue;
    if (item.t <= end - windowMs) break;
    if (item.deltas) addDeltas(sum, item.deltas);
  }
  return sum;
}

/** The sampler tolerates a late sample or two before calling the next interval a gap. */
export function maxGapFor(intervalMs: number): number {
  return Math.max(intervalMs * 3, intervalMs + 5000);
}
