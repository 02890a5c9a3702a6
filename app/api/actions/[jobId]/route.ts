import { cancelActionJob, getActionJob } from "@/lib/actions/jobs";
import { permissionFor } from "@/lib/actions/plan";
import { NotFoundError } from "@/lib/http/errors";
import { requirePermission, route } from "@/lib/http/route";
import type { ActionJob } from "@/lib/schemas/actions";

function find(jobId: string): ActionJob {
  const job = getActionJob(jobId);
  if (!job) throw new NotFoundError(`unknown action job ${JSON.stringify(jobId)}`);
  return job;
}

/** A bulk action's status and progress (keys scanned, changed, skipped). */
export const GET = route<{ jobId: string }>(async (_req, params): Promise<ActionJob> => find(params.jobId));

/** Cancels a running bulk action (same permission as starting it); answers its state once stopped. */
export const DELETE = route<{ jobId: string }>(async (_req, params, principal): Promise<ActionJob> => {
  const job = find(params.jobId);
  requirePermission(principal, permissionFor[job.action]);
  return (await cancelActionJob(job.id, principal.name)) ?? job;
});
