"use client";
// The live TTL watch on the TTL page: its state in one line (on, off and why, sampling, missed
// windows), and the keys it saw written since the latest scan started, marked "seen live 12:01:05
// UTC", with the same row action as the scan's list. The counts above already include them.

import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, type ReactNode } from "react";
import { queryKeys } from "@/components/api";
import { useWatchStatus } from "@/components/ops/use-watch-status";
import { utcClock, WatchStateBadge } from "@/components/ops/watch-state";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { ScrollX } from "@/components/ui/scroll-x";
import { formatCount } from "@/lib/format";
import type { ScanKeyEntry, ScanListName } from "@/lib/schemas/scans";
import { entryOf } from "@/lib/watch/merge";
import { useWatchFindings } from "./use-watch-findings";

/** One line: the watch's state, why it is off, whether it samples, the latest missed window. */
export function WatchLine({ instanceId }: { instanceId: string }) {
  const { data } = useWatchStatus(instanceId);
  if (!data) return null;
  const missed = data.missed[0];
  return (
    <p className="flex flex-wrap items-center gap-2 text-sm" data-testid="ttl-watch-line">
      <span className="text-muted">Live watch</span>
      <WatchStateBadge state={data.state} partial={Boolean(data.reason)} />
      {data.state === "off" ? (
        <span className="text-muted">{data.reason ?? ""} · violations show at the next scan</span>
      ) : (
        <span className="text-muted">
          {data.lastMinute.text ?? `${formatCount(data.lastMinute.keysRead)} keys read in the last minute`} ·{" "}
          {formatCount(data.readsPerSecondLimit)} reads/s budget
          {data.reason ? ` · ${data.reason}` : ""}
        </span>
      )}
      {missed ? <span className="text-warn">{missed.text}</span> : null}
    </p>
  );
}

/** When the watch's findings change, the scan's counts (which include them) are fetched again. */
function useRefreshOnChange(instanceId: string, total: number | undefined): void {
  const queryClient = useQueryClient();
  const was = useRef(total);
  useEffect(() => {
    if (total !== undefined && was.current !== undefined && total !== was.current)
      void queryClient.invalidateQueries({ queryKey: queryKeys.instance(instanceId).scans.latest() });
    was.current = total;
  }, [total, instanceId, queryClient]);
}

const th = "px-2 py-1.5 font-medium";
const td = "px-2 py-1.5 whitespace-nowrap";

/** "Seen live" rows of the selected list (no TTL, above standard). */
export function SeenLive({
  instanceId,
  list,
  rowAction,
}: {
  instanceId: string;
  list: ScanListName;
  rowAction?: (entry: ScanKeyEntry) => ReactNode;
}) {
  const cls = list === "noTtl" || list === "aboveStandard" ? list : undefined;
  const { data } = useWatchFindings(instanceId, cls);
  useRefreshOnChange(instanceId, cls ? data?.total : undefined);
  if (!cls || !data || data.findings.length === 0) return null;
  return (
    <Card data-testid="seen-live">
      <h3 className="text-sm font-semibold">
        Seen live since the scan{" "}
        <span className="text-muted font-normal">
          ({formatCount(data.total)} key{data.total === 1 ? "" : "s"}, counted above; the next scan confirms
          them)
        </span>
      </h3>
      <ScrollX label="Keys the live watch saw" className="border-line mt-2 rounded border">
        <table className="w-full border-collapse text-sm">
          <thead className="bg-sunken text-muted text-left text-xs">
            <tr>
              <th className={th}>Key</th>
              <th className={th}>Pattern</th>
              <th className={`${th} text-right`}>TTL</th>
              <th className={th}>Seen</th>
              {rowAction ? <th className={th}>Action</th> : null}
            </tr>
          </thead>
          <tbody>
            {data.findings.map((f) => (
              <tr key={f.keyBase64} className="border-line border-t" data-source="watch">
                <td className={`${td} font-mono text-xs`}>{f.key}</td>
                <td className={td}>{f.pattern ?? "—"}</td>
                <td className={`${td} tabular text-right`}>
                  {f.ttl === -1 ? "none" : `${formatCount(f.ttl)} s`}
                </td>
                <td className={td}>
                  <Badge tone="info">seen live {utcClock(f.seenAt)}</Badge>{" "}
                  {f.event === "persist" ? (
                    <Badge tone="bad">persisted</Badge>
                  ) : (
                    <span className="text-muted text-xs">{f.event}</span>
                  )}
                </td>
                {rowAction ? <td className={td}>{rowAction(entryOf(f))}</td> : null}
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollX>
    </Card>
  );
}
