import { Badge } from "@/components/ui/badge";
import { Card, Stat } from "@/components/ui/card";
import { formatBytes, formatCount, formatDuration, formatPercent, formatTime } from "@/lib/format";
import type { Capacity } from "@/lib/schemas/review";
import { CapacityChart } from "./capacity-chart";
import { signed } from "./status";

function verdict(c: Capacity): { tone: "ok" | "warn" | "bad" | "neutral"; word: string } {
  if (c.alreadyAbove80) return { tone: "bad", word: "above 80 %" };
  if (c.status === "insufficient-history") return { tone: "neutral", word: "not enough history" };
  if (c.status === "no-maxmemory") return { tone: "neutral", word: "no maxmemory" };
  if (c.crosses80At) return { tone: "warn", word: "heading for 80 %" };
  return { tone: "ok", word: c.trend ?? "ok" };
}

export function CapacitySection({ capacity: c, now }: { capacity: Capacity; now: number }) {
  const v = verdict(c);
  return (
    <Card aria-labelledby="capacity-title" data-testid="capacity">
      <div className="flex flex-wrap items-center gap-2">
        <h2 id="capacity-title" className="text-base font-semibold">
          Capacity projection
        </h2>
        <Badge tone={v.tone}>{v.word}</Badge>
      </div>
      <p className="text-muted mt-1">{c.note}.</p>
      <dl className="mt-3 grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
        <Stat
          label="Used now"
          value={formatBytes(c.currentBytes)}
          hint={
            c.maxBytes && c.currentBytes !== null
              ? `${formatPercent(c.currentBytes / c.maxBytes)} of maxmemory`
              : undefined
          }
        />
        <Stat
          label="maxmemory"
          value={c.maxBytes ? formatBytes(c.maxBytes) : "not set"}
          hint={c.thresholdBytes ? `80 % = ${formatBytes(c.thresholdBytes)}` : undefined}
        />
        <Stat
          label="Trend"
          value={c.fit ? `${signed(Math.round(c.fit.slopeBytesPerDay), formatBytes)} / day` : "—"}
          hint={c.fit?.r2 != null ? `least squares, r² ${c.fit.r2.toFixed(2)}` : (c.trend ?? undefined)}
        />
        {c.projections.map((p) => (
          <Stat
            key={p.months}
            label={`In ${p.months} months`}
            value={formatBytes(p.bytes)}
            hint={`${p.ratio !== null ? `${formatPercent(p.ratio)} · ` : ""}${formatTime(p.at).slice(0, 10)}`}
          />
        ))}
        <Stat
          label="Reaches 80 %"
          value={c.crosses80At ? formatTime(c.crosses80At).slice(0, 10) : "—"}
          hint={
            c.crosses80At
              ? `${formatTime(c.crosses80At).slice(11)} · in ${formatDuration((Date.parse(c.crosses80At) - now) / 1000)}`
              : undefined
          }
        />
      </dl>
      <div className="mt-3">
        <CapacityChart capacity={c} now={now} />
      </div>
      <p className="text-muted mt-1 text-xs">
        {c.history.points > 0
          ? `History: ${formatCount(c.history.points)} points from ${formatTime(c.history.from)} to ${formatTime(c.history.to)} (per-minute averages, up to 14 days). Dashed: the fitted line projected.`
          : "No memory history yet: the sampler stores it while the console runs."}
      </p>
    </Card>
  );
}
