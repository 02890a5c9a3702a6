import { z } from "zod";
import { NotFoundError } from "@/lib/http/errors";
import { parseQuery, requireInstance, route, methods } from "@/lib/http/route";
import { withoutLists } from "@/lib/scan/lists";
import type { ScanJob } from "@/lib/schemas/scans";
import { getStore } from "@/lib/store";
import { getScan, latestDoneScan, listScans } from "@/lib/store/scans";
import { withWatchFindings } from "@/lib/watch/latest";

const querySchema = z.object({
  lists: z.enum(["0", "1"]).default("1"),
  /** "done" (default): the newest done scan; "any": the newest finished one, failed or cancelled too. */
  status: z.enum(["done", "any"]).default("done"),
});

/**
 * The newest done scan with its result (404 before the first: the live watch's findings are then at
 * GET .../watch/findings); its lists and counts include the keys the live TTL watch saw since it
 * started (`source: "watch"`, `seenAt`; `watchedSinceScan` counts them). `?lists=0` leaves the key lists
 * out; `?status=any` answers the newest finished scan whatever its outcome (a failed cluster scan
 * keeps its partial result: which nodes failed and which slots were not covered).
 */
const get = route<{ id: string }>({ access: "read" }, async (req, params): Promise<ScanJob> => {
  const instance = requireInstance(params.id);
  const { lists, status } = parseQuery(req, querySchema);
  const db = getStore();
  let job: ScanJob | undefined;
  if (status === "any") {
    const newest = (await listScans(db, instance.id, 10)).find((s) => s.status !== "running");
    job = newest ? await getScan(db, newest.id) : undefined;
  } else {
    job = await latestDoneScan(db, instance.id);
  }
  if (!job) throw new NotFoundError(`no finished scan of ${instance.id} yet`);
  job = await withWatchFindings(db, job);
  return lists === "0" && job.result ? { ...job, result: withoutLists(job.result) } : job;
});

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({ GET: get });
