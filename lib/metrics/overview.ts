// Builds the overview (current figures, rates over their windows, active alerts) from stored
// samples. Pure: the sampler passes the samples, the clock and the scan input; it stores the result.
import type { Environment } from "@/lib/policy/types";
import {
  evaluateAlerts,
  type AlertPoint,
  type AlertThresholds,
  type LatestScan,
  type TtlComplianceUnknown,
} from "@/lib/policy/alerts";
import type { Overview, OverviewThresholds } from "@/lib/schemas/overview";
import type { StoredSample } from "@/lib/store/samples";
import { addDeltas, emptySum, ratesOf, windowSum, type DeltaSum } from "./rates";

export const EVICTIONS_WINDOW_MS = 5 * 60_000;
export const HIT_RATE_WINDOW_MS = 5 * 60_000;
export const OPS_WINDOW_MS = 60_000;
export const LATENCY_WINDOW_MS = 5 * 60_000;

export function thresholdsFor(th: AlertThresholds, environment: Environment): OverviewThresholds {
  return {
    memoryRatio: th.memoryRatio,
    evictionsPerMinute: th.evictionsPerMinute,
    clientsRatio: th.clientsRatio,
    latencyMs: th.latencyMs,
    hitRate: th.hitRateTarget[environment],
  };
}

const ratio = (a: number | null, b: number | null) => (a !== null && b !== null && b > 0 ? a / b : null);

/** Deltas summed over (t - windowMs, t] for every sample, in one pass (two pointers over prefix sums). */
export function windowedSums(samples: StoredSample[], windowMs: number): DeltaSum[] {
  const out: DeltaSum[] = [];
  const running = emptySum();
  const prefix: DeltaSum[] = [];
  let lo = 0;
  const sub = (a: DeltaSum, b: DeltaSum): DeltaSum => ({
    ms: a.ms - b.ms,
    evicted: a.evicted - b.evicted,
    expired: a.expired - b.expired,
    hits: a.hits - b.hits,
    misses: a.misses - b.misses,
    commands: a.commands - b.commands,
  });
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i];
    if (!s) continue;
    if (s.deltas) addDeltas(running, s.deltas);
    prefix.push({ ...running });
    while (lo < i && (samples[lo]?.t ?? 0) <= s.t - windowMs) lo++;
    // prefix[lo - 1] holds everything before the window.
    out.push(lo === 0 ? { ...running } : sub(running, prefix[lo - 1] ?? emptySum()));
  }
  return out;
}

/** The points the alert rules read, one per sample; unreachable samples are all-null points. */
export function alertPoints(samples: StoredSample[], th: AlertThresholds): AlertPoint[] {
  const evictions = windowedSums(samples, EVICTIONS_WINDOW_MS);
  const hits = windowedSums(samples, th.hitRateWindowMs);
  return samples.map((s, i) => {
    if (!s.reachable) {
      return {
        t: s.t,
        memoryRatio: null,
        evictionsPerMinute: null,
        clientsRatio: null,
        latencyMs: null,
        hitRate: null,
        lookups: 0,
      };
    }
    const hr = ratesOf(hits[i] ?? emptySum());
    return {
      t: s.t,
      memoryRatio: ratio(s.usedBytes, s.maxBytes),
      evictionsPerMinute: ratesOf(evictions[i] ?? emptySum()).evictionsPerMinute,
      clientsRatio: ratio(s.connectedClients, s.maxClients),
      latencyMs: s.latencyMs,
      hitRate: hr.hitRate,
      lookups: hr.lookups,
    };
  });
}

function quantile(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[idx] ?? null;
}

export interface OverviewInput {
  instanceId: string;
  environment: Environment;
  /** Oldest first; should reach back alertLookbackMs + the hit-rate window. */
  samples: StoredSample[];
  now: number;
  intervalMs: number;
  thresholds: AlertThresholds;
  latestScan: LatestScan | null;
  /** Why TTL compliance is unknown, if it is (lib/metrics/scan-input.ts). */
  ttlUnknown?: TtlComplianceUnknown | null;
  /** The previous overview: keeps an alert's `since` when its run started before the samples given. */
  previous?: Overview | null;
}

function unreachableStretch(samples: StoredSample[]): { since: number; error: string | null } | null {
  const last = samples.at(-1);
  if (!last || last.reachable) return null;
  let since = last.t;
  for (let i = samples.length - 2; i >= 0; i--) {
    const s = samples[i];
    if (!s || s.reachable) break;
    since = s.t;
  }
  return { since, error: last.error };
}

function keepEarlierSince(
  overview: Overview,
  previous: Overview | null | undefined,
  firstT: number | undefined,
): void {
  if (!previous) return;
  const first = firstT === undefined ? "" : new Date(firstT).toISOString();
  for (const alert of overview.alerts) {
    const before = previous.alerts.find((a) => a.rule === alert.rule);
    if (before && alert.since === first && before.since < alert.since) {
      alert.since = before.since;
    }
    // Before any scan the compliance alert has no time of its own: it holds from when it was first seen.
    if (before && alert.rule === "ttl-compliance-unknown" && before.summary === alert.summary && before.since < alert.since) {
      alert.since = before.since;
    }
  }
}

function currentFigures(last: StoredSample | null): Pick<Overview, "memory" | "clients" | "keys"> {
  const usedBytes = last?.usedBytes ?? null;
  const maxBytes = last?.maxBytes ?? null;
  const connected = last?.connectedClients ?? null;
  const max = last?.maxClients ?? null;
  return {
    memory: { usedBytes, maxBytes, ratio: ratio(usedBytes, maxBytes) },
    clients: { connected, max, ratio: ratio(connected, max) },
    keys: last?.keys ?? null,
  };
}

export function buildOverview(input: OverviewInput): Overview {
  const { samples, thresholds: th } = input;
  const lastIndex = samples.findLastIndex((s) => s.reachable);
  const known = samples.slice(0, lastIndex + 1);
  const last = known.at(-1) ?? null;
  const down = unreachableStretch(samples);
  const end = last?.t ?? input.now;
  const rates = {
    evictions: ratesOf(windowSum(known, end, EVICTIONS_WINDOW_MS)),
    hits: ratesOf(windowSum(known, end, HIT_RATE_WINDOW_MS)),
    ops: ratesOf(windowSum(known, end, OPS_WINDOW_MS)),
  };
  const latencies = known
    .filter((s) => s.t > end - LATENCY_WINDOW_MS && s.latencyMs !== null)
    .map((s) => s.latencyMs ?? 0);
  const current = currentFigures(last);
  // While Redis is unreachable the alerts are the last known ones, judged at the last data.
  const alerts = evaluateAlerts({
    instanceId: input.instanceId,
    environment: input.environment,
    points: alertPoints(known, th),
    now: down ? end : input.now,
    thresholds: th,
    latestScan: input.latestScan,
    ttlUnknown: input.ttlUnknown ?? null,
  });
  const overview: Overview = {
    id: input.instanceId,
    reachable: samples.at(-1)?.reachable ?? false,
    ...(down ? { unreachableSince: new Date(down.since).toISOString() } : {}),
    ...(down?.error ? { error: down.error } : {}),
    sampledAt: last ? new Date(last.t).toISOString() : null,
    checkedAt: samples.length > 0 ? new Date(samples.at(-1)?.t ?? 0).toISOString() : null,
    stale: false,
    sampleIntervalSeconds: input.intervalMs / 1000,
    memory: current.memory,
    evictionsPerMinute: rates.evictions.evictionsPerMinute,
    hitRate: rates.hits.hitRate,
    opsPerSecond: rates.ops.opsPerSecond,
    clients: current.clients,
    latencyMs: { p50: quantile(latencies, 0.5), p95: quantile(latencies, 0.95) },
    keys: current.keys,
    windows: {
      evictionsSeconds: EVICTIONS_WINDOW_MS / 1000,
      hitRateSeconds: HIT_RATE_WINDOW_MS / 1000,
      opsSeconds: OPS_WINDOW_MS / 1000,
      latencySeconds: LATENCY_WINDOW_MS / 1000,
    },
    thresholds: thresholdsFor(th, input.environment),
    alerts,
  };
  keepEarlierSince(overview, input.previous, samples[0]?.t);
  return overview;
}

/** An overview with no data yet (before the first sample). */
export function emptyOverview(
  instanceId: string,
  environment: Environment,
  intervalMs: number,
  th: AlertThresholds,
): Overview {
  return buildOverview({
    instanceId,
    environment,
    samples: [],
    now: 0,
    intervalMs,
    thresholds: th,
    latestScan: null,
  });
}
