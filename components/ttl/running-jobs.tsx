"use client";
// Bulk action jobs running on the instance, whoever started them (one's own from another tab or
// before a reload, a colleague's): progress, and cancel for those allowed to.

import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useCan, useMe } from "@/components/auth/use-me";
import { JobProgress } from "@/components/actions/job-progress";
import { Card } from "@/components/ui/card";
import { apiUrl, deleteJson, queryKeys } from "@/components/api";
import { formatTime } from "@/lib/format";
import { actionJobSchema, type ActionJob } from "@/lib/schemas/actions";

function RunningJob({ instanceId, job }: { instanceId: string; job: ActionJob }) {
  const queryClient = useQueryClient();
  const me = useMe().data;
  // One's own job needs the job's own permission to cancel; someone else's, cancel-others.
  const mayOwn = useCan(job.action);
  const mayOthers = useCan("cancel-others");
  const mayCancel = job.startedBy === me?.name ? mayOwn : mayOthers;
  const [cancelling, setCancelling] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const cancel = async () => {
    setCancelling(true);
    setError(undefined);
    try {
      await deleteJson(apiUrl.actionJob(job.id), actionJobSchema);
      void queryClient.invalidateQueries({ queryKey: queryKeys.instance(instanceId).scans.running() });
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setCancelling(false);
    }
  };
  return (
    <li className="space-y-1">
      <p className="text-muted text-xs">
        {job.action} <code className="font-mono">{job.match}</code> started by {job.startedBy} at{" "}
        {formatTime(job.startedAt)}
      </p>
      <JobProgress job={job} onCancel={() => void cancel()} cancelling={cancelling} mayCancel={mayCancel} />
      {error ? (
        <p role="alert" className="text-bad text-sm">
          {error}
        </p>
      ) : null}
    </li>
  );
}

export function RunningJobs({ instanceId, jobs }: { instanceId: string; jobs: readonly ActionJob[] }) {
  if (jobs.length === 0) return null;
  return (
    <Card aria-label="Running jobs" data-testid="running-jobs">
      <h2 className="mb-2 font-semibold">Running now</h2>
      <ul className="space-y-3">
        {jobs.map((job) => (
          <RunningJob key={job.id} instanceId={instanceId} job={job} />
        ))}
      </ul>
    </Card>
  );
}
