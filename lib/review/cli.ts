// The review without the web server (npm run review): scans the instance directly (every master
// of a cluster), optionally reads
// the console's store for the week-old baseline and the memory history, optionally saves the scan
// there, and builds the same Review the API serves.
import "server-only";
import { randomUUID } from "node:crypto";
import type { InstanceConfig } from "@/lib/config";
import type { MemoryPoint } from "@/lib/review/capacity";
import { baselineTarget, buildReview, type DoneScan } from "@/lib/review/build";
import type { Policy } from "@/lib/policy/types";
import { RedisError } from "@/lib/redis/errors";
import { readSample } from "@/lib/redis/sample";
import { scanInstance } from "@/lib/scan/instance";
import type { Review } from "@/lib/schemas/review";
import type { ScanJob, ScanMode, ScanProgress } from "@/lib/schemas/scans";
import { openStore, type Db } from "@/lib/store/db";
import { finishScan, insertScan, scanClosestTo } from "@/lib/store/scans";
import { memoryHistory } from "./load";

export interface ReviewRunOptions {
  instance: InstanceConfig;
  policy: Policy;
  match: string;
  mode: ScanMode;
  /** The console's data directory: baseline scans and memory history come from its store. */
  dataDir?: string;
  /** Record this scan in the store (needs dataDir), so next week's run has a baseline. */
  save?: boolean;
  onProgress?: (progress: ScanProgress) => void;
  now?: () => number;
}

export interface ReviewRun {
  review: Review;
  scan: DoneScan;
  /** The Lua/pipeline path the scanner used. */
  via: string;
}

async function fromStore(
  db: Db | undefined,
  scan: DoneScan,
  now: number,
): Promise<{ baseline: ScanJob | undefined; points: MemoryPoint[] }> {
  if (!db) return { baseline: undefined, points: [] };
  return {
    baseline: await scanClosestTo(db, scan.instance, baselineTarget(scan)),
    points: await memoryHistory(db, scan.instance, now),
  };
}

export async function runReview(options: ReviewRunOptions): Promise<ReviewRun> {
  const clock = options.now ?? Date.now;
  const { instance } = options;
  if (options.save && !options.dataDir) throw new Error("saving the scan needs the console's data directory");
  const startedAt = new Date(clock()).toISOString();
  const outcome = await scanInstance(instance, {
    policy: options.policy,
    match: options.match,
    mode: options.mode,
    onProgress: options.onProgress,
  });
  if (outcome.status !== "done") {
    // A review of part of a cluster's keyspace would understate every count: refuse it, naming why.
    const message = outcome.error ?? "the scan did not cover the whole keyspace";
    throw new RedisError("other", message, { instanceId: instance.id, raw: message });
  }
  const { result, progress, via } = outcome;
  const memory = await readSample(instance, clock());
  const now = clock();
  const scan: DoneScan = {
    id: randomUUID(),
    instance: instance.id,
    match: options.match,
    mode: options.mode,
    trigger: "manual",
    status: "done",
    startedAt,
    finishedAt: new Date(now).toISOString(),
    progress,
    result,
  };
  const db = options.dataDir ? openStore(options.dataDir) : undefined;
  try {
    const stored = await fromStore(db, scan, now);
    const points = [...stored.points, { t: now, usedBytes: memory.usedBytes }];
    const review = buildReview({
      instance: { id: instance.id, name: instance.name, environment: instance.environment },
      scan,
      baseline: stored.baseline,
      memory: { points, maxBytes: memory.maxBytes },
      now,
    });
    if (db && options.save) {
      await insertScan(db, {
        id: scan.id,
        instance: scan.instance,
        match: scan.match,
        mode: scan.mode,
        trigger: "manual",
        startedAt,
        total: progress.total,
      });
      await finishScan(db, scan.id, { status: "done", finishedAt: scan.finishedAt ?? startedAt, progress, result });
    }
    return { review, scan, via };
  } finally {
    await db?.close();
  }
}
