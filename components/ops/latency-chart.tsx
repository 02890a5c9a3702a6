"use client";

// The `redis-cli --latency-history` view on the shared threshold chart: per-minute min/p50/p95/max
// of the sampler's PING round trips against the latency alert threshold; minutes without samples
// are gaps. The same chart draws one command's server-side p50/p95/p99 per minute (`series` and
// `caption`).
import { ThresholdChart, type ChartRow, type ChartSeries } from "@/components/charts/threshold-chart";
import { niceTicks } from "@/components/charts/ticks";
import type { LatencyMinute } from "@/lib/schemas/ops";

const pingSeries: ChartSeries[] = [
  { key: "maxMs", name: "max", color: "var(--bad)", dashed: true },
  { key: "p95Ms", name: "p95", color: "var(--warn)" },
  { key: "p50Ms", name: "p50", color: "var(--accent)" },
  { key: "minMs", name: "min", color: "var(--ok)", dashed: true },
];

const ms = (v: number) =>
  v >= 100 ? `${v.toFixed(0)} ms` : v >= 10 ? `${v.toFixed(1)} ms` : `${v.toFixed(2)} ms`;

/** Round ticks (0, 0.5, 1 ms… or 0, 200, 400 ms), no finer than the 2-decimal label, without trailing zeros. */
const msTicks = {
  ticks: (top: number) => niceTicks(top, 0.01),
  format: (v: number) => `${Number(v.toFixed(2))} ms`,
};

function tooltipTime(t: number): string {
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? "" : `minute from ${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function LatencyChart({
  minutes,
  thresholdMs,
  series = pingSeries,
  caption = "PING round trip per minute (ms), UTC",
  testId = "latency-chart",
}: {
  minutes: LatencyMinute[] | ChartRow[];
  thresholdMs: number;
  series?: ChartSeries[];
  caption?: string;
  testId?: string;
}) {
  return (
    <ThresholdChart
      rows={minutes}
      series={series}
      from={minutes[0]?.t ?? 0}
      to={(minutes.at(-1)?.t ?? 0) + 60_000}
      heading={<span className="text-muted">{caption}</span>}
      thresholdCaption={`alert threshold ${thresholdMs} ms`}
      threshold={{ value: thresholdMs, label: `${thresholdMs} ms` }}
      valueTicks={msTicks}
      format={ms}
      tooltipTime={tooltipTime}
      legend
      emptyText="No samples in this range yet."
      height={220}
      className="min-w-0"
      testId={testId}
    />
  );
}
