"use client";

// A time series against its alert threshold, the one chart of the overview metrics and the ops
// latency: lines with connectNulls off (a gap in the data is a gap in the line; a point alone
// between gaps is a dot), the threshold as a dashed line (a constant, or a stepped series when it
// follows a recorded limit such as maxmemory) named instead of drawn when it sits far above the
// data, UTC time on the axis, and events (a failover) as labelled vertical markers.
import type { ReactNode } from "react";
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import { chartMargin, gridProps, timeAxisProps, tooltipContentStyle, valueAxisProps } from "./time-axes";
import { valueScale } from "./value-scale";

/** One sample time (`t`, ms) and the values of the series at it; null or missing: a gap. */
export type ChartRow = { t: number } & { [key: string]: number | null | undefined };

export interface ChartSeries {
  key: string;
  name: string;
  /** A CSS colour, usually a theme variable. */
  color: string;
  /** A thinner dashed line, for a bound or a secondary series (max, min). */
  dashed?: boolean;
}

/** Something that happened at one moment, drawn as a vertical line with its label. */
export interface ChartMarker {
  t: number;
  label: string;
}

export interface ThresholdChartProps {
  rows: ChartRow[];
  series: readonly ChartSeries[];
  /** The time axis, ms. */
  from: number;
  to: number;
  /** The caption's left part: the chart's title. */
  heading: ReactNode;
  /** The caption's right part ("threshold 80 % of max"); " · far above the data" is added when so. */
  thresholdCaption?: string | null;
  /** A constant threshold. */
  threshold?: { value: number; label: string } | null;
  /** A threshold that follows the data: the key of its value in each row, stepped between rows. */
  thresholdSeries?: { key: string; name: string } | null;
  /** Round value ticks from the axis top, and their labels. */
  valueTicks: { ticks: (top: number) => number[]; format: (v: number) => string };
  /** Values in the tooltip. */
  format: (v: number) => string;
  tooltipTime: (t: number) => string;
  /** Keep this value in view (1 for a ratio), and a threshold below it drawn. */
  domainMax?: number;
  markers?: readonly ChartMarker[];
  legend?: boolean;
  emptyText: string;
  height: number;
  className?: string;
  testId: string;
  /** `data-title` on the figure, so a test can pick one of several charts. */
  dataTitle?: string;
}

/** A point with gaps on both sides has no line to sit on: draw it as a dot. */
function isolatedDot(rows: readonly ChartRow[], key: string, color: string) {
  function IsolatedDot(props: { cx?: number; cy?: number; index?: number }) {
    const i = props.index ?? -1;
    const alone = rows[i]?.[key] != null && rows[i - 1]?.[key] == null && rows[i + 1]?.[key] == null;
    if (!alone || props.cx === undefined || props.cy === undefined) return <g key={`d${i}`} />;
    return <circle key={`d${i}`} cx={props.cx} cy={props.cy} r={2} fill={color} />;
  }
  return IsolatedDot;
}

function maxOf(rows: readonly ChartRow[], keys: readonly string[]): number {
  let max = 0;
  for (const r of rows) for (const k of keys) max = Math.max(max, r[k] ?? 0);
  return max;
}

export function ThresholdChart({
  rows,
  series,
  from,
  to,
  heading,
  thresholdCaption,
  threshold,
  thresholdSeries,
  valueTicks,
  format,
  tooltipTime,
  domainMax,
  markers = [],
  legend = false,
  emptyText,
  height,
  className,
  testId,
  dataTitle,
}: ThresholdChartProps) {
  const keys = series.map((s) => s.key);
  const hasData = rows.some((r) => keys.some((k) => r[k] != null));
  const { offScale, ticks, top } = valueScale({
    dataMax: maxOf(rows, keys),
    thresholdMax: thresholdSeries ? maxOf(rows, [thresholdSeries.key]) : (threshold?.value ?? 0),
    domainMax,
    ticksFor: valueTicks.ticks,
  });
  const drawn = threshold && !thresholdSeries && !offScale ? threshold : null;
  const drawnSeries = thresholdSeries && !offScale ? thresholdSeries : null;
  return (
    <figure className={className} data-testid={testId} data-title={dataTitle}>
      <figcaption className="flex items-baseline justify-between px-1 text-xs">
        {heading}
        {thresholdCaption ? (
          <span className="text-muted">
            {thresholdCaption}
            {offScale ? " · far above the data" : ""}
          </span>
        ) : null}
      </figcaption>
      {hasData ? null : <p className="text-muted px-1 text-xs">{emptyText}</p>}
      <LineChart
        responsive
        style={{ width: "100%", height }}
        data={rows}
        margin={chartMargin}
        accessibilityLayer
      >
        <CartesianGrid {...gridProps} />
        <XAxis {...timeAxisProps(from, to)} />
        <YAxis {...valueAxisProps} tickFormatter={valueTicks.format} ticks={ticks} domain={[0, top]} />
        <Tooltip
          labelFormatter={(t) => tooltipTime(Number(t))}
          formatter={(v) => (typeof v === "number" ? format(v) : "—")}
          contentStyle={tooltipContentStyle}
        />
        {legend ? <Legend wrapperStyle={{ fontSize: 11 }} /> : null}
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
            dataKey={drawnSeries.key}
            name={drawnSeries.name}
            className="threshold-line"
            stroke="var(--bad)"
            strokeWidth={1.2}
            strokeDasharray="5 4"
            dot={isolatedDot(rows, drawnSeries.key, "var(--bad)")}
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
