// The look the time-series charts share (overview metrics, ops latency): margins, grid, the UTC
// time axis, the value axis and the tooltip box, so the charts cannot drift apart.
import type { CSSProperties } from "react";
import type { CartesianGridProps, XAxisProps, YAxisProps } from "recharts";
import { timeTicks } from "./ticks";

// right: room for half of the last time label, which sits on the end of the axis.
export const chartMargin = { top: 8, right: 16, bottom: 0, left: 0 };

export const gridProps: CartesianGridProps = {
  stroke: "var(--line)",
  strokeDasharray: "2 4",
  vertical: false,
};

const tick = { fill: "var(--muted)", fontSize: 11 };

/** X axis over [from, to] (ms) on the `t` field; round UTC ticks, carrying the day when the range crosses midnight. */
export function timeAxisProps(from: number, to: number): XAxisProps {
  const { ticks, format } = timeTicks(from, to);
  return {
    dataKey: "t",
    type: "number",
    scale: "time",
    domain: [from, to],
    ticks,
    tickFormatter: (t: number) => format(t),
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
