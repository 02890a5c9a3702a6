import { NotFoundError } from "@/lib/http/errors";
import { route } from "@/lib/http/route";
import { cancelScan, getScanJob } from "@/lib/scan/jobs";
import type { ScanJob } from "@/lib/schemas/scans";

/** Status, progress, and once done the result. */
export const GET = route<{ scanId: string }>(async (_req, params): Promise<ScanJob> => {
  const job = getScanJob(params.scanId);
  if (!job) throw new NotFoundError(`unknown scan ${JSON.stringify(params.scanId)}`);
  return job;
});

/** Cancels a running scan; answers the record once it stopped (within 1 s). A finished scan is left as is. */
export const DELETE = route<{ scanId: string }>(async (_req, params): Promise<ScanJob> => {
  const job = await cancelScan(params.scanId);
  if (!job) throw new NotFoundError(`unknown scan ${JSON.stringify(params.scanId)}`);
  return job;
});
