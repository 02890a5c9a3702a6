"use client";

// One metric of the overview over time, on the shared threshold chart: the points' own fields as
// series, the threshold either constant or following a limit recorded with each point (80 % of that
// point's maxmemory), in a framed figure that tests find by its title.
import type { MetricsPoint } from "@/lib/schemas/metrics";
import { ThresholdChart, type ChartMarker, type ChartRow } from "./threshold-chart";

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
  valueTicks: { ticks: (max: number) => number[]; format: (v: number) => string };
  /** Keep 0 in view and the threshold visible even when the data stays far below it. */
  domainMax?: number;
  height?: number;
  /** Events in the range (a failover), drawn as labelled vertical markers. */
  markers?: ChartMarker[];
}

/** The row key of a threshold that follows the data. */
const THRESHOLD_KEY = "threshold";

function tooltipTime(t: number): string {
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? "" : `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

export function MetricChart({
  title,
  points,
  series,
  threshold,
  thresholdSeries,
  height = 150,
  ...rest
}: MetricChartProps) {
  const rows: ChartRow[] = thresholdSeries
    ? points.map((p) => ({ ...p, [THRESHOLD_KEY]: thresholdSeries.valueAt(p) }))
    : points;
  const label = thresholdSeries?.label ?? threshold?.label;
  return (
    <ThresholdChart
      {...rest}
      rows={rows}
      series={series}
      heading={<span className="font-semibold">{title}</span>}
      thresholdCaption={label ? `threshold ${label}` : null}
      threshold={threshold}
      thresholdSeries={thresholdSeries ? { key: THRESHOLD_KEY, name: thresholdSeries.label } : null}
      tooltipTime={tooltipTime}
      emptyText="No data in this range yet."
      height={height}
      className="border-line bg-panel min-w-0 rounded-md border p-2"
      testId="chart"
      dataTitle={title}
    />
  );
}
