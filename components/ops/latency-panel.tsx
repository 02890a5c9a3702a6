"use client";

import { useState } from "react";
import { Card } from "@/components/ui/card";
import { Segmented } from "@/components/ui/segmented";
import { formatTime } from "@/lib/format";
import type { LatencyResponse } from "@/lib/schemas/ops";
import { LatencyChart } from "./latency-chart";
import { CommandLatencySection } from "./latency-commands";
import { useLatency } from "./use-latency";

const RANGES = [
  { value: 15, label: "15m" },
  { value: 60, label: "1h" },
  { value: 360, label: "6h" },
  { value: 1440, label: "24h" },
];

function Events({ data }: { data: LatencyResponse }) {
  const nodes = data.nodes ?? [];
  const answered = nodes.filter((n) => n.error === null);
  // Several nodes: events of the nodes that answered, the failed ones named above them.
  if (nodes.length > 1 && answered.length > 0) return <NodeEvents data={data} />;
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
  return <EventsTable events={data.events} />;
}

/** LATENCY LATEST's events, with the node each came from on a deployment of several nodes. */
function EventsTable({ events, byNode = false }: { events: LatencyResponse["events"]; byNode?: boolean }) {
  return (
    <table className={`w-full text-sm ${byNode ? "max-w-3xl" : "max-w-2xl"}`} data-testid="latency-events">
      <thead className="text-muted text-left text-xs">
        <tr>
          {byNode ? <th className="py-1 font-medium">Node</th> : null}
          <th className="py-1 font-medium">Event</th>
          <th className="py-1 font-medium">Latest</th>
          <th className="py-1 text-right font-medium">Latest ms</th>
          <th className="py-1 text-right font-medium">Max ms</th>
        </tr>
      </thead>
      <tbody>
        {events.map((e) => (
          <tr
            key={`${e.node ?? ""}#${e.event}`}
            className="border-line border-t"
            {...(byNode ? { "data-node": e.node } : {})}
          >
            {byNode ? <td className="py-1 font-mono text-xs">{e.node}</td> : null}
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

function NodeEvents({ data }: { data: LatencyResponse }) {
  const nodes = data.nodes ?? [];
  const off = nodes.filter((n) => n.error === null && n.monitorThresholdMs === 0).map((n) => n.address);
  const unknown = nodes
    .filter((n) => n.error === null && n.monitorThresholdMs === null)
    .map((n) => n.address);
  return (
    <div className="space-y-1">
      {data.eventsError ? (
        <p className="text-bad text-xs">Latency events not read from: {data.eventsError}</p>
      ) : null}
      {off.length > 0 ? (
        <p className="text-muted text-xs">
          Latency monitor off (latency-monitor-threshold 0) on{" "}
          {off.length === nodes.length ? "every node" : off.join(", ")}.
        </p>
      ) : null}
      {unknown.length > 0 ? (
        <p className="text-muted text-xs">Monitor state unknown (CONFIG disabled) on {unknown.join(", ")}.</p>
      ) : null}
      {data.events.length === 0 ? (
        <p className="text-muted text-xs">No latency events on the nodes read.</p>
      ) : (
        <EventsTable events={data.events} byNode />
      )}
    </div>
  );
}

export function LatencyPanel({ instanceId }: { instanceId: string }) {
  const [minutes, setMinutes] = useState(60);
  const { data, error } = useLatency(instanceId, minutes);
  return (
    <Card className="space-y-2" data-testid="latency">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 className="font-semibold">Latency history</h2>
        <Segmented label="Latency range" options={RANGES} value={minutes} onChange={setMinutes} />
      </div>
      {error && !data ? <p className="text-bad text-sm">Latency unavailable: {error.message}</p> : null}
      {data ? (
        <>
          <div className="grid grid-cols-1 gap-4 xl:grid-cols-2">
            <LatencyChart minutes={data.minutes} thresholdMs={data.thresholdMs} />
            <CommandLatencySection data={data} />
          </div>
          <Events data={data} />
        </>
      ) : null}
    </Card>
  );
}
