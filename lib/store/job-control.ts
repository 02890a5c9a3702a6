// The `job_control` table: scans and bulk jobs running in some console process, so every process
// sharing the store sees them and can stop them. The running process beats every second
// (heartbeat_at, and for a bulk job its progress as JSON); a cancel asked of another process is a
// request the running one picks up at its next beat. A job whose beats stopped (its process died)
// is abandoned: its scan is marked failed, its row goes.
import "server-only";
import type { Db } from "./db";

/** A scan, a bulk action job, or a guarded action between its audit intent and outcome. */
export type JobKind = "scan" | "action" | "intent";

/** Without a beat for this long, the process running a job is taken for dead. */
export const JOB_ALIVE_MS = 15_000;

export interface JobControl {
  id: string;
  kind: JobKind;
  instanceId: string;
  owner: string;
  heartbeatAt: number;
  body: unknown;
  cancelRequestedBy: string | null;
}

interface Row {
  id: string;
  kind: string;
  instance_id: string;
  owner: string;
  heartbeat_at: number;
  body: string | null;
  cancel_requested_by: string | null;
}

const toControl = (r: Row): JobControl => ({
  id: r.id,
  kind: r.kind as JobKind,
  instanceId: r.instance_id,
  owner: r.owner,
  heartbeatAt: r.heartbeat_at,
  body: r.body === null ? null : (JSON.parse(r.body) as unknown),
  cancelRequestedBy: r.cancel_requested_by,
});

export async function registerJob(
  db: Db,
  job: { id: string; kind: JobKind; instanceId: string; owner: string; now: number; body?: unknown },
): Promise<void> {
  await db
    .prepare(
      `INSERT INTO job_control (id, kind, instance_id, owner, heartbeat_at, body) VALUES (?, ?, ?, ?, ?, ?)`,
    )
    .run(job.id, job.kind, job.instanceId, job.owner, job.now, job.body === undefined ? null : JSON.stringify(job.body));
}

/** The running process's beat (with a bulk job's progress); answers who asked to cancel, if anyone. */
export async function beatJob(db: Db, id: string, now: number, body?: unknown): Promise<string | null> {
  if (body === undefined) await db.prepare("UPDATE job_control SET heartbeat_at = ? WHERE id = ?").run(now, id);
  else
    await db
      .prepare("UPDATE job_control SET heartbeat_at = ?, body = ? WHERE id = ?")
      .run(now, JSON.stringify(body), id);
  const row = (await db.prepare("SELECT cancel_requested_by FROM job_control WHERE id = ?").get(id)) as
    | { cancel_requested_by: string | null }
    | undefined;
  return row?.cancel_requested_by ?? null;
}

/** Asks the process running the job to stop it; false when no live job has that id. */
export async function requestJobCancel(db: Db, id: string, by: string, now: number): Promise<boolean> {
  const { changes } = await db
    .prepare(
      "UPDATE job_control SET cancel_requested_by = COALESCE(cancel_requested_by, ?) WHERE id = ? AND heartbeat_at >= ?",
    )
    .run(by, id, now - JOB_ALIVE_MS);
  return changes === 1;
}

/** The job's control row while its process is alive. */
export async function liveJob(db: Db, id: string, now: number): Promise<JobControl | undefined> {
  const row = (await db
    .prepare("SELECT * FROM job_control WHERE id = ? AND heartbeat_at >= ?")
    .get(id, now - JOB_ALIVE_MS)) as Row | undefined;
  return row ? toControl(row) : undefined;
}

/** The instance's jobs of `kind` whose processes are alive. */
export async function liveJobsOf(db: Db, kind: JobKind, instanceId: string, now: number): Promise<JobControl[]> {
  const rows = (await db
    .prepare("SELECT * FROM job_control WHERE kind = ? AND instance_id = ? AND heartbeat_at >= ?")
    .all(kind, instanceId, now - JOB_ALIVE_MS)) as Row[];
  return rows.map(toControl);
}

/** The ids of every job whose process is alive. */
export async function liveJobIds(db: Db, now: number): Promise<Set<string>> {
  const rows = (await db.prepare("SELECT id FROM job_control WHERE heartbeat_at >= ?").all(now - JOB_ALIVE_MS)) as {
    id: string;
  }[];
  return new Set(rows.map((r) => r.id));
}

export async function finishJob(db: Db, id: string): Promise<void> {
  await db.prepare("DELETE FROM job_control WHERE id = ?").run(id);
}

/**
 * Scans still "running" whose process is gone (no live control row) become failed, and the
 * abandoned rows go; answers how many scans. Safe while other processes run scans: theirs beat.
 */
export async function failAbandonedScans(db: Db, now: number): Promise<number> {
  return db.transaction(async (tx) => {
    const { changes } = await tx
      .prepare(
        `UPDATE scans SET status = 'failed', finished_at = ?, error = 'the console process running the scan stopped'
         WHERE status = 'running' AND id NOT IN (SELECT id FROM job_control WHERE kind = 'scan' AND heartbeat_at >= ?)`,
      )
      .run(new Date(now).toISOString(), now - JOB_ALIVE_MS);
    await tx.prepare("DELETE FROM job_control WHERE heartbeat_at < ?").run(now - JOB_ALIVE_MS);
    return changes;
  });
}
