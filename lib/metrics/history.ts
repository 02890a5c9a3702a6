// Time series for the overview charts, from the store only: raw samples for short ranges, one-minute
// rollups (plus the raw tail not rolled up yet) for 24 h and 7 d. Buckets of ~360 per range; a
// bucket without a reachable sample, a stretch without samples and a counter reset are nulls (gaps).
import type { MetricsPoint, MetricsRange } from "@/lib/schemas/metrics";
import type { Rollup } from "@/lib/store/rollups";
import type { StoredSample } from "@/lib/store/samples";
import type { DeltaSum } from "@/lib/store/rollups";
import { addDeltas, emptySum, maxGapFor, ratesOf } from "./rates";

const MIN = 60_000;

export const rangeMs: Record<MetricsRange, number> = {
  "15m": 15 * MIN,
  "1h": 60 * MIN,
  "6h": 360 * MIN,
  "24h": 1440 * MIN,
  "7d": 7 * 1440 * MIN,
};

const TARGET_POINTS = 360;

export function usesRollups(range: MetricsRange): boolean {
  return range === "24h" || range === "7d";
}

/** Bucket width: about 360 points per range, never finer than the sample interval, whole minutes for rollups. */
export function stepFor(range: MetricsRange, intervalMs: number): number {
  const raw = Math.max(intervalMs, Math.ceil(rangeMs[range] / TARGET_POINTS / 1000) * 1000);
  return usesRollups(range) ? Math.ceil(raw / MIN) * MIN : raw;
}

class Bucket {
  reachable = 0;
  usedSum = 0;
  usedMax: number | null = null;
  maxBytes: number | null = null;
  clientsSum = 0;
  maxClients: number | null = null;
  latencySum = 0;
  latencyN = 0;
  latencyMax: number | null = null;
  keys: number | null = null;
  deltas: DeltaSum = emptySum();
  /** Raw samples in the bucket without a rate: unreachable, or the first after a reset. */
  resets = 0;

  constructor(readonly t: number) {}

  addSample(s: StoredSample, first: boolean): void {
    if (!s.reachable || (!s.deltas && !first)) this.resets++;
    if (!s.reachable) return;
    this.reachable++;
    this.usedSum += s.usedBytes ?? 0;
    this.usedMax = Math.max(this.usedMax ?? 0, s.usedBytes ?? 0);
    this.maxBytes = s.maxBytes;
    this.clientsSum += s.connectedClients ?? 0;
    this.maxClients = s.maxClients;
    if (s.latencyMs !== null) {
      this.latencySum += s.latencyMs;
      this.latencyN++;
      this.latencyMax = Math.max(this.latencyMax ?? 0, s.latencyMs);
    }
    this.keys = s.keys;
    if (s.deltas) addDeltas(this.deltas, s.deltas);
  }

  addRollup(r: Rollup): void {
    if (r.reachable === 0) return;
    this.reachable += r.reachable;
    this.usedSum += (r.usedAvg ?? 0) * r.reachable;
    this.usedMax = Math.max(this.usedMax ?? 0, r.usedMax ?? 0);
    this.maxBytes = r.maxBytes;
    this.clientsSum += (r.clientsAvg ?? 0) * r.reachable;
    this.maxClients = r.maxClients;
    if (r.latencyAvg !== null) {
      this.latencySum += r.latencyAvg * r.reachable;
      this.latencyN += r.reachable;
      this.latencyMax = Math.max(this.latencyMax ?? 0, r.latencyMax ?? 0);
    }
    this.keys = r.keys;
    addDeltas(this.deltas, r.deltas);
  }

  point(): MetricsPoint {
    if (this.reachable === 0) return nullPoint(this.t);
    // A reset inside the bucket makes its rates a gap, whatever the bucket width.
    const rates = this.resets > 0 ? ratesOf(emptySum()) : ratesOf(this.deltas);
    return {
      t: this.t,
      usedBytes: Math.round(this.usedSum / this.reachable),
      usedBytesMax: this.usedMax,
      maxBytes: this.maxBytes,
      evictionsPerMinute: rates.evictionsPerMinute,
      hitRate: rates.hitRate,
      opsPerSecond: rates.opsPerSecond,
      connectedClients: Math.round((this.clientsSum / this.reachable) * 10) / 10,
      maxClients: this.maxClients,
      latencyMs: this.latencyN > 0 ? this.latencySum / this.latencyN : null,
      latencyMsMax: this.latencyMax,
      keys: this.keys,
    };
  }
}

export function nullPoint(t: number): MetricsPoint {
  return {
    t,
    usedBytes: null,
    usedBytesMax: null,
    maxBytes: null,
    evictionsPerMinute: null,
    hitRate: null,
    opsPerSecond: null,
    connectedClients: null,
    maxClients: null,
    latencyMs: null,
    latencyMsMax: null,
    keys: null,
  };
}

export interface HistoryInput {
  from: number;
  to: number;
  stepMs: number;
  intervalMs: number;
  samples: StoredSample[];
  rollups?: Rollup[];
}

/** Buckets the samples (and rollups), then puts a null point into every stretch without data. */
export function buildPoints(input: HistoryInput): MetricsPoint[] {
  const buckets = new Map<number, Bucket>();
  const bucketAt = (t: number) => {
    const key = Math.floor(t / input.stepMs) * input.stepMs;
    let b = buckets.get(key);
    if (!b) buckets.set(key, (b = new Bucket(key)));
    return b;
  };
  for (const r of input.rollups ?? [])
    if (r.minute >= input.from && r.minute <= input.to) bucketAt(r.minute).addRollup(r);
  input.samples.forEach((s, i) => {
    if (s.t >= input.from && s.t <= input.to) bucketAt(s.t).addSample(s, i === 0);
  });
  const sorted = [...buckets.values()].sort((a, b) => a.t - b.t);
  const gapMs = Math.max(2 * input.stepMs, maxGapFor(input.intervalMs));
  const points: MetricsPoint[] = [];
  let prevT: number | null = null;
  for (const b of sorted) {
    if (prevT !== null && b.t - prevT > gapMs) points.push(nullPoint(prevT + input.stepMs));
    points.push(b.point());
    prevT = b.t;
  }
  // A trailing stretch without samples (sampler stopped, console down) is a gap up to now.
  if (prevT !== null && input.to - prevT > gapMs) points.push(nullPoint(prevT + input.stepMs));
  return points;
}
