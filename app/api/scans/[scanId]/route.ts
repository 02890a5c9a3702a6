import { z } from "zod";
import { NotFoundError } from "@/lib/http/errors";
import { parseQuery, route } from "@/lib/http/route";
import { cancelScan, getScanJob } from "@/lib/scan/jobs";
import { withoutLists } from "@/lib/scan/lists";
import type { ScanJob } from "@/lib/schemas/scans";

const querySchema = z.object({ lists: z.enum(["0", "1"]).default("1") });

/** Status, progress, and once done the result; `?lists=0` leaves the key lists out (totals stay). */
export const GET = route<{ scanId: string }>(async (req, params): Promise<ScanJob> => {
  const { lists } = parseQuery(req, querySchema);
  const job = getScanJob(params.scanId);
  if (!job) throw new NotFoundError(`unknown scan ${JSON.stringify(params.scanId)}`);
  return lists === "0" && job.result ? { ...job, result: withoutLists(job.result) } : job;
});

/** Cancels a running scan; answers the record once it stopped (within 1 s). A finished scan is left as is. */
export const DELETE = route<{ scanId: string }>(async (_req, params): Promise<ScanJob> => {
  const job = await cancelScan(params.scanId);
  if (!job) throw new NotFoundError(`unknown scan ${JSON.stringify(params.scanId)}`);
  return job;
});
