import { ConflictError, NotFoundError } from "@/lib/http/errors";
import { parseQuery, route, methods } from "@/lib/http/route";
import { pageScanList } from "@/lib/scan/lists";
import { scanKeysQuerySchema, type ScanKeysResponse } from "@/lib/schemas/scans";
import { getStore } from "@/lib/store";
import { getScan } from "@/lib/store/scans";

/** One page of one of the scan's key lists, filtered by pattern and key text. */
const get = route<{ scanId: string }>({ access: "read" }, async (req, params): Promise<ScanKeysResponse> => {
  const query = parseQuery(req, scanKeysQuerySchema);
  const job = await getScan(getStore(), params.scanId);
  if (!job) throw new NotFoundError(`unknown scan ${JSON.stringify(params.scanId)}`);
  if (!job.result) throw new ConflictError(`scan ${job.id} has no result (${job.status})`);
  return pageScanList(job.id, job.result, query);
});

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({ GET: get });
