"use client";
// The latest scan's age and the "Scan now" control with a live progress bar and cancel.

import { ProgressBar } from "@/components/ui/progress-bar";
import { timeLeftText } from "@/components/actions/time-left";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { useCan, useMe } from "@/components/auth/use-me";
import { formatCount, formatCountOf, formatDuration, formatPercent, formatTime } from "@/lib/format";
import type { ScanJob, ScanMode, ScanResult } from "@/lib/schemas/scans";

interface Props {
  latest: ScanJob | null;
  running: ScanJob | undefined;
  lastProblem: ScanJob | undefined;
  now: number;
  starting: boolean;
  startError: string | undefined;
  onStart: (mode: ScanMode) => void;
  onCancel: () => void;
  cancelling: boolean;
}

export function ScanPanel({
  latest,
  running,
  lastProblem,
  now,
  starting,
  startError,
  onStart,
  onCancel,
  cancelling,
}: Props) {
  const [mode, setMode] = useState<ScanMode>("gentle");
  // A fast scan needs `scan-fast` (the server answers 403 otherwise): without it, there is no choice to offer.
  const mayFast = useCan("scan-fast");
  return (
    <Card className="space-y-3" aria-label="Scan">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h2 className="font-semibold">TTL compliance</h2>
          <LatestLine latest={latest} running={running} now={now} />
          {latest?.result ? <Partial result={latest.result} /> : null}
        </div>
        <div className="flex items-center gap-2">
          {mayFast ? (
            <label className="text-muted text-sm">
              Mode{" "}
              <select
                value={mode}
                onChange={(e) => setMode(e.target.value === "fast" ? "fast" : "gentle")}
                className="border-line bg-panel text-fg rounded border px-1 py-1"
                disabled={running !== undefined}
              >
                <option value="gentle">gentle (≤ 25 % of a Redis core)</option>
                <option value="fast">fast (maintenance window)</option>
              </select>
            </label>
          ) : null}
          <Button
            variant="primary"
            // aria-disabled, not disabled: a disabled button drops the keyboard focus to <body>.
            onClick={() => {
              if (running === undefined && !starting) onStart(mayFast ? mode : "gentle");
            }}
            aria-disabled={running !== undefined || starting}
          >
            {running ? "Scanning…" : starting ? "Starting…" : "Scan now"}
          </Button>
        </div>
      </div>
      {running ? <Progress job={running} onCancel={onCancel} cancelling={cancelling} /> : null}
      {startError ? (
        <p role="alert" className="border-bad/40 bg-bad-soft text-bad rounded border px-2 py-1.5">
          Could not start a scan: {startError}
        </p>
      ) : null}
      {!running && lastProblem ? (
        <p
          role="status"
          className={
            lastProblem.status === "failed"
              ? "border-bad/40 bg-bad-soft text-bad rounded border px-2 py-1.5"
              : "border-line bg-sunken text-muted rounded border px-2 py-1.5"
          }
        >
          The last scan {lastProblem.status === "failed" ? "failed" : "was cancelled"}
          {lastProblem.error
            ? `: ${lastProblem.error}`
            : ` after ${formatCountOf(lastProblem.progress.scanned, "key")}`}
          .
        </p>
      ) : null}
    </Card>
  );
}

/** When the latest scan finished, what it covered and how it went. */
function LatestLine({
  latest,
  running,
  now,
}: {
  latest: ScanJob | null;
  running: ScanJob | undefined;
  now: number;
}) {
  if (!latest && running) {
    return (
      <p className="text-muted text-sm" data-testid="scan-age">
        The first scan ({running.startedBy ? `started by ${running.startedBy}` : "scheduled"}) is running: the
        counts and lists appear when it finishes.
      </p>
    );
  }
  if (!latest) {
    return (
      <p className="text-muted text-sm" data-testid="scan-age">
        No finished scan yet. Start one to see which keys break the TTL policy.
      </p>
    );
  }
  const ageSeconds = latest.finishedAt
    ? Math.max(0, (now - Date.parse(latest.finishedAt)) / 1000)
    : undefined;
  const vanished = latest.result?.vanished ?? 0;
  return (
    <p className="text-muted text-sm" data-testid="scan-age">
      From the scan finished {formatDuration(ageSeconds)} ago ({formatTime(latest.finishedAt)}):{" "}
      {formatCountOf(latest.result?.keys, "key")} in {tookText(latest.result?.durationMs ?? 0)}, {latest.mode}{" "}
      mode, match <code className="font-mono">{latest.match}</code>
      {vanished > 0 ? `, ${formatCountOf(vanished, "key")} expired while scanned` : ""}.
    </p>
  );
}

/** What the latest scan could not read: keys whose class is unknown, sizes Redis refused. */
function Partial({ result }: { result: ScanResult }) {
  if (result.unknown === 0 && result.sizeUnknown === 0) return null;
  const reason = (affects: "unknown" | "size") => result.problems.find((p) => p.affects === affects)?.message;
  return (
    <ul data-testid="scan-partial" className="text-warn mt-1 list-disc space-y-0.5 pl-4 text-sm">
      {result.unknown > 0 ? (
        <li>
          {formatCount(result.unknown)} key{result.unknown === 1 ? "" : "s"} could not be read, so{" "}
          {result.unknown === 1 ? "its" : "their"} TTL is unknown (listed under &ldquo;unknown&rdquo;)
          {reason("unknown") ? `: ${reason("unknown")}` : ""}.
        </li>
      ) : null}
      {result.sizeUnknown > 0 ? (
        <li>
          Sizes of {formatCount(result.sizeUnknown)} key{result.sizeUnknown === 1 ? "" : "s"} unknown (shown
          as —, not counted in memory totals){reason("size") ? `: ${reason("size")}` : ""}.
        </li>
      ) : null}
    </ul>
  );
}

function tookText(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : formatDuration(ms / 1000);
}

function Progress({
  job,
  onCancel,
  cancelling,
}: {
  job: ScanJob;
  onCancel: () => void;
  cancelling: boolean;
}) {
  const p = job.progress;
  // One's own scan needs `scan` to cancel; someone else's, or a scheduled one (no startedBy), `cancel-others`.
  const me = useMe().data;
  const mayCancelOwn = useCan("scan");
  const mayCancelOthers = useCan("cancel-others");
  const own = job.startedBy !== undefined && job.startedBy === me?.name;
  const mayCancel = own ? mayCancelOwn : mayCancelOthers;
  const timeLeft = timeLeftText(p.scanned, p.total, p.keysPerSecond);
  return (
    <div className="space-y-1" data-testid="scan-progress">
      <div className="flex flex-wrap items-center justify-between gap-2 text-sm">
        <span>
          <Badge tone="info">running</Badge> {job.mode} scan: {formatCount(p.scanned)} of ~
          {formatCount(p.total)} keys ({formatPercent(p.fraction, 0)}) · {formatCount(p.keysPerSecond)} keys/s
          {timeLeft ? ` · ${timeLeft}` : ""}
        </span>
        {mayCancel ? (
          <Button onClick={onCancel} disabled={cancelling} size="xs">
            {cancelling ? "Cancelling…" : "Cancel"}
          </Button>
        ) : null}
      </div>
      <ProgressBar label="Scan progress" fraction={p.fraction} />
    </div>
  );
}
