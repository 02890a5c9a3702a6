// The look the time-series charts share (overview metrics, ops latency): margins, grid, the UTC
// time axis, the value axis and the tooltip box, so the charts cannot drift apart.
import type { CSSProperties } from "react";
import type { CartesianGridProps, XAxisProps, YAxisProps } from "recharts";
import { tickUtc } from "@/components/overview/time";

export const chartMargin = { top: 8, right: 8, bottom: 0, left: 0 };

export const gridProps: CartesianGridProps = {
  stroke: "var(--line)",
  strokeDasharray: "2 4",
  vertical: false,
};

const tick = { fill: "var(--muted)", fontSize: 11 };

/** X axis over [from, to] (ms) on the `t` field; ticks carry the day when the range exceeds 24 h. */
export function timeAxisProps(from: number, to: number): XAxisProps {
  const withDay = to - from > 24 * 3_600_000;
  return {
    dataKey: "t",
    type: "number",
    scale: "time",
    domain: [from, to],
    tickFormatter: (t: number) => tickUtc(t, withDay),
    tick,
    stroke: "var(--line)",
    minTickGap: 40,
  };
}

export const valueAxisProps: YAxisProps = { width: 64, tick, stroke: "var(--line)" };

export const tooltipContentStyle: CSSProperties = {
  background: "var(--panel)",
  border: "1px solid var(--line)",
  fontSize: 12,
  color: "var(--fg)",
};
