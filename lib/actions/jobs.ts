// Bulk action jobs (fix-ttl and delete-pattern over a SCAN MATCH): at most one per instance across
// the processes sharing the store, live progress (in the store every second, so any process shows
// it), cancel from any process (a request the running one picks up at its next beat,
// lib/store/job-control.ts). A job's id is its audit intent's id, so a finished job is read back
// from its outcome entry, even after a restart. On a cluster the job walks every master
// at once; its progress is their sum, it reports each master's share, and a master that fails
// ends the job failed with the master named and every master's changes counted.
import "server-only";
import type { Outcome } from "@/lib/audit/log";
import { findInstance, type InstanceConfig } from "@/lib/config";
import { compiledPolicy } from "@/lib/config/compiled-policy";
import { ConflictError, NotFoundError } from "@/lib/http/errors";
import type { Principal } from "@/lib/policy/access";
import { describeRedisError, isRedisError, toRedisError } from "@/lib/redis/errors";
import type { RedisNode } from "@/lib/redis/topology";
import { formatCount } from "@/lib/format";
import type { FixMode } from "@/lib/redis/mutate";
import { WalkCancelledError } from "@/lib/redis/walk";
import { ChangeRecorder } from "@/lib/scan/track";
import type { ActionJob } from "@/lib/schemas/actions";
import type { AuditEntry } from "@/lib/schemas/audit";
import { getStore } from "@/lib/store";
import { getAuditEntry, outcomeOf } from "@/lib/store/audit";
import {
  beatJob,
  finishJob,
  liveJob,
  liveJobsOf,
  registerJob,
  requestJobCancel,
  type JobControl,
} from "@/lib/store/job-control";
import { processId } from "@/lib/process-id";
import { fixMatching, unlinkMatching, type NodeTally, type Tally, type WalkTargets } from "./bulk";
import { guard } from "@/lib/audit/guard";
import { permissionFor } from "./rules";

export type BulkSpec =
  { action: "fix-ttl"; match: string; mode: FixMode } | { action: "delete-pattern"; match: string };

interface RunningJob {
  job: ActionJob;
  instanceId: string;
  controller: AbortController;
  cancelledBy?: string;
  done: Promise<void>;
}

interface JobState {
  jobs: Map<string, RunningJob>;
  /** The last finished jobs of this process, with their full progress. */
  recent: Map<string, ActionJob>;
}

const registry = globalThis as typeof globalThis & { __islActionJobs?: JobState };
const state: JobState = (registry.__islActionJobs ??= { jobs: new Map(), recent: new Map() });
const RECENT = 50;

function remember(job: ActionJob): void {
  state.recent.set(job.id, job);
  for (const old of state.recent.keys()) {
    if (state.recent.size <= RECENT) break;
    state.recent.delete(old);
  }
}

function liveFor(instanceId: string): RunningJob | undefined {
  return [...state.jobs.values()].find((j) => j.instanceId === instanceId);
}

/** How often a running job stores its progress and looks for a cancel asked elsewhere. */
const BEAT_MS = 1000;

/** 409 when a bulk action of this instance is running here or in another process (checked before the intent is written). */
export async function assertNoRunningJob(instanceId: string): Promise<void> {
  const live = liveFor(instanceId);
  if (live) throw new ConflictError(`a bulk action on ${instanceId} is already running (job ${live.job.id})`);
  const [elsewhere] = await runningElsewhere(instanceId);
  if (elsewhere)
    throw new ConflictError(
      `a bulk action on ${instanceId} is already running (job ${elsewhere.id}, in another console process)`,
    );
}

function progress(tally: Tally, total: number, startedAt: string, done = false) {
  const seconds = (Date.now() - Date.parse(startedAt)) / 1000;
  return {
    scanned: tally.scanned,
    total,
    fraction: done ? 1 : total > 0 ? Math.min(1, tally.scanned / total) : 0,
    affected: tally.count,
    skipped: tally.skipped,
    ...(seconds > 0 ? { keysPerSecond: Math.round(tally.scanned / seconds) } : {}),
  };
}

/** Each node's share of a job over several nodes. */
function nodeShares(perNode: NodeTally[] | undefined): ActionJob["nodes"] {
  if (!perNode || perNode.length < 2) return undefined;
  return perNode.map((n) => ({
    node: n.node,
    scanned: n.tally.scanned,
    affected: n.tally.count,
    ...(n.error ? { error: n.error } : {}),
  }));
}

/** "on 3 masters (a: 400 changed, b: 380 changed, c: failed)" for the audit outcome. */
function sharesText(shares: ActionJob["nodes"]): string {
  if (!shares) return "";
  const each = shares.map(
    (n) =>
      `${n.node}: ${n.error ? `failed after ${formatCount(n.affected)} changed` : `${formatCount(n.affected)} changed`}`,
  );
  return `on ${shares.length} masters (${each.join(", ")})`;
}

/**
 * Starts the bulk run of an intent already written. `total` is DBSIZE summed over `nodes`, the
 * keyspace nodes the job walks (progress estimate).
 * `outcome` settles when the job ends (ok, cancelled or error, with the keys changed); the
 * guarded-action pipeline writes it to the audit log, then calls `settled`.
 */
export async function startBulkJob(
  instance: InstanceConfig,
  intent: AuditEntry,
  spec: BulkSpec,
  total: number,
  nodes: RedisNode[],
): Promise<{ job: ActionJob; outcome: Promise<Outcome>; settled: () => Promise<void> }> {
  if (liveFor(instance.id)) throw new ConflictError(`a bulk action on ${instance.id} is already running`);
  const id = String(intent.id);
  const job: ActionJob = {
    id,
    auditId: intent.id,
    instance: instance.id,
    action: spec.action,
    match: spec.match,
    startedBy: intent.actor,
    status: "running",
    startedAt: intent.at,
    progress: { scanned: 0, total, fraction: 0, affected: 0, skipped: 0 },
  };
  const running: RunningJob = {
    job,
    instanceId: instance.id,
    controller: new AbortController(),
    done: Promise.resolve(),
  };
  state.jobs.set(id, running);
  const db = getStore();
  try {
    await registerJob(db, {
      id,
      kind: "action",
      instanceId: instance.id,
      owner: processId(),
      now: Date.now(),
      body: job,
    });
  } catch (err) {
    state.jobs.delete(id);
    throw err;
  }
  // The beat: the progress for the other processes, and a cancel asked of one of them.
  const beat = setInterval(() => {
    beatJob(db, id, Date.now(), job)
      .then((by) => {
        if (by && !running.controller.signal.aborted) {
          running.cancelledBy = by;
          running.controller.abort();
        }
      })
      .catch((err: unknown) => console.error(`isl-console: action job ${id}: beat not stored`, err));
  }, BEAT_MS);
  beat.unref();
  const outcome = execute(instance, running, spec, nodes).finally(async () => {
    clearInterval(beat);
    state.jobs.delete(id);
    remember(job);
    // The final state for the other processes; the row stays until the outcome is in the audit
    // log (`settled`), so none of them sees a job with neither a live row nor an outcome.
    await beatJob(db, id, Date.now(), job).catch((err: unknown) =>
      console.error(`isl-console: action job ${id}: final state not stored`, err),
    );
  });
  running.done = outcome.then(() => undefined);
  const settled = () =>
    finishJob(db, id).catch((err: unknown) =>
      console.error(`isl-console: action job ${id}: control row not removed`, err),
    );
  return { job, outcome, settled };
}

async function execute(
  instance: InstanceConfig,
  running: RunningJob,
  spec: BulkSpec,
  nodes: RedisNode[],
): Promise<Outcome> {
  const { job } = running;
  const targets: WalkTargets = { instance, nodes };
  let last: Tally | undefined;
  // Keys each batch changed leave the latest scan's lists as the job goes, cancelled or not.
  const changes = await ChangeRecorder.open(instance.id);
  const options = {
    match: spec.match,
    signal: running.controller.signal,
    changes,
    onProgress: (t: Tally) => {
      last = t;
      job.progress = progress(t, job.progress.total, job.startedAt);
      const shares = nodeShares(targets.perNode);
      if (shares) job.nodes = shares;
    },
  };
  try {
    const tally =
      spec.action === "fix-ttl"
        ? await fixMatching(targets, compiledPolicy(), spec.mode, options)
        : await unlinkMatching(targets, options);
    job.progress = progress(tally, job.progress.total, job.startedAt, true);
    job.status = "done";
    const shares = nodeShares(targets.perNode);
    if (shares) job.nodes = shares;
    const details = [
      tally.skipped > 0
        ? `${tally.skipped} keys outside every pattern left alone (no standard TTL to give them); ` +
          `${tally.scanned - tally.count - tally.skipped} keys under a pattern needed no fix`
        : "",
      sharesText(shares),
    ].filter(Boolean);
    return {
      outcome: "ok",
      affected: tally.count,
      detail: details.length > 0 ? details.join("; ") : undefined,
    };
  } catch (raw) {
    const err = raw instanceof WalkCancelledError ? raw : classified(instance, raw);
    const affected = last?.count ?? 0;
    const shares = nodeShares(targets.perNode);
    if (shares) job.nodes = shares;
    const where = shares ? `; ${sharesText(shares)}` : "";
    if (err instanceof WalkCancelledError) {
      job.status = "cancelled";
      return {
        outcome: "cancelled",
        affected,
        detail: `cancelled by ${running.cancelledBy ?? "unknown"}${where}`,
      };
    }
    job.status = "failed";
    job.error = `${describeRedisError(err)} after ${job.progress.scanned} keys (${affected} changed)${where}`;
    if (!isRedisError(err)) console.error(`isl-console: action job ${job.id} failed`, err);
    return { outcome: "error", affected, detail: job.error };
  } finally {
    await changes.flush();
    job.finishedAt = new Date().toISOString();
  }
}

/** A Redis failure classified (with the instance named); other errors unchanged. */
function classified(instance: InstanceConfig, err: unknown): unknown {
  try {
    return toRedisError(err, { instanceId: instance.id });
  } catch {
    return err;
  }
}

function statusOf(outcome: AuditEntry | undefined): ActionJob["status"] {
  if (!outcome) return "failed";
  if (outcome.outcome === "ok") return "done";
  if (outcome.outcome === "cancelled") return "cancelled";
  return "failed";
}

function isBulkIntent(intent: AuditEntry | undefined): intent is AuditEntry & { action: BulkSpec["action"] } {
  return (
    intent !== undefined &&
    intent.kind === "intent" &&
    (intent.action === "fix-ttl" || intent.action === "delete-pattern") &&
    intent.params.dryRun !== true &&
    typeof intent.params.match === "string"
  );
}

/** A job of an earlier process (or evicted from `recent`), rebuilt from its audit entries. */
async function fromAudit(auditId: number): Promise<ActionJob | undefined> {
  const db = getStore();
  const intent = await getAuditEntry(db, auditId);
  if (!isBulkIntent(intent)) return undefined;
  const outcome = await outcomeOf(db, auditId);
  const status = statusOf(outcome);
  const error =
    status === "failed" ? (outcome?.detail ?? "the console stopped before the job finished") : undefined;
  return {
    id: String(auditId),
    auditId,
    instance: intent.instance,
    action: intent.action,
    match: String(intent.params.match),
    startedBy: intent.actor,
    status,
    startedAt: intent.at,
    ...(outcome ? { finishedAt: outcome.at } : {}),
    progress: {
      scanned: 0,
      total: 0,
      fraction: status === "done" ? 1 : 0,
      affected: outcome?.affected ?? 0,
      skipped: 0,
    },
    ...(error ? { error } : {}),
  };
}

/** The instance's running bulk jobs (at most one), whoever started them, in whichever process. */
export async function runningActionJobs(instanceId: string): Promise<ActionJob[]> {
  const here = [...state.jobs.values()]
    .filter((j) => j.instanceId === instanceId)
    .map((j) => ({ ...j.job, progress: { ...j.job.progress } }));
  const elsewhere = (await runningElsewhere(instanceId)).map((c) => c.body as ActionJob);
  return [...here, ...elsewhere];
}

/**
 * The instance's bulk jobs running in other processes, by their live control rows. A row whose
 * job has ended (kept until its outcome is written) is not running.
 */
async function runningElsewhere(instanceId: string): Promise<JobControl[]> {
  const rows = await liveJobsOf(getStore(), "action", instanceId, Date.now());
  return rows.filter((c) => !state.jobs.has(c.id) && (c.body as ActionJob | undefined)?.status === "running");
}

/**
 * A job by id: live while it runs here, its last beat while it runs in another process, else from
 * this process's recent jobs or the audit log.
 */
export async function getActionJob(id: string): Promise<ActionJob | undefined> {
  const live = state.jobs.get(id);
  if (live) return { ...live.job, progress: { ...live.job.progress } };
  const recent = state.recent.get(id);
  if (recent) return recent;
  const elsewhere = await liveJob(getStore(), id, Date.now());
  if (elsewhere?.kind === "action" && elsewhere.body) return elsewhere.body as ActionJob;
  const auditId = Number(id);
  if (!/^\d+$/.test(id) || !Number.isSafeInteger(auditId) || auditId < 1) return undefined;
  return fromAudit(auditId);
}

/**
 * Cancels a running job (guarded and audited: one's own job needs the job's permission, someone
 * else's needs cancel-others) and waits (at most `waitMs`) for it to stop; answers its state.
 */
export async function cancelActionJob(principal: Principal, id: string, waitMs = 2000): Promise<ActionJob> {
  const job = await getActionJob(id);
  if (!job) throw new NotFoundError(`unknown action job ${JSON.stringify(id)}`);
  const own = job.startedBy === principal.name;
  const instance = findInstance(job.instance);
  return guard({
    principal,
    instance: { id: job.instance, readOnly: instance?.readOnly ?? false },
    action: "job-cancel",
    permission: own ? permissionFor[job.action] : "cancel-others",
    writes: false,
    params: { jobId: job.id, job: job.action, match: job.match, startedBy: job.startedBy },
  })
    .authorize()
    .run(async () => {
      const live = state.jobs.get(id);
      if (live) {
        live.cancelledBy = principal.name;
        live.controller.abort();
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([live.done, new Promise((resolve) => (timer = setTimeout(resolve, waitMs)))]);
        clearTimeout(timer);
        const now = { ...live.job, progress: { ...live.job.progress } };
        return { body: now, affected: 1, detail: `job ${now.status}` };
      }
      if (job.status !== "running" || !(await requestJobCancel(getStore(), id, principal.name, Date.now())))
        return { body: job, affected: 0, detail: `job already ${job.status}` };
      // Running in another console process: it stops at its next beat; its outcome lands in the audit log.
      const deadline = Date.now() + Math.max(waitMs, 3 * BEAT_MS);
      let now = job;
      while (Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        now = (await getActionJob(id)) ?? now;
        if (now.status !== "running") break;
      }
      return { body: now, affected: 1, detail: `job ${now.status}` };
    });
}
