"use client";

import { ProgressBar } from "@/components/ui/progress-bar";
import { timeLeftText } from "./time-left";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { formatCount, formatCountOf, formatPercent } from "@/lib/format";
import type { ActionJob } from "@/lib/schemas/actions";

const verbs: Record<ActionJob["action"], string> = { "fix-ttl": "fixed", "delete-pattern": "deleted" };

/** A bulk action's progress bar with cancel, then its result. */
export function JobProgress({
  job,
  onCancel,
  cancelling,
  mayCancel = true,
}: {
  job: ActionJob;
  onCancel: () => void;
  cancelling: boolean;
  /** False hides Cancel (the server refuses regardless). */
  mayCancel?: boolean;
}) {
  const p = job.progress;
  const timeLeft = timeLeftText(p.scanned, p.total, p.keysPerSecond);
  const tone =
    job.status === "done"
      ? "ok"
      : job.status === "running"
        ? "info"
        : job.status === "failed"
          ? "bad"
          : "neutral";
  return (
    <div className="space-y-1" data-testid="action-job">
      <div className="flex flex-wrap items-center justify-between gap-2 text-sm">
        <span>
          <Badge tone={tone}>{job.status}</Badge> {formatCountOf(p.affected, "key")} {verbs[job.action]}
          {p.skipped > 0 ? `, ${formatCount(p.skipped)} outside every pattern skipped` : ""}
          {job.status === "running"
            ? ` · ${formatCount(p.scanned)} of ~${formatCount(p.total)} keys scanned (${formatPercent(p.fraction, 0)})` +
              (p.keysPerSecond ? ` · ${formatCount(p.keysPerSecond)} keys/s` : "") +
              (timeLeft ? ` · ${timeLeft}` : "")
            : ""}
        </span>
        {job.status === "running" && mayCancel ? (
          <Button size="xs" onClick={onCancel} disabled={cancelling} className="text-xs">
            {cancelling ? "Cancelling…" : "Cancel"}
          </Button>
        ) : null}
      </div>
      {job.status === "running" ? <ProgressBar label="Action progress" fraction={p.fraction} /> : null}
      {job.error ? <p className="text-bad text-sm">{job.error}</p> : null}
      {job.nodes ? (
        <ul className="text-muted text-xs" data-testid="action-job-nodes" aria-label="Per master">
          {job.nodes.map((n) => (
            <li key={n.node}>
              <span className="font-mono">{n.node}</span>: {formatCount(n.scanned)} scanned,{" "}
              {formatCount(n.affected)} {verbs[job.action]}
              {n.error ? <span className="text-bad"> · failed: {n.error}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
      <p className="text-muted text-xs">Audit entry #{job.auditId}</p>
    </div>
  );
}
