"use client";

// The six charts of the overview over the chosen range, thresholds drawn on them, failovers marked.
import { MetricChart } from "@/components/charts/metric-chart";
import { formatByteTick, niceByteTicks, niceTicks } from "@/components/charts/ticks";
import { formatBytes, formatPercent } from "@/lib/format";
import type { MetricsResponse } from "@/lib/schemas/metrics";

const fixed = (digits: number, unit: string) => (v: number) => `${v.toFixed(digits)}${unit}`;
const compact = (unit: string) => (v: number) =>
  `${Math.abs(v) >= 1000 ? `${(v / 1000).toFixed(1)}k` : Number.isInteger(v) ? v : v.toFixed(1)}${unit}`;

/** Round ticks no finer than the label's precision (1 for whole numbers, 0.1 for one decimal). */
const round = (format: (v: number) => string, minStep: number) => ({
  ticks: (max: number) => niceTicks(max, minStep),
  format,
});

const latencyMs = (v: number) => (v >= 10 ? fixed(0, " ms")(v) : fixed(1, " ms")(v));

function lastNonNull(points: MetricsResponse["points"], key: "maxBytes" | "maxClients"): number | null {
  for (let i = points.length - 1; i >= 0; i--) {
    const v = points[i]?.[key];
    if (v !== null && v !== undefined) return v;
  }
  return null;
}

export function OverviewCharts({ data }: { data: MetricsResponse }) {
  const { points, thresholds: th, from, to } = data;
  const maxBytes = lastNonNull(points, "maxBytes");
  const maxClients = lastNonNull(points, "maxClients");
  // "failover 10:42:05 → 127.0.0.1:6380": the full from/to is in the event's label, on hover.
  const markers = (data.events ?? []).map((e) => ({
    t: e.t,
    label: `failover → ${e.label.split(" -> ").at(-1) ?? ""}`,
  }));
  const common = { points, from, to, markers };
  return (
    <div className="grid gap-2 md:grid-cols-2 xl:grid-cols-3">
      <MetricChart
        {...common}
        title="Memory used"
        series={[
          { key: "usedBytes", name: "used (avg)", color: "var(--accent)" },
          { key: "maxBytes", name: "maxmemory", color: "var(--muted)", dashed: true },
        ]}
        format={(v) => formatBytes(v)}
        valueTicks={{ ticks: niceByteTicks, format: formatByteTick }}
        // Each point's own maxmemory: history recorded under another limit keeps its own 80 % line.
        thresholdSeries={
          maxBytes
            ? {
                label: `${formatPercent(th.memoryRatio, 0)} of max`,
                valueAt: (p) => (p.maxBytes ? p.maxBytes * th.memoryRatio : null),
              }
            : null
        }
      />
      <MetricChart
        {...common}
        title="Evictions per minute"
        series={[{ key: "evictionsPerMinute", name: "evictions/min", color: "var(--warn)" }]}
        format={compact("/min")}
        valueTicks={round(compact("/min"), 0.1)}
        threshold={{ value: th.evictionsPerMinute, label: `${th.evictionsPerMinute}/min` }}
      />
      <MetricChart
        {...common}
        title="Hit rate"
        series={[{ key: "hitRate", name: "hit rate", color: "var(--ok)" }]}
        format={(v) => formatPercent(v, 0)}
        valueTicks={round((v) => formatPercent(v, 0), 0.01)}
        domainMax={1}
        threshold={{ value: th.hitRate, label: `target ${formatPercent(th.hitRate, 0)}` }}
      />
      <MetricChart
        {...common}
        title="Ops per second"
        series={[{ key: "opsPerSecond", name: "commands/s", color: "var(--info)" }]}
        format={compact("/s")}
        valueTicks={round(compact("/s"), 0.1)}
      />
      <MetricChart
        {...common}
        title="Connected clients"
        series={[{ key: "connectedClients", name: "connected", color: "var(--accent)" }]}
        format={compact("")}
        valueTicks={round(compact(""), 1)}
        thresholdSeries={
          maxClients
            ? {
                label: `${formatPercent(th.clientsRatio, 0)} of ${maxClients}`,
                valueAt: (p) => (p.maxClients ? p.maxClients * th.clientsRatio : null),
              }
            : null
        }
      />
      <MetricChart
        {...common}
        title="Latency (PING round trip)"
        series={[
          { key: "latencyMs", name: "avg", color: "var(--accent)" },
          { key: "latencyMsMax", name: "max", color: "var(--muted)", dashed: true },
        ]}
        format={latencyMs}
        valueTicks={round((v) => `${Number(v.toFixed(1))} ms`, 0.1)}
        threshold={{ value: th.latencyMs, label: `${th.latencyMs} ms` }}
      />
    </div>
  );
}
