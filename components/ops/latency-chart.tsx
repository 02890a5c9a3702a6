"use client";

// The `redis-cli --latency-history` view: per-minute min/p50/p95/max of the sampler's PING round
// trips, the latency alert threshold as a dashed line; minutes without samples are gaps. The same
// chart draws one command's server-side p50/p95/p99 per minute (`series` and `caption`).
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import {
  chartMargin,
  gridProps,
  timeAxisProps,
  tooltipContentStyle,
  valueAxisProps,
} from "@/components/charts/time-axes";
import { niceTicks } from "@/components/charts/ticks";
import type { LatencyMinute } from "@/lib/schemas/ops";

export interface LatencySeries {
  key: string;
  name: string;
  color: string;
  width: number;
  dashed?: boolean;
}

/** A minute of any series: its start and the series' values in ms (null: a gap). */
export type LatencyPoint = { t: number } & Record<string, number | null>;

const pingSeries: LatencySeries[] = [
  { key: "maxMs", name: "max", color: "var(--bad)", width: 1, dashed: true },
  { key: "p95Ms", name: "p95", color: "var(--warn)", width: 1.6 },
  { key: "p50Ms", name: "p50", color: "var(--accent)", width: 1.6 },
  { key: "minMs", name: "min", color: "var(--ok)", width: 1, dashed: true },
];

const ms = (v: number) =>
  v >= 100 ? `${v.toFixed(0)} ms` : v >= 10 ? `${v.toFixed(1)} ms` : `${v.toFixed(2)} ms`;

/** Ticks are round, so no trailing zeros: "5 ms", "0.25 ms", not "5.00 ms". */
const msTick = (v: number) => `${Number(v.toFixed(2))} ms`;

function tooltipTime(t: unknown): string {
  const d = new Date(Number(t));
  return Number.isNaN(d.getTime()) ? "" : `minute from ${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function LatencyChart({
  minutes,
  thresholdMs,
  series = pingSeries,
  caption = "PING round trip per minute (ms), UTC",
  testId = "latency-chart",
}: {
  minutes: LatencyMinute[] | LatencyPoint[];
  thresholdMs: number;
  series?: LatencySeries[];
  caption?: string;
  testId?: string;
}) {
  const from = minutes[0]?.t ?? 0;
  const to = (minutes.at(-1)?.t ?? 0) + 60_000;
  const values = (minutes as LatencyPoint[]).flatMap((m) => series.map((s) => m[s.key] ?? null));
  const dataMax = Math.max(0, ...values.map((v) => v ?? 0));
  // A threshold far above the data would flatten the lines: name it instead of drawing it.
  const drawThreshold = dataMax * 4 >= thresholdMs;
  const hasData = values.some((v) => v !== null);
  // Round ticks (0, 0.5, 1 ms… or 0, 200, 400 ms), no finer than the 2-decimal label.
  const ticks = niceTicks(Math.max(dataMax, drawThreshold ? thresholdMs * 1.1 : 0), 0.01);
  return (
    <figure className="min-w-0" data-testid={testId}>
      <figcaption className="text-muted flex justify-between px-1 text-xs">
        <span>{caption}</span>
        <span>
          alert threshold {thresholdMs} ms{drawThreshold ? "" : " · far above the data"}
        </span>
      </figcaption>
      {hasData ? null : <p className="text-muted px-1 text-xs">No samples in this range yet.</p>}
      <LineChart
        responsive
        style={{ width: "100%", height: 220 }}
        data={minutes}
        margin={chartMargin}
        accessibilityLayer
      >
        <CartesianGrid {...gridProps} />
        <XAxis {...timeAxisProps(from, to)} />
        <YAxis {...valueAxisProps} tickFormatter={msTick} ticks={ticks} domain={[0, ticks.at(-1) ?? 1]} />
        <Tooltip
          labelFormatter={tooltipTime}
          formatter={(v) => (typeof v === "number" ? ms(v) : "—")}
          contentStyle={tooltipContentStyle}
        />
        <Legend wrapperStyle={{ fontSize: 11 }} />
        {drawThreshold ? (
          <ReferenceLine
            y={thresholdMs}
            stroke="var(--bad)"
            strokeDasharray="5 4"
            label={{
              value: `${thresholdMs} ms`,
              position: "insideTopRight",
              fill: "var(--bad)",
              fontSize: 11,
            }}
          />
        ) : null}
        {series.map((s) => (
          <Line
            key={s.key}
            type="linear"
            dataKey={s.key}
            name={s.name}
            stroke={s.color}
            strokeWidth={s.width}
            strokeDasharray={s.dashed ? "4 3" : undefined}
            dot={false}
            connectNulls={false}
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </figure>
  );
}
