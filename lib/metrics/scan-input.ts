// Feeds the scan-based alerts from the stored scans: "keys without TTL" from the newest finished
// scan, and "TTL compliance unknown" when the scans cannot vouch for the keyspace: failed since
// the last done one, partial (keys it could not read), or none finished yet. A failed or partial
// scan never lowers the count of keys without TTL: only a complete scan can clear it. The newest
// done scan's count already follows the console's own fixes and deletes since it finished (keys
// re-read after each action, lib/scan/changes.ts), so the alert clears once nothing is left.
// Keys the live TTL watch saw written without TTL since that scan started (lib/watch) add to the
// count at once, without a scan; before any scan they alone make the count.
import "server-only";
import type { LatestScan, TtlComplianceUnknown } from "@/lib/policy/alerts";
import type { Db } from "@/lib/store";
import { recentScanOutcomes, type ScanOutcomeRow } from "@/lib/store/scans";
import { addedToScan } from "@/lib/store/watch";

/** What the watch adds to the scan's count of keys without TTL. */
export interface WatchedNoTtl {
  keys: number;
  /** ISO times of the first and the newest write seen. */
  firstSeenAt: string;
  lastSeenAt: string;
  /** The scan's own count (0 before any scan). */
  scanKeys: number;
}

export interface ScanState {
  latestScan: LatestScan | null;
  ttlUnknown: TtlComplianceUnknown | null;
  /** Present when the watch adds keys: the overview words the alert with it. */
  watch?: WatchedNoTtl;
}

function partialReason(done: ScanOutcomeRow): string {
  const why = done.problem ? `: ${done.problem}` : "";
  return `the latest scan could not read ${done.unknown} key${done.unknown === 1 ? "" : "s"}${why}`;
}

/** Pure: the instance's recent finished scans, newest first, to the alert inputs. */
export function scanStateOf(rows: ScanOutcomeRow[]): ScanState {
  const finished = rows.filter((r) => r.status === "done" || r.status === "failed");
  const lastDoneIndex = finished.findIndex((r) => r.status === "done");
  const lastDone = lastDoneIndex >= 0 ? finished[lastDoneIndex] : undefined;
  const lastComplete = finished.find((r) => r.status === "done" && r.unknown === 0);
  // Failures since the last done scan (all of them when none is done), newest first.
  const failures = (lastDone ? finished.slice(0, lastDoneIndex) : finished).filter(
    (r) => r.status === "failed",
  );
  let latestScan: LatestScan | null = null;
  if (lastDone) {
    const floor = lastDone.unknown > 0 && lastComplete ? lastComplete.noTtl : 0;
    latestScan = { finishedAt: lastDone.finishedAt, noTtl: Math.max(lastDone.noTtl, floor) };
  }
  let ttlUnknown: TtlComplianceUnknown | null = null;
  const newestFailure = failures[0];
  const oldestFailure = failures.at(-1);
  if (newestFailure && oldestFailure) {
    ttlUnknown = {
      since: oldestFailure.finishedAt,
      reason: `${failures.length === 1 ? "the last scan failed" : `the last ${failures.length} scans failed`}: ${newestFailure.error ?? "unknown error"}`,
    };
  } else if (lastDone && lastDone.unknown > 0) {
    ttlUnknown = { since: lastDone.finishedAt, reason: partialReason(lastDone), keys: lastDone.unknown };
  } else if (!lastDone) {
    ttlUnknown = { since: null, reason: "no scan has finished yet" };
  }
  return { latestScan, ttlUnknown };
}

/** Pure: the scans' state plus the keys the watch saw (not already in the scan's list). */
export function withWatched(
  state: ScanState,
  added: { total: number; firstSeenAt: number | null; lastSeenAt: number | null },
): ScanState {
  if (added.total === 0 || added.lastSeenAt === null) return state;
  const lastSeenAt = new Date(added.lastSeenAt).toISOString();
  const firstSeenAt = new Date(added.firstSeenAt ?? added.lastSeenAt).toISOString();
  const scanKeys = state.latestScan?.noTtl ?? 0;
  return {
    ...state,
    latestScan: {
      // The alert holds since the scan found keys, or since the watch saw the first one.
      finishedAt: state.latestScan && scanKeys > 0 ? state.latestScan.finishedAt : firstSeenAt,
      noTtl: scanKeys + added.total,
    },
    watch: { keys: added.total, firstSeenAt, lastSeenAt, scanKeys },
  };
}

export async function scanStateInput(db: Db, instanceId: string, now = Date.now()): Promise<ScanState> {
  // Summaries only (no result lists): the sampler asks every interval.
  return withWatched(
    scanStateOf(await recentScanOutcomes(db, instanceId, 50)),
    await addedToScan(db, instanceId, "noTtl", now),
  );
}
