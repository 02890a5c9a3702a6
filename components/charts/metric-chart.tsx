"use client";

// One metric over time: a line (connectNulls off, so a gap in the data is a gap in the line), the
// alert threshold as a dashed reference line, UTC time on the axis and in the tooltip.
import { CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import { chartMargin, gridProps, timeAxisProps, tooltipContentStyle, valueAxisProps } from "./time-axes";
import type { MetricsPoint } from "@/lib/schemas/metrics";

export interface SeriesSpec {
  key: keyof MetricsPoint;
  name: string;
  /** A CSS colour, usually a theme variable. */
  color: string;
  dashed?: boolean;
}

export interface MetricChartProps {
  title: string;
  points: MetricsPoint[];
  series: SeriesSpec[];
  from: number;
  to: number;
  format: (v: number) => string;
  threshold?: { value: number; label: string } | null;
  /** Keep 0 in view and the threshold visible even when the data stays far below it. */
  domainMax?: number;
  height?: number;
}

function tooltipTime(t: unknown): string {
  const d = new Date(Number(t));
  return Number.isNaN(d.getTime()) ? "" : `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** A point with gaps on both sides has no line to sit on: draw it as a dot. */
function isolatedDot(points: MetricsPoint[], key: keyof MetricsPoint, color: string) {
  function IsolatedDot(props: { cx?: number; cy?: number; index?: number }) {
    const i = props.index ?? -1;
    const alone = points[i]?.[key] != null && points[i - 1]?.[key] == null && points[i + 1]?.[key] == null;
    if (!alone || props.cx === undefined || props.cy === undefined) return <g key={`d${i}`} />;
    return <circle key={`d${i}`} cx={props.cx} cy={props.cy} r={2} fill={color} />;
  }
  return IsolatedDot;
}

function dataMaxOf(points: MetricsPoint[], series: SeriesSpec[]): number {
  let max = 0;
  for (const p of points) for (const s of series) max = Math.max(max, Number(p[s.key] ?? 0));
  return max;
}

export function MetricChart({
  title,
  points,
  series,
  from,
  to,
  format,
  threshold,
  domainMax,
  height = 150,
}: MetricChartProps) {
  const hasData = points.some((p) => series.some((s) => p[s.key] !== null));
  // A threshold far above the data would flatten the line into the axis: name it instead of drawing it.
  const offScale = threshold
    ? dataMaxOf(points, series) * 4 < threshold.value && (domainMax ?? 0) < threshold.value
    : false;
  const drawn = threshold && !offScale ? threshold : null;
  return (
    <figure
      className="border-line bg-panel min-w-0 rounded-md border p-2"
      data-testid="chart"
      data-title={title}
    >
      <figcaption className="flex items-baseline justify-between px-1 text-xs">
        <span className="font-semibold">{title}</span>
        {threshold ? (
          <span className="text-muted">
            threshold {threshold.label}
            {offScale ? " · far above the data" : ""}
          </span>
        ) : null}
      </figcaption>
      {hasData ? null : <p className="text-muted px-1 text-xs">No data in this range yet.</p>}
      <LineChart
        responsive
        style={{ width: "100%", height }}
        data={points}
        margin={chartMargin}
        accessibilityLayer
      >
        <CartesianGrid {...gridProps} />
        <XAxis {...timeAxisProps(from, to)} />
        <YAxis
          {...valueAxisProps}
          tickFormatter={(v: number) => format(v)}
          domain={[
            0,
            (dataMax: number) => Math.max(dataMax, domainMax ?? 0, drawn ? drawn.value * 1.1 : 0) || 1,
          ]}
          allowDataOverflow={false}
        />
        <Tooltip
          labelFormatter={tooltipTime}
          formatter={(v) => (typeof v === "number" ? format(v) : "—")}
          contentStyle={tooltipContentStyle}
        />
        {drawn ? (
          <ReferenceLine
            y={drawn.value}
            stroke="var(--bad)"
            strokeDasharray="5 4"
            ifOverflow="extendDomain"
            label={{ value: drawn.label, position: "insideTopRight", fill: "var(--bad)", fontSize: 11 }}
          />
        ) : null}
        {series.map((s) => (
          <Line
            key={s.key}
            type="linear"
            dataKey={s.key}
            name={s.name}
            stroke={s.color}
            strokeWidth={s.dashed ? 1 : 1.6}
            strokeDasharray={s.dashed ? "4 3" : undefined}
            dot={isolatedDot(points, s.key, s.color)}
            connectNulls={false}
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </figure>
  );
}
