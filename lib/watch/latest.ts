// The latest scan as GET .../scans/latest serves it: its lists kept current with the keys the live
// TTL watch saw since the scan started (lib/watch/merge.ts), and a `watchedSinceScan` mark.
import "server-only";
import type { ScanJob } from "@/lib/schemas/scans";
import type { Db } from "@/lib/store";
import { currentFindings } from "@/lib/store/watch";
import { mergeFindings } from "./merge";

export async function withWatchFindings(db: Db, job: ScanJob, now = Date.now()): Promise<ScanJob> {
  if (job.status !== "done" || !job.result) return job;
  // currentFindings leaves out what the newest done scan superseded; an older scan asked by id is not this one.
  const findings = (await currentFindings(db, job.instance, { now })).filter((f) => f.seenAt >= job.startedAt);
  const merged = mergeFindings(job.result, findings);
  const added = merged.added.noTtl + merged.added.aboveStandard;
  if (added === 0 || !merged.lastSeenAt) return job;
  return {
    ...job,
    result: merged.result,
    watchedSinceScan: { ...merged.added, lastSeenAt: merged.lastSeenAt },
  };
}
