"use client";

import { Badge } from "@/components/ui/badge";
import { formatCount, formatPercent } from "@/lib/format";
import type { ActionJob } from "@/lib/schemas/actions";
import { buttonClass } from "./dialog";

const verbs: Record<ActionJob["action"], string> = { "fix-ttl": "fixed", "delete-pattern": "deleted" };

/** A bulk action's progress bar with cancel, then its result. */
export function JobProgress({ job, onCancel, cancelling }: { job: ActionJob; onCancel: () => void; cancelling: boolean }) {
  const p = job.progress;
  const tone = job.status === "done" ? "ok" : job.status === "running" ? "info" : job.status === "failed" ? "bad" : "neutral";
  return (
    <div className="space-y-1" data-testid="action-job">
      <div className="flex flex-wrap items-center justify-between gap-2 text-sm">
        <span>
          <Badge tone={tone}>{job.status}</Badge> {formatCount(p.affected)} keys {verbs[job.action]}
          {p.skipped > 0 ? `, ${formatCount(p.skipped)} outside every pattern skipped` : ""}
          {job.status === "running"
            ? ` · ${formatCount(p.scanned)} of ~${formatCount(p.total)} keys scanned (${formatPercent(p.fraction, 0)})`
            : ""}
        </span>
        {job.status === "running" ? (
          <button type="button" onClick={onCancel} disabled={cancelling} className={buttonClass.small}>
            {cancelling ? "Cancelling…" : "Cancel"}
          </button>
        ) : null}
      </div>
      {job.status === "running" ? (
        <div
          role="progressbar"
          aria-label="Action progress"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(p.fraction * 100)}
          className="bg-sunken h-2 overflow-hidden rounded"
        >
          <div className="bg-accent h-full transition-[width] duration-300" style={{ width: `${(p.fraction * 100).toFixed(1)}%` }} />
        </div>
      ) : null}
      {job.error ? <p className="text-bad text-sm">{job.error}</p> : null}
      <p className="text-muted text-xs">Audit entry #{job.auditId}</p>
    </div>
  );
}
