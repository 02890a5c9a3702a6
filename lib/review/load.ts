// Gathers what the weekly review needs for one configured instance (the latest finished scan, the
// stored scan closest to a week before it, used-memory history and maxmemory) and hands it to the
// pure builder in lib/review/build.ts. Used by the review API and the review page.
import "server-only";
import type { InstanceConfig } from "@/lib/config";
import type { MemoryPoint } from "@/lib/review/capacity";
import { baselineTarget, buildReview, isDoneScan } from "@/lib/review/build";
import { ApiError } from "@/lib/http/errors";
import { describeRedisError } from "@/lib/redis/errors";
import { withTimeout } from "@/lib/redis/instances";
import { readSample } from "@/lib/redis/sample";
import type { Review } from "@/lib/schemas/review";
import { getStore, type Db } from "@/lib/store";
import { rollupsBetween } from "@/lib/store/rollups";
import { latestSample, samplesBetween } from "@/lib/store/samples";
import { latestDoneScan, scanClosestTo } from "@/lib/store/scans";

/** Memory history the projection fits: the per-minute rollups (kept 14 days) are enough. */
export const HISTORY_MS = 14 * 86_400_000;

export class NoScanError extends ApiError {
  constructor(instanceId: string) {
    super(
      409,
      "conflict",
      `instance ${instanceId} has no finished scan yet: start one with POST /api/instances/${instanceId}/scans or the TTL page's "scan now"`,
      { reason: "no_scan" },
    );
  }
}

/** Minute averages from the rollups, then the raw samples newer than the last rolled-up minute. */
export async function memoryHistory(db: Db, instanceId: string, now: number): Promise<MemoryPoint[]> {
  const points: MemoryPoint[] = [];
  let last = now - HISTORY_MS;
  for (const r of await rollupsBetween(db, instanceId, now - HISTORY_MS, now)) {
    if (r.usedAvg === null) continue;
    points.push({ t: r.minute + 30_000, usedBytes: r.usedAvg });
    last = r.minute + 60_000;
  }
  for (const s of await samplesBetween(db, instanceId, last, now)) {
    if (s.reachable && s.usedBytes !== null) points.push({ t: s.t, usedBytes: s.usedBytes });
  }
  return points;
}

/** maxmemory from the sampler's latest reading, else asked of Redis now (2 s at most). */
async function maxMemory(
  db: Db,
  instance: InstanceConfig,
  now: number,
): Promise<{ maxBytes: number | null; maxBytesUnknown?: string }> {
  const sample = await latestSample(db, instance.id, true);
  if (sample && now - sample.t < 10 * 60_000) return { maxBytes: sample.maxBytes };
  try {
    const live = await withTimeout(readSample(instance, now), 2500, "Redis");
    return { maxBytes: live.maxBytes };
  } catch (err) {
    if (sample) return { maxBytes: sample.maxBytes };
    return { maxBytes: null, maxBytesUnknown: `Redis did not answer: ${describeRedisError(err)}` };
  }
}

export async function loadReview(instance: InstanceConfig, now = Date.now()): Promise<Review> {
  const db = getStore();
  const scan = await latestDoneScan(db, instance.id);
  if (!isDoneScan(scan)) throw new NoScanError(instance.id);
  const baseline = await scanClosestTo(db, instance.id, baselineTarget(scan));
  const memory = { points: await memoryHistory(db, instance.id, now), ...(await maxMemory(db, instance, now)) };
  return buildReview({
    instance: { id: instance.id, name: instance.name, environment: instance.environment },
    scan,
    baseline,
    memory,
    now,
  });
}
