import { z } from "zod";
import { NotFoundError } from "@/lib/http/errors";
import { parseQuery, route, methods } from "@/lib/http/route";
import { cancelScan, getScanJob } from "@/lib/scan/jobs";
import { withoutLists } from "@/lib/scan/lists";
import type { ScanJob } from "@/lib/schemas/scans";

const querySchema = z.object({ lists: z.enum(["0", "1"]).default("1") });

/** Status, progress, and once done the result; `?lists=0` leaves the key lists out (totals stay). */
const get = route<{ scanId: string }>({ access: "read" }, async (req, params): Promise<ScanJob> => {
  const { lists } = parseQuery(req, querySchema);
  const job = await getScanJob(params.scanId);
  if (!job) throw new NotFoundError(`unknown scan ${JSON.stringify(params.scanId)}`);
  return lists === "0" && job.result ? { ...job, result: withoutLists(job.result) } : job;
});

/**
 * Cancels a running scan (one's own: scan; someone else's or a scheduled one: cancel-others),
 * audited either way; answers the record once it stopped (within 1 s). A finished scan is left as is.
 */
const del = route<{ scanId: string }>(
  { access: "guarded" },
  async (_req, params, principal): Promise<ScanJob> => cancelScan(principal, params.scanId),
);

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({ GET: get, DELETE: del });
