import { z } from "zod";
import { NotFoundError } from "@/lib/http/errors";
import { parseQuery, requireInstance, route, methods } from "@/lib/http/route";
import { withoutLists } from "@/lib/scan/lists";
import type { ScanJob } from "@/lib/schemas/scans";
import { getStore } from "@/lib/store";
import { latestDoneScan } from "@/lib/store/scans";

const querySchema = z.object({ lists: z.enum(["0", "1"]).default("1") });

/** The newest finished scan with its result (404 before the first); `?lists=0` leaves the key lists out. */
const get = route<{ id: string }>({ access: "read" }, async (req, params): Promise<ScanJob> => {
  const instance = requireInstance(params.id);
  const { lists } = parseQuery(req, querySchema);
  const job = latestDoneScan(getStore(), instance.id);
  if (!job) throw new NotFoundError(`no finished scan of ${instance.id} yet`);
  return lists === "0" && job.result ? { ...job, result: withoutLists(job.result) } : job;
});

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({ GET: get });
