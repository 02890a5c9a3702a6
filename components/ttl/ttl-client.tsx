"use client";
// The TTL page: the latest scan's counts per class and per pattern, "Scan now" with progress,
// and the violation lists. Everything comes from the scan API, like scripts get it.

import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { FixToolbar, RowAction, useKeySelection, useListAction } from "@/components/actions/ttl-fix";
import { Card } from "@/components/ui/card";
import { apiUrl, deleteJson, queryKeys } from "@/components/api";
import { scanJobSchema, type ScanJob, type ScanKeyEntry, type ScanKeysResponse, type ScanListName } from "@/lib/schemas/scans";
import { ChangedSinceScan } from "./changed-since-scan";
import { ClassCounts } from "./class-counts";
import { ComplianceNotice } from "./compliance-notice";
import { KeyList } from "./key-list";
import { FailedScanNodes, NodeBreakdown } from "./node-breakdown";
import { PatternCounts } from "./pattern-counts";
import { RunningJobs } from "./running-jobs";
import { ScanPanel } from "./scan-panel";
import { useLatestScan } from "./use-latest-scan";
import { useRunningWork } from "./use-running-work";
import { useScanJob } from "./use-scan-job";
import { useStartScan } from "./use-start-scan";
import { SeenLive, WatchLine } from "./watch-findings";

export interface TtlInitial {
  latest: ScanJob | null;
  /** The newest finished scan, failed or cancelled ones included. */
  latestFinished: ScanJob | null;
  runningId: string | undefined;
  firstPage: ScanKeysResponse | undefined;
  now: number;
}

function useNow(initial: number): number {
  const [now, setNow] = useState(initial);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/** Follows a scan found running (scheduled, or started elsewhere) when none is followed yet. */
function useFollowDiscovered(
  discovered: string | undefined,
  following: boolean,
  follow: (id: string) => void,
): void {
  useEffect(() => {
    if (discovered && !following) follow(discovered);
  }, [discovered, following, follow]);
}

/** When the running jobs end, their changes have left the scan's lists: show them gone. */
function useRefreshAfterJobs(instanceId: string, running: number): void {
  const queryClient = useQueryClient();
  const was = useRef(running);
  useEffect(() => {
    if (running < was.current) {
      const scans = queryKeys.instance(instanceId).scans;
      void queryClient.invalidateQueries({ queryKey: scans.latest() });
      void queryClient.invalidateQueries({ queryKey: scans.lists() });
    }
    was.current = running;
  }, [running, instanceId, queryClient]);
}

/** Scans and jobs running on the instance whoever started them: followed, listed, refreshed after. */
function useOthersWork(instanceId: string, following: boolean, follow: (id: string) => void) {
  const work = useRunningWork(instanceId);
  const runningJobs = work.data?.jobs ?? [];
  useFollowDiscovered(work.data?.scans[0]?.id, following, follow);
  useRefreshAfterJobs(instanceId, runningJobs.length);
  return { runningJobs, runningFix: runningJobs.find((j) => j.action === "fix-ttl") };
}

export function TtlClient({ instanceId, initial }: { instanceId: string; initial: TtlInitial }) {
  const queryClient = useQueryClient();
  const now = useNow(initial.now);
  const latest = useLatestScan(instanceId, initial.latest);
  const latestFinished = useLatestScan(instanceId, initial.latestFinished, "any");
  const [followId, setFollowId] = useState<string | undefined>(initial.runningId);
  const followed = useScanJob(instanceId, followId);
  const start = useStartScan(instanceId);
  const [cancelling, setCancelling] = useState(false);
  const [list, setListState] = useState<ScanListName>("noTtl");
  const selection = useKeySelection();
  const listAction = useListAction(list);
  const setList = (next: ScanListName) => {
    selection.clear();
    setListState(next);
  };

  const job = followed.data;
  const running = job?.status === "running" ? job : undefined;
  const finished = job && job.status !== "running" ? job : undefined;
  const { runningJobs, runningFix } = useOthersWork(instanceId, running !== undefined, setFollowId);

  const finishedId = finished?.id;
  useEffect(() => {
    // A failed scan too: the page shows the newest finished scan's nodes and uncovered slots.
    if (finishedId)
      void queryClient.invalidateQueries({ queryKey: queryKeys.instance(instanceId).scans.latest() });
  }, [finishedId, instanceId, queryClient]);

  const cancel = async () => {
    if (!running) return;
    setCancelling(true);
    try {
      const stopped = await deleteJson(apiUrl.scan(running.id), scanJobSchema);
      queryClient.setQueryData(queryKeys.instance(instanceId).scans.job(running.id), stopped);
    } finally {
      setCancelling(false);
    }
  };

  const data = latest.data ?? null;
  const result = data?.result;
  // The same row action for the scan's rows and the rows the live watch added.
  const rowAction =
    listAction && result
      ? (entry: ScanKeyEntry) => (
          <RowAction
            instanceId={instanceId}
            entry={entry}
            kind={listAction}
            patterns={result.patterns}
            selection={selection}
          />
        )
      : undefined;
  return (
    <div className="space-y-3">
      <ComplianceNotice instanceId={instanceId} />
      <WatchLine instanceId={instanceId} />
      <ScanPanel
        latest={data}
        running={running}
        lastProblem={finished && finished.status !== "done" ? finished : undefined}
        now={now}
        starting={start.isPending}
        startError={start.error?.message}
        onStart={(mode) => start.mutate(mode, { onSuccess: (id) => setFollowId(id) })}
        onCancel={() => void cancel()}
        cancelling={cancelling}
      />
      {!running && latestFinished.data ? <FailedScanNodes job={latestFinished.data} /> : null}
      <RunningJobs instanceId={instanceId} jobs={runningJobs} />
      {latest.error ? (
        <p role="alert" className="border-warn/40 bg-warn-soft text-warn rounded border px-2 py-1.5">
          Could not refresh the latest scan: {latest.error.message}
        </p>
      ) : null}
      {data && result ? (
        <>
          {data.changedSinceScan ? <ChangedSinceScan changes={data.changedSinceScan} /> : null}
          <ClassCounts classes={result.classes} unknown={result.unknown} selected={list} onSelect={setList} />
          <PatternCounts patterns={result.patterns} />
          <NodeBreakdown result={result} caption="Nodes of the latest scan" />
          <SeenLive instanceId={instanceId} list={list} rowAction={rowAction} />
          <KeyList
            key={data.id}
            instanceId={instanceId}
            scanId={data.id}
            result={result}
            list={list}
            onList={setList}
            initialPage={initial.firstPage}
            toolbar={
              listAction ? (
                <FixToolbar
                  instanceId={instanceId}
                  runningJob={runningFix}
                  list={list}
                  total={result.listTotals[list]}
                  kind={listAction}
                  patterns={result.patterns}
                  selection={selection}
                />
              ) : undefined
            }
            rowActions={rowAction}
          />
        </>
      ) : (
        <Card className="text-muted">The counts and lists appear here once a scan has finished.</Card>
      )}
    </div>
  );
}
