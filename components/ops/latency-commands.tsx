"use client";

// Server-side latency per command (GET, SET, EVAL...) next to the PING round trip: the newest
// figures per command with the threshold verdict in words, and the chosen command's per-minute
// p50/p95/p99 (or average) on the same chart as PING, threshold line included.
import { useState } from "react";
import type { ChartSeries } from "@/components/charts/threshold-chart";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { EmptyRow, Table, TableHead, Th } from "@/components/ui/table";
import { formatCount } from "@/lib/format";
import type { CommandLatency, LatencyResponse } from "@/lib/schemas/ops";
import { LatencyChart } from "./latency-chart";

const td = "px-2 py-1 align-top";

const percentileSeries: ChartSeries[] = [
  { key: "p99Ms", name: "p99", color: "var(--bad)" },
  { key: "p95Ms", name: "p95", color: "var(--warn)" },
  { key: "p50Ms", name: "p50", color: "var(--accent)" },
];
const averageSeries: ChartSeries[] = [{ key: "avgMs", name: "average", color: "var(--accent)" }];

const ms = (v: number | null) =>
  v === null
    ? "—"
    : v >= 100
      ? `${v.toFixed(0)} ms`
      : v >= 1
        ? `${v.toFixed(1)} ms`
        : `${(v * 1000).toFixed(0)} µs`;

const SOURCE_TEXT: Record<CommandLatency["source"], string> = {
  histogram:
    "LATENCY HISTOGRAM: percentiles of each sample interval, each within its power-of-two bucket (a factor of 2)",
  latencystats:
    "INFO latencystats: percentiles since the server started (LATENCY refused to the console's user), p95 only when configured",
  commandstats:
    "INFO commandstats: average per call over each sample interval (no percentiles before Redis 7.0)",
};

const CAPTION: Record<CommandLatency["source"], string> = {
  histogram: "p50/p95/p99 per minute (ms, the worst interval in it)",
  latencystats: "p50/p95/p99 since the server started, as read each minute (ms)",
  commandstats: "average per call per minute (ms, the worst interval in it)",
};

function judged(c: CommandLatency): number | null {
  return c.p99 ?? c.avg;
}

function Verdict({ c, thresholdMs }: { c: CommandLatency; thresholdMs: number }) {
  const v = judged(c);
  if (v === null) return <Badge>no figure</Badge>;
  if (c.source === "latencystats") return <Badge tone="info">since start</Badge>;
  return v > thresholdMs ? <Badge tone="bad">slow</Badge> : <Badge tone="ok">ok</Badge>;
}

export function CommandLatencySection({ data }: { data: LatencyResponse }) {
  const commands = data.commands ?? [];
  const history = data.commandHistory ?? [];
  const worst = [...commands].sort((a, b) => (judged(b) ?? -1) - (judged(a) ?? -1))[0];
  const [picked, setPicked] = useState<string | null>(null);
  const chosen = history.find((h) => h.command === (picked ?? worst?.command)) ?? history[0];
  const sources = [...new Set(commands.map((c) => c.source))];
  const several = commands.some((c) => c.node !== undefined);
  return (
    <section className="space-y-2" data-testid="command-latency" aria-label="Latency per command">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h3 className="text-sm font-semibold">Server-side latency per command</h3>
        <span className="text-muted text-xs">
          the console&apos;s own commands (INFO, PING, LATENCY, CONFIG, CLIENT, SCAN, EVALSHA_RO…) left out
        </span>
      </div>
      {sources.map((s) => (
        <p key={s} className="text-muted text-xs">
          {SOURCE_TEXT[s]}.
        </p>
      ))}
      <Table aria-label="Latency per command">
        <TableHead>
          <Th>Command</Th>
          <Th>Status</Th>
          <Th className="text-right">p50</Th>
          <Th className="text-right">p95</Th>
          <Th className="text-right">p99</Th>
          <Th className="text-right">avg</Th>
          <Th className="text-right">Calls</Th>
          <Th>Over</Th>
          {several ? <Th>Worst node</Th> : null}
        </TableHead>
        <tbody>
          {commands.length === 0 ? (
            <EmptyRow colSpan={several ? 9 : 8}>
              No command figures yet: they need two samples of the same server.
            </EmptyRow>
          ) : (
            commands.map((c) => (
              <tr
                key={c.command}
                className={cn("border-line border-t", chosen?.command === c.command && "bg-sunken")}
                data-command={c.command}
                data-selected={chosen?.command === c.command}
              >
                <td className={td}>
                  <Button
                    variant="link"
                    className="font-mono text-xs"
                    onClick={() => setPicked(c.command)}
                    aria-pressed={chosen?.command === c.command}
                    aria-label={`Show ${c.command} on the chart`}
                  >
                    {c.command}
                  </Button>
                </td>
                <td className={td}>
                  <Verdict c={c} thresholdMs={data.thresholdMs} />
                </td>
                <td className={`${td} tabular text-right`}>{ms(c.p50)}</td>
                <td className={`${td} tabular text-right`}>{ms(c.p95)}</td>
                <td className={`${td} tabular text-right`}>{ms(c.p99)}</td>
                <td className={`${td} tabular text-right`}>{ms(c.avg)}</td>
                <td className={`${td} tabular text-right`}>
                  {c.source === "latencystats" ? "—" : formatCount(c.calls)}
                </td>
                <td className={`${td} text-muted text-xs`}>
                  {c.windowSeconds === null ? "since start" : `${c.windowSeconds.toFixed(0)} s`}
                </td>
                {several ? <td className={`${td} font-mono text-xs`}>{c.node ?? ""}</td> : null}
              </tr>
            ))
          )}
        </tbody>
      </Table>
      {chosen ? (
        <LatencyChart
          testId="command-latency-chart"
          minutes={chosen.minutes}
          thresholdMs={data.thresholdMs}
          series={chosen.source === "commandstats" ? averageSeries : percentileSeries}
          caption={`${chosen.command} server-side ${CAPTION[chosen.source]}, UTC`}
        />
      ) : null}
    </section>
  );
}
