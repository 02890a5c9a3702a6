// Feeds the "keys without TTL" alert from the scanner's stored results (issue 4): the newest
// finished scan's count of keys with TTL -1, or null before any scan finished.
import "server-only";
import type { LatestScan } from "@/lib/policy/alerts";
import type { Db } from "@/lib/store";
import { listScans } from "@/lib/store/scans";

export function latestScanInput(db: Db, instanceId: string): LatestScan | null {
  // Summaries only (no result lists): the sampler asks every interval.
  const done = listScans(db, instanceId, 20).find((s) => s.status === "done" && s.summary && s.finishedAt);
  if (!done?.summary || !done.finishedAt) return null;
  return { finishedAt: done.finishedAt, noTtl: done.summary.classes.noTtl };
}
