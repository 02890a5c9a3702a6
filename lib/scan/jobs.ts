// Scan jobs: at most one running scan per instance (across the processes sharing the store), its
// live progress, cancel (from any process: a request the running one picks up within a second,
// lib/store/job-control.ts), the stored record (lib/store/scans.ts) and the scheduled scan every
// SCAN_INTERVAL_MINUTES.
// Scans run on the instance's scan connection (its replica when scanUrl is set); a cluster's
// masters (or their replicas) are scanned in parallel and merged (lib/scan/instance.ts).
import "server-only";
import { randomUUID } from "node:crypto";
import { guard, type Guard } from "@/lib/audit/guard";
import { findInstance, getConfig, type InstanceConfig } from "@/lib/config";
import { compiledPolicy } from "@/lib/config/compiled-policy";
import { BadRequestError, ConflictError, NotFoundError } from "@/lib/http/errors";
import { zodMessage } from "@/lib/http/route";
import type { Principal } from "@/lib/policy/access";
import { isRedisError, RedisError } from "@/lib/redis/errors";
import { WalkCancelledError } from "@/lib/redis/walk";
import {
  startScanBodySchema,
  type ScanJob,
  type ScanMode,
  type ScanProgress,
  type ScanSummary,
  type ScanTrigger,
} from "@/lib/schemas/scans";
import { getStore } from "@/lib/store";
import { processId } from "@/lib/process-id";
import { leaseOwner } from "@/lib/store/sampler-leases";
import { logStoreFailure } from "@/lib/store/db";
import {
  beatJob,
  failAbandonedScans,
  finishJob,
  liveJobsOf,
  registerJob,
  requestJobCancel,
} from "@/lib/store/job-control";
import {
  finishScan,
  getScan,
  insertScan,
  listScans,
  pruneScans,
  runningScan,
  updateScanProgress,
} from "@/lib/store/scans";
import { planScan, scanInstance, type ScanPlan } from "./instance";
import { makeProgress } from "./connection-scan";

interface RunningJob {
  id: string;
  instanceId: string;
  controller: AbortController;
  progress: ScanProgress;
  startedMs: number;
  /** Settles when the job's record is final. */
  done: Promise<void>;
}

/** How often a running scan beats in the store and looks for a cancel asked elsewhere. */
const BEAT_MS = 1000;

interface ScanState {
  jobs: Map<string, RunningJob>;
  scheduler?: NodeJS.Timeout;
}

const registry = globalThis as typeof globalThis & { __islScans?: ScanState };
const state: ScanState = (registry.__islScans ??= { jobs: new Map() });

export interface StartScanOptions {
  match?: string;
  mode?: ScanMode;
  trigger?: ScanTrigger;
}

function alreadyRunning(instance: InstanceConfig): ConflictError | undefined {
  const existing = state.jobs.get(instance.id);
  return existing
    ? new ConflictError(`a scan of ${instance.id} is already running (${existing.id})`)
    : undefined;
}

/**
 * Starts a scan someone asked for, through the guarded-action pipeline: a gentle scan needs the
 * scan permission, a fast one (a maintenance-window load) scan-fast; allowed or refused, the
 * attempt is audited. 409 if one is running, 503 if Redis is down.
 */
export async function startScan(
  principal: Principal,
  instance: InstanceConfig,
  options: StartScanOptions = {},
): Promise<{ id: string; auditId: number }> {
  const match = options.match ?? "*";
  const mode = options.mode ?? "gentle";
  const g: Guard = guard({
    principal,
    instance,
    action: "scan-start",
    permission: mode === "fast" ? "scan-fast" : "scan",
    writes: false,
    params: { match, mode },
  }).authorize();
  const conflict = alreadyRunning(instance);
  if (conflict) g.refuse("rejected", conflict);
  return g.run(async () => {
    const started = await launchScan(instance, { match, mode, trigger: "manual", startedBy: principal.name });
    return { body: started, affected: 0, detail: `scan ${started.id} started` };
  });
}

/** POST /api/instances/{id}/scans: the body as text; a malformed one is refused and audited like the rest. */
export async function startScanRequest(
  principal: Principal,
  instance: InstanceConfig,
  text: string,
): Promise<{ id: string; auditId: number }> {
  let raw: unknown = {};
  let problem: string | undefined;
  if (Buffer.byteLength(text) > 10_000) problem = "request body over 10000 bytes";
  else if (text.trim() !== "") {
    try {
      raw = JSON.parse(text);
    } catch {
      problem = "request body is not valid JSON";
    }
  }
  const parsed = problem === undefined ? startScanBodySchema.safeParse(raw) : undefined;
  if (!parsed?.success) {
    const message = problem ?? (parsed ? zodMessage(parsed.error) : "invalid body");
    return guard({
      principal,
      instance,
      action: "scan-start",
      permission: "scan",
      writes: false,
      params: { body: text.slice(0, 200) },
    })
      .authorize()
      .refuse("rejected", new BadRequestError(message));
  }
  return startScan(principal, instance, { match: parsed.data.match, mode: parsed.data.mode });
}

/** Starts a scan in the background and answers its id; 409 if one is running, 503 if Redis is down. */
export async function launchScan(
  instance: InstanceConfig,
  options: StartScanOptions & { startedBy?: string } = {},
): Promise<{ id: string }> {
  const conflict = alreadyRunning(instance);
  if (conflict) throw conflict;
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
  let plan: ScanPlan;
  try {
    plan = await planScan(instance);
  } catch (err) {
    state.jobs.delete(instance.id);
    throw err;
  }
  const total = plan.total;
  job.progress = makeProgress(0, total, 0);
  const db = getStore();
  // Another process sharing the store may be scanning this instance.
  const elsewhere = await liveJobsOf(db, "scan", instance.id, Date.now()).catch((err: unknown) => {
    state.jobs.delete(instance.id);
    throw err;
  });
  if (elsewhere.length > 0) {
    state.jobs.delete(instance.id);
    throw new ConflictError(`a scan of ${instance.id} is already running (${elsewhere[0]?.id}, in another console process)`);
  }
  await registerJob(db, { id: job.id, kind: "scan", instanceId: instance.id, owner: processId(), now: Date.now() });
  await insertScan(db, {
    id: job.id,
    instance: instance.id,
    match,
    mode,
    trigger: options.trigger ?? "manual",
    startedAt: new Date(job.startedMs).toISOString(),
    total,
    ...(options.startedBy ? { startedBy: options.startedBy } : {}),
  });
  job.done = execute(instance, job, match, mode, plan).finally(() => state.jobs.delete(instance.id));
  return { id: job.id };
}

async function execute(
  instance: InstanceConfig,
  job: RunningJob,
  match: string,
  mode: ScanMode,
  plan: ScanPlan,
): Promise<void> {
  const db = getStore();
  // Progress writes one after the other, all landed before the scan's end is written.
  let progressWritten: Promise<void> = Promise.resolve();
  // The beat: alive for the other processes, and a cancel asked of one of them stops this scan.
  const beat = setInterval(() => {
    beatJob(db, job.id, Date.now())
      .then((by) => {
        if (by && !job.controller.signal.aborted) job.controller.abort();
      })
      .catch((err: unknown) => logStoreFailure(`scan ${job.id}: beat not stored`, err));
  }, BEAT_MS);
  beat.unref();
  const finish = async (end: Parameters<typeof finishScan>[2]) => {
    await progressWritten;
    clearInterval(beat);
    // Together: once the record says the scan ended, a new one may start anywhere, and no process
    // ever sees it running without a live control row (it would fail it as abandoned).
    await db.transaction(async (tx) => {
      await finishJob(tx, job.id);
      await finishScan(tx, job.id, end);
    });
  };
  try {
    const outcome = await scanInstance(instance, {
      policy: compiledPolicy(),
      match,
      mode,
      plan,
      signal: job.controller.signal,
      onProgress: (p) => {
        job.progress = p;
        progressWritten = progressWritten
          .then(() => updateScanProgress(db, job.id, p))
          .catch((err: unknown) => logStoreFailure(`scan ${job.id}: progress not stored`, err));
      },
    });
    const { result, progress } = outcome;
    job.progress = progress;
    if (outcome.status === "failed") {
      // Part of a cluster's keyspace was not covered: the partial result is kept for the record
      // (nodes, what was found), but only a done scan feeds the lists' alert and the pages' counts.
      await finish({
        status: "failed",
        finishedAt: new Date().toISOString(),
        progress,
        error: outcome.error ?? "the scan did not cover the whole keyspace",
        result,
      });
      return;
    }
    await finish({ status: "done", finishedAt: new Date().toISOString(), progress, result });
    const { retentionDays, keepFullResults } = getConfig().scan;
    await pruneScans(db, instance.id, {
      keepFull: keepFullResults,
      deleteBefore: new Date(Date.now() - retentionDays * 86_400_000).toISOString(),
    });
  } catch (err) {
    const progress = makeProgress(job.progress.scanned, job.progress.total, Date.now() - job.startedMs);
    const finishedAt = new Date().toISOString();
    if (err instanceof WalkCancelledError) {
      await finish({ status: "cancelled", finishedAt, progress });
    } else {
      await finish({
        status: "failed",
        finishedAt,
        progress,
        error: failureMessage(err, progress),
      });
      if (!isRedisError(err)) console.error(`isl-console: scan ${job.id} of ${instance.id} failed`, err);
    }
  } finally {
    clearInterval(beat);
    await finishJob(db, job.id).catch((err: unknown) =>
      console.error(`isl-console: scan ${job.id}: control row not removed`, err),
    );
  }
}

/** What the scan list, the TTL page and the alert say about a failed scan. */
export function failureMessage(err: unknown, progress: ScanProgress): string {
  const where = `after ${progress.scanned} of ~${progress.total} keys`;
  if (!(err instanceof RedisError))
    return `the scan failed ${where}: ${err instanceof Error ? err.message : String(err)}`;
  switch (err.kind) {
    case "unreachable":
      return `lost the connection to Redis ${where} (${err.message}); start a new scan when Redis is back`;
    case "timeout":
      return `Redis stopped answering ${where} (${err.message}); start a new scan when it responds again`;
    case "loading":
      return `Redis is loading its dataset (it restarted) ${where}; start a new scan when it is ready`;
    case "permission":
      return `${err.message} ${where}: grant ${err.aclRule ?? "the command"} to the console's Redis user (README, Access)`;
    default:
      return `${err.message} ${where}`;
  }
}

/** The job with live progress while it runs in this process. */
export async function getScanJob(id: string): Promise<ScanJob | undefined> {
  const job = await getScan(getStore(), id);
  if (!job) return undefined;
  const live = [...state.jobs.values()].find((j) => j.id === id);
  return live && job.status === "running" ? { ...job, progress: live.progress } : job;
}

export async function listScanJobs(instanceId: string, limit = 50): Promise<ScanSummary[]> {
  const live = state.jobs.get(instanceId);
  return (await listScans(getStore(), instanceId, limit)).map((s) =>
    live && s.id === live.id && s.status === "running" ? { ...s, progress: live.progress } : s,
  );
}

/**
 * Cancels a running scan (guarded and audited: one's own scan needs the scan permission, someone
 * else's or a scheduled one cancel-others) and waits (at most `waitMs`) until it has stopped;
 * answers its record. A finished scan is left as is.
 */
export async function cancelScan(principal: Principal, id: string, waitMs = 1000): Promise<ScanJob> {
  const job = await getScanJob(id);
  if (!job) throw new NotFoundError(`unknown scan ${JSON.stringify(id)}`);
  const own = job.startedBy !== undefined && job.startedBy === principal.name;
  const instance = findInstance(job.instance);
  return guard({
    principal,
    instance: { id: job.instance, readOnly: instance?.readOnly ?? false },
    action: "scan-cancel",
    permission: own ? "scan" : "cancel-others",
    writes: false,
    params: { scanId: job.id, trigger: job.trigger, ...(job.startedBy ? { startedBy: job.startedBy } : {}) },
  })
    .authorize()
    .run(async () => {
      const live = [...state.jobs.values()].find((j) => j.id === id);
      if (live) {
        live.controller.abort();
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([live.done, new Promise((resolve) => (timer = setTimeout(resolve, waitMs)))]);
        clearTimeout(timer);
      } else if (job.status === "running" && (await requestJobCancel(getStore(), id, principal.name, Date.now()))) {
        // Running in another console process: it stops at its next beat; wait for its record.
        await waitForScanEnd(id, Math.max(waitMs, 3 * BEAT_MS));
      } else {
        return { body: job, affected: 0, detail: `scan already ${job.status}` };
      }
      const now = (await getScanJob(id)) ?? job;
      return { body: now, affected: 1, detail: `scan ${now.status}` };
    });
}

/** Polls the stored record until the scan is no longer running, at most `waitMs`. */
async function waitForScanEnd(id: string, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    const job = await getScan(getStore(), id);
    if (!job || job.status !== "running") return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Starts a scheduled scan of each instance whose last scan is older than the interval. */
export async function runDueScans(now = Date.now()): Promise<string[]> {
  const { instances, scan } = getConfig();
  const started: string[] = [];
  if (scan.intervalMinutes <= 0) return started;
  const db = getStore();
  // A scan whose process died would keep its instance "running" for ever.
  await failAbandonedScans(db, now);
  for (const instance of instances) {
    if (state.jobs.has(instance.id) || (await runningScan(db, instance.id))) continue;
    // Several replicas: the one holding the instance's sampler lease runs its scheduled scans.
    const owner = await leaseOwner(db, instance.id, now);
    if (owner !== null && owner !== processId()) continue;
    const [last] = await listScans(db, instance.id, 1);
    if (last && now - Date.parse(last.startedAt) < scan.intervalMinutes * 60_000) continue;
    try {
      started.push((await launchScan(instance, { trigger: "scheduled" })).id);
    } catch {
      // Unreachable or already scanning: the next tick tries again.
    }
  }
  return started;
}

/**
 * Once per process: scans a stopped process left running are marked failed, then the
 * scheduler checks every minute (first after 15 s) for instances due a scan.
 */
export async function startScanScheduler(): Promise<void> {
  if (state.scheduler) return;
  // Scans a stopped process left "running" are failed; those other live processes run are not.
  await failAbandonedScans(getStore(), Date.now());
  if (getConfig().scan.intervalMinutes <= 0) return;
  const tick = () =>
    void runDueScans().catch((err: unknown) => console.error("isl-console: scan scheduler", err));
  const first = setTimeout(tick, 15_000);
  first.unref();
  state.scheduler = setInterval(tick, 60_000);
  state.scheduler.unref();
}
