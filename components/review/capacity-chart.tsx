"use client";

import {
  CartesianGrid,
  ComposedChart,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { formatByteTick, niceByteTicks, timeTicks } from "@/components/charts/ticks";
import { formatBytes, formatTime } from "@/lib/format";
import type { Capacity } from "@/lib/schemas/review";

interface Point {
  t: number;
  used?: number;
  projected?: number;
}

function day(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

function chartData(c: Capacity, now: number): Point[] {
  const points: Point[] = c.series.map((p) => ({ t: Date.parse(p.t), used: p.usedBytes }));
  if (c.fit) {
    points.push({ t: now, projected: c.fit.bytesNow });
    for (const p of c.projections) points.push({ t: Date.parse(p.at), projected: p.bytes });
  }
  return points.sort((a, b) => a.t - b.t);
}

/** Used memory history, the fitted line projected 6 months out, the 80 % line and maxmemory. */
export function CapacityChart({ capacity, now }: { capacity: Capacity; now: number }) {
  const data = chartData(capacity, now);
  if (data.length === 0) return null;
  const crossing = capacity.crosses80At ? Date.parse(capacity.crosses80At) : null;
  const top = Math.max(capacity.maxBytes ?? 0, ...data.map((p) => Math.max(p.used ?? 0, p.projected ?? 0)));
  const yTicks = niceByteTicks(top * 1.05);
  const from = data[0]?.t ?? now;
  const to = data.at(-1)?.t ?? now;
  // Ticks on round UTC instants, labelled with the precision the span needs (times within a day, dates across days).
  const x = timeTicks(from, to);
  return (
    <figure className="w-full" data-testid="capacity-chart">
      <figcaption className="text-muted flex justify-between text-xs">
        <span>Used memory and projection</span>
        <span>time axis in UTC</span>
      </figcaption>
      <div className="h-64 w-full">
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={data} margin={{ top: 16, right: 24, bottom: 0, left: 8 }}>
            <CartesianGrid stroke="var(--line)" strokeDasharray="3 3" />
            <XAxis
              dataKey="t"
              type="number"
              scale="time"
              domain={[from, to]}
              ticks={x.ticks}
              interval="preserveStartEnd"
              minTickGap={8}
              tickFormatter={(t: number) => x.format(t)}
              tick={{ fill: "var(--muted)", fontSize: 11 }}
            />
            <YAxis
              domain={[0, yTicks.at(-1) ?? top]}
              ticks={yTicks}
              tickFormatter={(v: number) => formatByteTick(v)}
              tick={{ fill: "var(--muted)", fontSize: 11 }}
              width={72}
            />
            <Tooltip
              contentStyle={{
                background: "var(--panel)",
                border: "1px solid var(--line)",
                color: "var(--fg)",
                fontSize: 12,
              }}
              labelFormatter={(t) => formatTime(Number(t))}
              formatter={(value, name) => [
                formatBytes(Number(value)),
                name === "used" ? "used memory" : "projection",
              ]}
            />
            {capacity.maxBytes ? (
              <ReferenceLine
                y={capacity.maxBytes}
                stroke="var(--bad)"
                label={{ value: "maxmemory", fill: "var(--bad)", fontSize: 11, position: "insideTopRight" }}
              />
            ) : null}
            {capacity.thresholdBytes ? (
              <ReferenceLine
                y={capacity.thresholdBytes}
                stroke="var(--warn)"
                strokeDasharray="6 3"
                label={{ value: "80 %", fill: "var(--warn)", fontSize: 11, position: "insideBottomLeft" }}
              />
            ) : null}
            {crossing !== null ? (
              <ReferenceLine
                x={crossing}
                stroke="var(--warn)"
                strokeDasharray="2 2"
                label={{
                  value: `80 % on ${day(crossing)}`,
                  fill: "var(--warn)",
                  fontSize: 11,
                  position: "insideTopRight",
                }}
              />
            ) : null}
            <Line
              dataKey="used"
              stroke="var(--accent)"
              dot={false}
              strokeWidth={2}
              isAnimationActive={false}
              connectNulls
            />
            <Line
              dataKey="projected"
              stroke="var(--muted)"
              strokeDasharray="6 4"
              dot={{ r: 3, fill: "var(--muted)" }}
              strokeWidth={2}
              isAnimationActive={false}
              connectNulls
            />
          </ComposedChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
