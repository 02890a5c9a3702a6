"use client";

import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatCount, formatDuration } from "@/lib/format";
import type { ReviewPattern } from "@/lib/schemas/review";

interface Bucket {
  tick: string;
  label: string;
  count: number;
  tone: "bad" | "warn" | "accent";
}

function bucketsOf(p: ReviewPattern): Bucket[] {
  let previous = 0;
  const out: Bucket[] = [{ tick: "none", label: "no TTL", count: p.noTtl, tone: "bad" }];
  for (const b of p.ttlHistogram) {
    out.push({
      tick:
        b.le === null
          ? `>${formatDuration(previous).replace(" ", "")}`
          : formatDuration(b.le).replace(" ", ""),
      label: b.label,
      count: b.count,
      tone: b.overStandard ? "warn" : "accent",
    });
    if (b.le !== null) previous = b.le;
  }
  return out;
}

/** TTL distribution of one pattern: a no-TTL bar, then the buckets; those above the standard TTL in warning colour. */
export function TtlHistogram({ pattern }: { pattern: ReviewPattern }) {
  const data = bucketsOf(pattern);
  const total = data.reduce((s, b) => s + b.count, 0);
  return (
    <figure data-testid="ttl-histogram" data-pattern={pattern.name}>
      <figcaption className="mb-1 flex flex-wrap items-baseline gap-x-2 text-sm">
        <span className="font-medium">{pattern.name}</span>
        <span className="text-muted text-xs">
          {formatCount(total)} keys · standard TTL {formatDuration(pattern.standardTtlSeconds)}
        </span>
      </figcaption>
      <div className="h-40 w-full">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} margin={{ top: 4, right: 4, bottom: 0, left: -16 }}>
            <CartesianGrid stroke="var(--line)" strokeDasharray="3 3" vertical={false} />
            <XAxis
              dataKey="tick"
              tick={{ fill: "var(--muted)", fontSize: 10 }}
              interval={0}
              angle={-40}
              textAnchor="end"
              height={40}
            />
            <YAxis allowDecimals={false} tick={{ fill: "var(--muted)", fontSize: 10 }} width={48} />
            <Tooltip
              cursor={{ fill: "var(--sunken)" }}
              contentStyle={{
                background: "var(--panel)",
                border: "1px solid var(--line)",
                color: "var(--fg)",
                fontSize: 12,
              }}
              labelFormatter={(_, payload) => `TTL ${String(payload?.[0]?.payload?.label ?? "")}`}
              formatter={(value) => [`${formatCount(Number(value))} keys`, "keys"]}
            />
            <Bar dataKey="count" isAnimationActive={false}>
              {data.map((b) => (
                <Cell key={b.tick} fill={`var(--${b.tone})`} />
              ))}
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
      <p className="sr-only">{data.map((b) => `${b.label}: ${b.count} keys`).join("; ")}</p>
    </figure>
  );
}
