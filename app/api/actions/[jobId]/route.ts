import { cancelActionJob, getActionJob } from "@/lib/actions/jobs";
import { NotFoundError } from "@/lib/http/errors";
import { methods, route } from "@/lib/http/route";
import type { ActionJob } from "@/lib/schemas/actions";

/** A bulk action's status and progress (keys scanned, changed, skipped). */
const get = route<{ jobId: string }>({ access: "read" }, async (_req, params): Promise<ActionJob> => {
  const job = await getActionJob(params.jobId);
  if (!job) throw new NotFoundError(`unknown action job ${JSON.stringify(params.jobId)}`);
  return job;
});

/**
 * Cancels a running bulk action (one's own: the job's permission; someone else's: cancel-others),
 * audited either way; answers its state once stopped.
 */
const del = route<{ jobId: string }>(
  { access: "guarded" },
  async (_req, params, principal): Promise<ActionJob> => cancelActionJob(principal, params.jobId),
);

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({ GET: get, DELETE: del });
