// Scan jobs: at most one running scan per instance in this process, its live progress, cancel,
// the stored record (lib/store/scans.ts) and the scheduled scan every SCAN_INTERVAL_MINUTES.
// Scans run on the instance's scan connection (its replica when scanUrl is set).
import "server-only";
import { randomUUID } from "node:crypto";
import { getConfig, type InstanceConfig } from "@/lib/config";
import { ConflictError } from "@/lib/http/errors";
import { compilePolicy, type CompiledPolicy } from "@/lib/policy/classify";
import { withRedis } from "@/lib/redis/client";
import { RedisUnavailableError } from "@/lib/redis/errors";
import { ScanCancelledError } from "@/lib/redis/scanner";
import type { ScanJob, ScanMode, ScanProgress, ScanSummary, ScanTrigger } from "@/lib/schemas/scans";
import { getStore } from "@/lib/store";
import {
  failInterruptedScans,
  finishScan,
  getScan,
  insertScan,
  listScans,
  pruneScans,
  runningScan,
  updateScanProgress,
} from "@/lib/store/scans";
import { makeProgress, runScan } from "./run";

interface RunningJob {
  id: string;
  instanceId: string;
  controller: AbortController;
  progress: ScanProgress;
  startedMs: number;
  /** Settles when the job's record is final. */
  done: Promise<void>;
}

interface ScanState {
  jobs: Map<string, RunningJob>;
  scheduler?: NodeJS.Timeout;
  compiled?: CompiledPolicy;
}

const registry = globalThis as typeof globalThis & { __islScans?: ScanState };
const state: ScanState = (registry.__islScans ??= { jobs: new Map() });

function compiledPolicy(): CompiledPolicy {
  const policy = getConfig().policy;
  if (state.compiled?.policy !== policy) state.compiled = compilePolicy(policy);
  return state.compiled;
}

export interface StartScanOptions {
  match?: string;
  mode?: ScanMode;
  trigger?: ScanTrigger;
}

/** Starts a scan in the background and answers its id; 409 if one is running, 503 if Redis is down. */
export async function startScan(
  instance: InstanceConfig,
  options: StartScanOptions = {},
): Promise<{ id: string }> {
  const existing = state.jobs.get(instance.id);
  if (existing) throw new ConflictError(`a scan of ${instance.id} is already running (${existing.id})`);
  const job: RunningJob = {
    id: randomUUID(),
    instanceId: instance.id,
    controller: new AbortController(),
    progress: makeProgress(0, 0, 0),
    startedMs: Date.now(),
    done: Promise.resolve(),
  };
  // Claim the instance before the first await, so two requests cannot both start.
  state.jobs.set(instance.id, job);
  const match = options.match ?? "*";
  const mode = options.mode ?? "gentle";
  let total: number;
  try {
    total = await withRedis(instance, (redis) => redis.dbsize(), { purpose: "scan" });
  } catch (err) {
    state.jobs.delete(instance.id);
    throw err;
  }
  job.progress = makeProgress(0, total, 0);
  insertScan(getStore(), {
    id: job.id,
    instance: instance.id,
    match,
    mode,
    trigger: options.trigger ?? "manual",
    startedAt: new Date(job.startedMs).toISOString(),
    total,
  });
  job.done = execute(instance, job, match, mode, total).finally(() => state.jobs.delete(instance.id));
  return { id: job.id };
}

async function execute(
  instance: InstanceConfig,
  job: RunningJob,
  match: string,
  mode: ScanMode,
  total: number,
): Promise<void> {
  const db = getStore();
  try {
    const { result, progress } = await withRedis(
      instance,
      (redis) =>
        runScan(redis, {
          policy: compiledPolicy(),
          match,
          mode,
          total,
          signal: job.controller.signal,
          onProgress: (p) => {
            job.progress = p;
            updateScanProgress(db, job.id, p);
          },
        }),
      { purpose: "scan" },
    );
    job.progress = progress;
    finishScan(db, job.id, { status: "done", finishedAt: new Date().toISOString(), progress, result });
    const { retentionDays, keepFullResults } = getConfig().scan;
    pruneScans(db, instance.id, {
      keepFull: keepFullResults,
      deleteBefore: new Date(Date.now() - retentionDays * 86_400_000).toISOString(),
    });
  } catch (err) {
    const progress = makeProgress(job.progress.scanned, job.progress.total, Date.now() - job.startedMs);
    const finishedAt = new Date().toISOString();
    if (err instanceof ScanCancelledError) {
      finishScan(db, job.id, { status: "cancelled", finishedAt, progress });
    } else {
      finishScan(db, job.id, {
        status: "failed",
        finishedAt,
        progress,
        error: failureMessage(err, progress),
      });
      if (!(err instanceof RedisUnavailableError) && !isConnectionLoss(err))
        console.error(`isl-console: scan ${job.id} of ${instance.id} failed`, err);
    }
  }
}

/** In-flight commands of a dropped connection fail with ioredis's retry-limit or closed-connection errors. */
function isConnectionLoss(err: unknown): boolean {
  return (
    err instanceof Error && /max retries per request|Connection is closed|ECONNRESET|EPIPE/i.test(err.message)
  );
}

function failureMessage(err: unknown, progress: ScanProgress): string {
  const where = `after ${progress.scanned} of ~${progress.total} keys`;
  if (err instanceof RedisUnavailableError)
    return `lost the connection to Redis ${where} (${err.message}); start a new scan when Redis is back`;
  const message = err instanceof Error ? err.message : String(err);
  if (isConnectionLoss(err)) {
    return `lost the connection to Redis ${where} (${message.split(".")[0]}); start a new scan when Redis is back`;
  }
  if (/LOADING/.test(message))
    return `Redis is loading its dataset (it restarted) ${where}; start a new scan when it is ready`;
  return `Redis answered an error ${where}: ${message}`;
}

/** The job with live progress while it runs in this process. */
export function getScanJob(id: string): ScanJob | undefined {
  const job = getScan(getStore(), id);
  if (!job) return undefined;
  const live = [...state.jobs.values()].find((j) => j.id === id);
  return live && job.status === "running" ? { ...job, progress: live.progress } : job;
}

export function listScanJobs(instanceId: string, limit = 50): ScanSummary[] {
  const live = state.jobs.get(instanceId);
  return listScans(getStore(), instanceId, limit).map((s) =>
    live && s.id === live.id && s.status === "running" ? { ...s, progress: live.progress } : s,
  );
}

/** Cancels a running scan and waits (at most `waitMs`) until it has stopped; answers its record. */
export async function cancelScan(id: string, waitMs = 1000): Promise<ScanJob | undefined> {
  const live = [...state.jobs.values()].find((j) => j.id === id);
  if (live) {
    live.controller.abort();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([live.done, new Promise((resolve) => (timer = setTimeout(resolve, waitMs)))]);
    clearTimeout(timer);
  }
  return getScanJob(id);
}

export function isScanRunning(instanceId: string): boolean {
  return state.jobs.has(instanceId);
}

/** Starts a scheduled scan of each instance whose last scan is older than the interval. */
export async function runDueScans(now = Date.now()): Promise<string[]> {
  const { instances, scan } = getConfig();
  const started: string[] = [];
  if (scan.intervalMinutes <= 0) return started;
  const db = getStore();
  for (const instance of instances) {
    if (state.jobs.has(instance.id) || runningScan(db, instance.id)) continue;
    const last = listScans(db, instance.id, 1)[0];
    if (last && now - Date.parse(last.startedAt) < scan.intervalMinutes * 60_000) continue;
    try {
      started.push((await startScan(instance, { trigger: "scheduled" })).id);
    } catch {
      // Unreachable or already scanning: the next tick tries again.
    }
  }
  return started;
}

/**
 * Once per process: scans a previous process left running are marked failed, then the
 * scheduler checks every minute (first after 15 s) for instances due a scan.
 */
export function startScanScheduler(): void {
  if (state.scheduler) return;
  failInterruptedScans(getStore(), new Date().toISOString());
  if (getConfig().scan.intervalMinutes <= 0) return;
  const tick = () =>
    void runDueScans().catch((err: unknown) => console.error("isl-console: scan scheduler", err));
  const first = setTimeout(tick, 15_000);
  first.unref();
  state.scheduler = setInterval(tick, 60_000);
  state.scheduler.unref();
}
