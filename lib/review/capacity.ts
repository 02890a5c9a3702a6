// Capacity projection for the weekly review: a least-squares line through used memory over time,
// projected 3 and 6 months out against maxmemory, with the date it would reach 80 %.
// Pure: samples and `now` in, projection out.
import { formatBytes, formatDuration } from "@/lib/format";
import type { Capacity, CapacityPoint } from "@/lib/schemas/review";

export interface MemoryPoint {
  /** Milliseconds since the epoch. */
  t: number;
  usedBytes: number;
}

export interface CapacityOptions {
  /** Fewer points than this is too little history to fit. */
  minPoints: number;
  /** A history shorter than this (first to last point) is too little to fit. */
  minSpanMs: number;
  /** Months ahead to project. */
  months: number[];
  /** Fraction of maxmemory that counts as the warning line (the alert rule's 80 %). */
  threshold: number;
  /** Growth over 6 months below this share of maxmemory (or of current use without a limit) is flat. */
  flatShare: number;
  /** A crossing further out than this is reported as "not within" rather than as a date. */
  horizonYears: number;
  /** At most this many points in the chart series. */
  maxSeriesPoints: number;
}

export const DEFAULT_CAPACITY_OPTIONS: CapacityOptions = {
  minPoints: 12,
  minSpanMs: 24 * 3600_000,
  months: [3, 6],
  threshold: 0.8,
  flatShare: 0.01,
  horizonYears: 5,
  maxSeriesPoints: 200,
};

const DAY_MS = 86_400_000;

export interface LinearFit {
  /** Bytes per millisecond. */
  slope: number;
  /** Fitted bytes at t = 0 (epoch ms); use `at()` rather than this directly. */
  at: (t: number) => number;
  /** Coefficient of determination; null when every point has the same value. */
  r2: number | null;
}

/**
 * Ordinary least squares of usedBytes over t. Times are centred on their mean before squaring so
 * epoch milliseconds (~1.8e12) keep their precision. Returns null for fewer than 2 distinct times.
 */
export function linearFit(points: readonly MemoryPoint[]): LinearFit | null {
  const n = points.length;
  if (n < 2) return null;
  let sumT = 0;
  let sumY = 0;
  for (const p of points) {
    sumT += p.t;
    sumY += p.usedBytes;
  }
  const meanT = sumT / n;
  const meanY = sumY / n;
  let stt = 0;
  let sty = 0;
  let syy = 0;
  for (const p of points) {
    const dt = p.t - meanT;
    const dy = p.usedBytes - meanY;
    stt += dt * dt;
    sty += dt * dy;
    syy += dy * dy;
  }
  if (stt === 0) return null;
  const slope = sty / stt;
  const r2 = syy === 0 ? null : (sty * sty) / (stt * syy);
  return { slope, at: (t) => meanY + slope * (t - meanT), r2 };
}

/** `months` calendar months after `t`, in UTC. */
export function addMonths(t: number, months: number): number {
  const d = new Date(t);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.getTime();
}

/** Averages points into at most `max` equal time buckets (empty buckets dropped), for a chart. */
export function downsample(points: readonly MemoryPoint[], max: number): MemoryPoint[] {
  if (points.length <= max) return points.map((p) => ({ t: p.t, usedBytes: p.usedBytes }));
  const first = points[0] as MemoryPoint;
  const last = points[points.length - 1] as MemoryPoint;
  const width = (last.t - first.t) / max || 1;
  const sums = new Map<number, { t: number; y: number; n: number }>();
  for (const p of points) {
    const bucket = Math.min(max - 1, Math.floor((p.t - first.t) / width));
    const s = sums.get(bucket) ?? { t: 0, y: 0, n: 0 };
    s.t += p.t;
    s.y += p.usedBytes;
    s.n++;
    sums.set(bucket, s);
  }
  return [...sums.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([, s]) => ({ t: Math.round(s.t / s.n), usedBytes: Math.round(s.y / s.n) }));
}

function iso(t: number): string {
  return new Date(t).toISOString();
}

function toSeries(points: readonly MemoryPoint[]): CapacityPoint[] {
  return points.map((p) => ({ t: iso(p.t), usedBytes: p.usedBytes }));
}

interface Crossing {
  crosses80At: string | null;
  note: string;
}

function crossing(
  fit: LinearFit,
  trend: "growing" | "flat" | "shrinking",
  thresholdBytes: number,
  now: number,
  o: CapacityOptions,
): Crossing {
  const pct = `${Math.round(o.threshold * 100)} %`;
  if (trend !== "growing")
    return { crosses80At: null, note: `Memory use is ${trend}: it is not heading for ${pct} of maxmemory` };
  const t = now + (thresholdBytes - fit.at(now)) / fit.slope;
  const horizon = addMonths(now, o.horizonYears * 12);
  if (t > horizon) {
    return {
      crosses80At: null,
      note: `At the current growth, memory stays under ${pct} of maxmemory for more than ${o.horizonYears} years`,
    };
  }
  const at = Math.max(t, now);
  return {
    crosses80At: iso(at),
    note: `At the current growth, memory reaches ${pct} of maxmemory in ${formatDuration((at - now) / 1000)}`,
  };
}

function cleanPoints(points: readonly MemoryPoint[]): MemoryPoint[] {
  return points
    .filter((p) => Number.isFinite(p.t) && Number.isFinite(p.usedBytes) && p.usedBytes >= 0)
    .sort((a, b) => a.t - b.t);
}

function historyOf(points: readonly MemoryPoint[]): Capacity["history"] {
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last) return { points: 0, from: null, to: null, spanSeconds: 0 };
  return {
    points: points.length,
    from: iso(first.t),
    to: iso(last.t),
    spanSeconds: (last.t - first.t) / 1000,
  };
}

function trendOf(
  fit: LinearFit,
  maxBytes: number | null,
  now: number,
  o: CapacityOptions,
): "growing" | "flat" | "shrinking" {
  const growth6Months = fit.slope * (addMonths(now, 6) - now);
  const scale = maxBytes ?? Math.max(Math.abs(fit.at(now)), 1);
  if (Math.abs(growth6Months) < o.flatShare * scale) return "flat";
  return growth6Months > 0 ? "growing" : "shrinking";
}

/**
 * The review's capacity section. `points` need not be sorted; non-finite values are dropped.
 * `maxBytes` 0 or null means no limit: the line is still fitted and projected, without ratios.
 */
export function projectCapacity(
  input: {
    points: readonly MemoryPoint[];
    maxBytes: number | null;
    now: number;
    /** Why maxBytes is null when it is unknown rather than unset ("Redis is unreachable"). */
    maxBytesUnknown?: string;
  },
  options: Partial<CapacityOptions> = {},
): Capacity {
  const o = { ...DEFAULT_CAPACITY_OPTIONS, ...options };
  const points = cleanPoints(input.points);
  const maxBytes = input.maxBytes && input.maxBytes > 0 ? input.maxBytes : null;
  const thresholdBytes = maxBytes === null ? null : Math.round(maxBytes * o.threshold);
  const history = historyOf(points);
  const currentBytes = points[points.length - 1]?.usedBytes ?? null;
  const alreadyAbove80 = thresholdBytes !== null && currentBytes !== null && currentBytes >= thresholdBytes;
  const base = {
    maxBytes,
    thresholdBytes,
    currentBytes,
    history,
    alreadyAbove80,
    series: toSeries(downsample(points, o.maxSeriesPoints)),
  };
  const fit =
    points.length >= o.minPoints && history.spanSeconds * 1000 >= o.minSpanMs ? linearFit(points) : null;
  if (!fit) {
    const have =
      points.length === 0
        ? "no memory history yet"
        : `${points.length} sample${points.length === 1 ? "" : "s"} over ${formatDuration(history.spanSeconds)}`;
    return {
      ...base,
      status: "insufficient-history",
      note: `Too little history to project: ${have}; needs at least ${o.minPoints} samples over ${formatDuration(o.minSpanMs / 1000)}`,
      fit: null,
      trend: null,
      projections: [],
      crosses80At: null,
    };
  }
  const trend = trendOf(fit, maxBytes, input.now, o);
  const projections = o.months.map((months) => {
    const at = addMonths(input.now, months);
    const bytes = Math.max(0, fit.at(at));
    return {
      months,
      at: iso(at),
      bytes: Math.round(bytes),
      ratio: maxBytes === null ? null : bytes / maxBytes,
    };
  });
  const fitOut = {
    slopeBytesPerDay: fit.slope * DAY_MS,
    bytesNow: Math.round(fit.at(input.now)),
    r2: fit.r2,
  };
  if (maxBytes === null || thresholdBytes === null) {
    return {
      ...base,
      status: "no-maxmemory",
      note: `${input.maxBytesUnknown ? `Maxmemory is unknown (${input.maxBytesUnknown})` : "Maxmemory is not set"}: memory use is ${trend} (${formatBytes(fitOut.slopeBytesPerDay)} per day) with no limit to project against`,
      fit: fitOut,
      trend,
      projections,
      crosses80At: null,
    };
  }
  const c = alreadyAbove80
    ? {
        crosses80At: null,
        note: `Memory use is already at or above ${Math.round(o.threshold * 100)} % of maxmemory`,
      }
    : crossing(fit, trend, thresholdBytes, input.now, o);
  return { ...base, status: "ok", note: c.note, fit: fitOut, trend, projections, crosses80At: c.crosses80At };
}
