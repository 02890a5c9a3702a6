// The `redis-cli --latency-history` view from the sampler's PING round trips: per minute, the
// min, p50, p95 and max. Pure: the caller passes the stored samples and the window.
import type { LatencyMinute } from "@/lib/schemas/ops";
import type { StoredSample } from "@/lib/store/samples";

const MIN = 60_000;

/** Nearest-rank quantile of sorted values. */
function nearestRank(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? null;
}

/**
 * One entry per minute in [from, to), oldest first; a minute without a reachable sample has
 * `samples: 0` and nulls (a gap in the chart, never a zero).
 */
export function latencyMinutes(samples: StoredSample[], from: number, to: number): LatencyMinute[] {
  const first = Math.floor(from / MIN) * MIN;
  const byMinute = new Map<number, number[]>();
  for (const s of samples) {
    if (!s.reachable || s.latencyMs === null || s.t < first || s.t >= to) continue;
    const minute = Math.floor(s.t / MIN) * MIN;
    let list = byMinute.get(minute);
    if (!list) byMinute.set(minute, (list = []));
    list.push(s.latencyMs);
  }
  const out: LatencyMinute[] = [];
  for (let t = first; t < to; t += MIN) {
    const values = (byMinute.get(t) ?? []).sort((a, b) => a - b);
    out.push({
      t,
      samples: values.length,
      minMs: values[0] ?? null,
      p50Ms: nearestRank(values, 0.5),
      p95Ms: nearestRank(values, 0.95),
      maxMs: values.at(-1) ?? null,
    });
  }
  return out;
}
