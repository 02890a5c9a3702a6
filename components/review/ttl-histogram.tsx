"use client";

import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  LabelList,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
  type LabelProps,
} from "recharts";
import { compactCount, logCountTicks } from "@/components/charts/ticks";
import { formatCountOf, formatDuration } from "@/lib/format";
import type { ReviewPattern } from "@/lib/schemas/review";

interface Bucket {
  tick: string;
  label: string;
  count: number;
  tone: "bad" | "warn" | "accent";
  /** No TTL, or every TTL above the standard: drawn and numbered however small. */
  violation: boolean;
}

function bucketsOf(p: ReviewPattern): Bucket[] {
  let previous = 0;
  const out: Bucket[] = [{ tick: "none", label: "no TTL", count: p.noTtl, tone: "bad", violation: true }];
  for (const b of p.ttlHistogram) {
    out.push({
      tick:
        b.le === null
          ? `>${formatDuration(previous).replace(" ", "")}`
          : formatDuration(b.le).replace(" ", ""),
      label: b.label,
      count: b.count,
      tone: b.overStandard ? "warn" : "accent",
      violation: b.overStandard,
    });
    if (b.le !== null) previous = b.le;
  }
  return out;
}

/** The count above a violation bar, in its colour, so 3 keys without a TTL next to 900k fine ones still read. */
function violationLabel(data: Bucket[]) {
  function ViolationLabel(props: LabelProps) {
    // The label's value is the bucket's tick: Recharts skips empty bars, so its index is not the bucket's.
    const i = data.findIndex((d) => d.tick === props.value);
    const b = data[i];
    const box = props.viewBox;
    if (!b || !b.violation || b.count === 0 || !box || !("width" in box)) return null;
    const x = Number(box.x ?? 0) + Number(box.width ?? 0) / 2;
    const y = Number(box.y ?? 0) - 3;
    return (
      <text
        x={x}
        y={y}
        textAnchor="middle"
        fontSize={10}
        fontWeight={600}
        fill={`var(--${b.tone})`}
        data-violation-count={i}
      >
        {compactCount(b.count)}
      </text>
    );
  }
  return ViolationLabel;
}

/**
 * TTL distribution of one pattern (counts per bucket, not cumulative): a no-TTL bar, then the
 * buckets; those above the standard TTL in warning colour. The count axis is symlog, so a bucket of
 * 3 keys beside one of 900k is still a bar; violation bars are at least 3 px and carry their count.
 */
export function TtlHistogram({ pattern }: { pattern: ReviewPattern }) {
  const data = bucketsOf(pattern);
  const total = data.reduce((s, b) => s + b.count, 0);
  const ticks = logCountTicks(Math.max(...data.map((b) => b.count)));
  return (
    <figure data-testid="ttl-histogram" data-pattern={pattern.name}>
      <figcaption className="mb-1 flex flex-wrap items-baseline gap-x-2 text-sm">
        <span className="font-medium">{pattern.name}</span>
        <span className="text-muted text-xs">
          {formatCountOf(total, "key")} · standard TTL {formatDuration(pattern.standardTtlSeconds)}
        </span>
      </figcaption>
      <div className="h-40 w-full">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} margin={{ top: 14, right: 4, bottom: 0, left: 0 }}>
            <CartesianGrid stroke="var(--line)" strokeDasharray="3 3" vertical={false} />
            <XAxis
              dataKey="tick"
              tick={{ fill: "var(--muted)", fontSize: 10 }}
              interval={0}
              angle={-40}
              textAnchor="end"
              height={40}
            />
            <YAxis
              scale="symlog"
              domain={[0, ticks.at(-1) ?? 10]}
              ticks={ticks}
              interval={0}
              tickFormatter={(v: number) => compactCount(v)}
              tick={{ fill: "var(--muted)", fontSize: 10 }}
              width={36}
            />
            <Tooltip
              cursor={{ fill: "var(--sunken)" }}
              contentStyle={{
                background: "var(--panel)",
                border: "1px solid var(--line)",
                color: "var(--fg)",
                fontSize: 12,
              }}
              labelFormatter={(_, payload) => `TTL ${String(payload?.[0]?.payload?.label ?? "")}`}
              formatter={(value) => [formatCountOf(Number(value), "key"), "keys"]}
            />
            <Bar
              dataKey="count"
              isAnimationActive={false}
              minPointSize={(v, i) => (v && data[i]?.violation ? 3 : 0)}
            >
              {data.map((b) => (
                <Cell key={b.tick} fill={`var(--${b.tone})`} />
              ))}
              <LabelList dataKey="tick" content={violationLabel(data)} />
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
      <p className="text-muted text-xs">count axis logarithmic</p>
      <p className="sr-only">{data.map((b) => `${b.label}: ${formatCountOf(b.count, "key")}`).join("; ")}</p>
    </figure>
  );
}
