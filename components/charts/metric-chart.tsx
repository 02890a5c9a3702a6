"use client";

// One metric over time: a line (connectNulls off, so a gap in the data is a gap in the line), the
// alert threshold as a dashed line (a constant, or a stepped series when it follows a recorded
// limit such as maxmemory), UTC time on the axis and in the tooltip, and events (a failover) as
// labelled vertical markers.
import {
  CartesianGrid,
  Line,
  LineChart,
  ReferenceLine,
  Tooltip,
  XAxis,
  YAxis,
  type YAxisProps,
} from "recharts";
import { chartMargin, gridProps, timeAxisProps, tooltipContentStyle, valueAxisProps } from "./time-axes";
import type { MetricsPoint } from "@/lib/schemas/metrics";

export interface SeriesSpec {
  key: keyof MetricsPoint;
  name: string;
  /** A CSS colour, usually a theme variable. */
  color: string;
  dashed?: boolean;
}

/** A threshold that follows the data, e.g. 80 % of the maxmemory recorded with each point. */
export interface ThresholdSeries {
  label: string;
  /** null where the limit is unknown: a gap in the threshold line. */
  valueAt: (p: MetricsPoint) => number | null;
}

type Row = MetricsPoint & { threshold?: number | null };

/** Something that happened at one moment, drawn as a vertical line with its label. */
export interface ChartMarker {
  t: number;
  label: string;
}

export interface MetricChartProps {
  title: string;
  points: MetricsPoint[];
  series: SeriesSpec[];
  from: number;
  to: number;
  format: (v: number) => string;
  threshold?: { value: number; label: string } | null;
  thresholdSeries?: ThresholdSeries | null;
  /** Round value ticks from the axis top (e.g. niceByteTicks) and their labels. */
  valueTicks?: { ticks: (max: number) => number[]; format: (v: number) => string };
  /** Keep 0 in view and the threshold visible even when the data stays far below it. */
  domainMax?: number;
  height?: number;
  /** Events in the range (a failover), drawn as labelled vertical markers. */
  markers?: ChartMarker[];
}

function tooltipTime(t: unknown): string {
  const d = new Date(Number(t));
  return Number.isNaN(d.getTime()) ? "" : `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** A point with gaps on both sides has no line to sit on: draw it as a dot. */
function isolatedDot(points: Row[], key: keyof Row, color: string) {
  function IsolatedDot(props: { cx?: number; cy?: number; index?: number }) {
    const i = props.index ?? -1;
    const alone = points[i]?.[key] != null && points[i - 1]?.[key] == null && points[i + 1]?.[key] == null;
    if (!alone || props.cx === undefined || props.cy === undefined) return <g key={`d${i}`} />;
    return <circle key={`d${i}`} cx={props.cx} cy={props.cy} r={2} fill={color} />;
  }
  return IsolatedDot;
}

function dataMaxOf(points: Row[], keys: (keyof Row)[]): number {
  let max = 0;
  for (const p of points) for (const k of keys) max = Math.max(max, Number(p[k] ?? 0));
  return max;
}

function thresholdCaption(
  threshold: MetricChartProps["threshold"],
  series: MetricChartProps["thresholdSeries"],
  offScale: boolean,
) {
  const label = series?.label ?? threshold?.label;
  if (!label) return null;
  return (
    <span className="text-muted">
      threshold {label}
      {offScale ? " · far above the data" : ""}
    </span>
  );
}

/** What to draw: the rows (with the threshold series), whether the threshold fits, the value axis. */
function planOf({ points, series, threshold, thresholdSeries, valueTicks, domainMax }: MetricChartProps) {
  const rows: Row[] = thresholdSeries
    ? points.map((p) => ({ ...p, threshold: thresholdSeries.valueAt(p) }))
    : points;
  const dataMax = dataMaxOf(
    rows,
    series.map((s) => s.key),
  );
  const thresholdMax = thresholdSeries ? dataMaxOf(rows, ["threshold"]) : (threshold?.value ?? 0);
  // A threshold far above the data would flatten the line into the axis: name it instead of drawing it.
  const offScale = thresholdMax > 0 && dataMax * 4 < thresholdMax && (domainMax ?? 0) < thresholdMax;
  const drawn = threshold && !thresholdSeries && !offScale ? threshold : null;
  const drawnSeries = thresholdSeries && !offScale ? thresholdSeries : null;
  const top =
    Math.max(dataMax, domainMax ?? 0, drawn ? drawn.value * 1.1 : 0, drawnSeries ? thresholdMax * 1.1 : 0) ||
    1;
  const ticks = valueTicks?.ticks(top);
  const domain: YAxisProps["domain"] = ticks
    ? [0, ticks.at(-1) ?? top]
    : [0, (max: number) => Math.max(max, domainMax ?? 0, drawn ? drawn.value * 1.1 : 0) || 1];
  return { rows, offScale, drawn, drawnSeries, ticks, domain };
}

export function MetricChart(props: MetricChartProps) {
  const {
    title,
    points,
    series,
    from,
    to,
    format,
    threshold,
    thresholdSeries,
    valueTicks,
    height = 150,
    markers = [],
  } = props;
  const hasData = points.some((p) => series.some((s) => p[s.key] !== null));
  const { rows, offScale, drawn, drawnSeries, ticks, domain } = planOf(props);
  return (
    <figure
      className="border-line bg-panel min-w-0 rounded-md border p-2"
      data-testid="chart"
      data-title={title}
    >
      <figcaption className="flex items-baseline justify-between px-1 text-xs">
        <span className="font-semibold">{title}</span>
        {thresholdCaption(threshold, thresholdSeries, offScale)}
      </figcaption>
      {hasData ? null : <p className="text-muted px-1 text-xs">No data in this range yet.</p>}
      <LineChart
        responsive
        style={{ width: "100%", height }}
        data={rows}
        margin={chartMargin}
        accessibilityLayer
      >
        <CartesianGrid {...gridProps} />
        <XAxis {...timeAxisProps(from, to)} />
        <YAxis
          {...valueAxisProps}
          tickFormatter={(v: number) => (valueTicks ? valueTicks.format(v) : format(v))}
          ticks={ticks}
          domain={domain}
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
        {markers
          .filter((m) => m.t >= from && m.t <= to)
          .map((m) => (
            <ReferenceLine
              key={`marker-${m.t}`}
              x={m.t}
              className="chart-marker"
              stroke="var(--info)"
              strokeWidth={1.2}
              label={{ value: m.label, position: "insideTopLeft", fill: "var(--info)", fontSize: 10 }}
            />
          ))}
        {drawnSeries ? (
          <Line
            type="stepAfter"
            dataKey="threshold"
            name={drawnSeries.label}
            className="threshold-line"
            stroke="var(--bad)"
            strokeWidth={1.2}
            strokeDasharray="5 4"
            dot={isolatedDot(rows, "threshold", "var(--bad)")}
            connectNulls={false}
            isAnimationActive={false}
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
            dot={isolatedDot(rows, s.key, s.color)}
            connectNulls={false}
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </figure>
  );
}
