"use client";

import { Card, Stat } from "@/components/ui/card";
import { formatCount } from "@/lib/format";
import type { WatchStatus } from "@/lib/schemas/watch";
import { useWatchStatus } from "./use-watch-status";
import { utcClock, WatchStateBadge } from "./watch-state";

function Budget({ data }: { data: WatchStatus }) {
  const m = data.lastMinute;
  return (
    <dl className="grid grid-cols-2 gap-3 md:grid-cols-4">
      <Stat
        label="State"
        value={<WatchStateBadge state={data.state} partial={Boolean(data.reason)} />}
        hint={`since ${utcClock(data.since)}`}
      />
      <Stat
        label="TTL read budget"
        value={`${formatCount(data.readsPerSecondLimit)} reads/s`}
        hint="WATCH_MAX_READS_PER_SECOND (0 = off)"
      />
      <Stat
        label="Last minute"
        value={`${formatCount(m.keysRead)} of ${formatCount(m.keys)} keys read`}
        hint={`${formatCount(m.events)} events${m.unread > 0 ? ` · ${formatCount(m.unread)} unread (TTL read failed)` : ""}`}
      />
      <Stat
        label="Findings now"
        value={`${formatCount(data.findings)} keys`}
        hint="no TTL or above standard, seen live"
      />
    </dl>
  );
}

/**
 * The live TTL watch on the ops page: on / off and why (notifications off, SUBSCRIBE refused, no
 * process running it), the read budget and whether it is sampling, the masters, the windows missed.
 */
export function WatchPanel({ instanceId }: { instanceId: string }) {
  const { data, error } = useWatchStatus(instanceId);
  return (
    <Card data-testid="watch-panel" aria-labelledby="watch-title">
      <h2 id="watch-title" className="font-semibold">
        Live TTL watch
      </h2>
      <p className="text-muted mt-0.5 text-xs">
        Keyspace notifications: a key written without TTL (or above its pattern&apos;s standard) shows in the
        TTL lists and fires the alert seconds after the write. Without them, scans find it.
      </p>
      {error ? (
        <p className="text-bad mt-2 text-sm">Could not read the watch&apos;s state: {error.message}</p>
      ) : null}
      {!data && !error ? <p className="text-muted mt-2 text-sm">Loading…</p> : null}
      {data ? (
        <div className="mt-3 space-y-3">
          <Budget data={data} />
          {data.reason ? (
            <p
              className={`text-sm ${data.state === "on" ? "text-warn" : "text-muted"}`}
              data-testid="watch-reason"
            >
              {data.state === "off" ? "Off: " : ""}
              {data.reason}
            </p>
          ) : null}
          {data.lastMinute.sampled && data.lastMinute.text ? (
            <p className="text-warn text-sm" data-testid="watch-sampling">
              {data.lastMinute.text} (over the budget: the findings are a random sample; the next scan sees
              every key)
            </p>
          ) : null}
          {data.nodes.length > 1 ? (
            <ul className="text-sm" aria-label="Masters watched">
              {data.nodes.map((n) => (
                <li key={n.address} className="flex flex-wrap items-center gap-2">
                  <span className="font-mono text-xs">{n.address}</span>
                  <WatchStateBadge state={n.state} />
                  {n.reason ? <span className="text-muted text-xs">{n.reason}</span> : null}
                </li>
              ))}
            </ul>
          ) : null}
          {data.missed.length > 0 ? (
            <div>
              <h3 className="text-muted text-xs font-medium">Missed windows</h3>
              <ul className="mt-1 space-y-0.5 text-sm" data-testid="watch-missed">
                {data.missed.slice(0, 5).map((m) => (
                  <li key={`${m.from}-${m.node ?? ""}`}>{m.text}</li>
                ))}
              </ul>
            </div>
          ) : null}
        </div>
      ) : null}
    </Card>
  );
}
