"use client";

import { useState } from "react";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { formatTime } from "@/lib/format";
import type { LatencyResponse } from "@/lib/schemas/ops";
import { LatencyChart } from "./latency-chart";
import { useLatency } from "./use-latency";

const RANGES = [
  { minutes: 15, label: "15m" },
  { minutes: 60, label: "1h" },
  { minutes: 360, label: "6h" },
  { minutes: 1440, label: "24h" },
];

function Events({ data }: { data: LatencyResponse }) {
  if (data.eventsError)
    return <p className="text-muted text-xs">Latency events unavailable: {data.eventsError}</p>;
  if (data.monitorThresholdMs === null) {
    return <p className="text-muted text-xs">Latency monitor state unknown (CONFIG disabled).</p>;
  }
  if (data.monitorThresholdMs === 0) {
    return (
      <p className="text-muted text-xs">
        Redis&apos;s latency monitor is off (latency-monitor-threshold 0): enable it with{" "}
        <code className="bg-sunken rounded px-1">redis-cli CONFIG SET latency-monitor-threshold 100</code> to
        record slow events.
      </p>
    );
  }
  if (data.events.length === 0) {
    return <p className="text-muted text-xs">No latency events above {data.monitorThresholdMs} ms.</p>;
  }
  return (
    <table className="w-full max-w-2xl text-sm" data-testid="latency-events">
      <thead className="text-muted text-left text-xs">
        <tr>
          <th className="py-1 font-medium">Event</th>
          <th className="py-1 font-medium">Latest</th>
          <th className="py-1 text-right font-medium">Latest ms</th>
          <th className="py-1 text-right font-medium">Max ms</th>
        </tr>
      </thead>
      <tbody>
        {data.events.map((e) => (
          <tr key={e.event} className="border-line border-t">
            <td className="py-1 font-mono text-xs">{e.event}</td>
            <td className="tabular py-1">{formatTime(e.time)}</td>
            <td className="tabular py-1 text-right">{e.latestMs} ms</td>
            <td className="tabular py-1 text-right">{e.maxMs} ms</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function LatencyPanel({ instanceId }: { instanceId: string }) {
  const [minutes, setMinutes] = useState(60);
  const { data, error } = useLatency(instanceId, minutes);
  return (
    <Card className="space-y-2" data-testid="latency">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 className="font-semibold">Latency history</h2>
        <div
          role="group"
          aria-label="Latency range"
          className="border-line inline-flex overflow-hidden rounded border"
        >
          {RANGES.map((r) => (
            <button
              key={r.minutes}
              type="button"
              aria-pressed={r.minutes === minutes}
              onClick={() => setMinutes(r.minutes)}
              className={cn(
                "tabular px-2.5 py-1 text-xs",
                r.minutes === minutes ? "bg-accent text-panel" : "bg-panel text-muted hover:bg-sunken",
              )}
            >
              {r.label}
            </button>
          ))}
        </div>
      </div>
      {error && !data ? <p className="text-bad text-sm">Latency unavailable: {error.message}</p> : null}
      {data ? (
        <>
          <LatencyChart minutes={data.minutes} thresholdMs={data.thresholdMs} />
          <Events data={data} />
        </>
      ) : null}
    </Card>
  );
}
