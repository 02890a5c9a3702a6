// The `scans` table: one row per keyspace scan job, its progress while running and its result
// (JSON) once done. The scanner writes here; the TTL and review pages, the overview's
// "keys without TTL" alert and the API read from here.
import "server-only";
import {
  scanChangesSchema,
  scanResultSchema,
  type ScanClasses,
  type ScanJob,
  type ScanMode,
  type ScanProgress,
  type ScanResult,
  type ScanStatus,
  type ScanSummary,
  type ScanTrigger,
} from "@/lib/schemas/scans";
import type { Db } from "./db";

interface ScanRow {
  id: string;
  instance: string;
  match: string;
  mode: string;
  trigger: string;
  status: string;
  started_at: string;
  finished_at: string | null;
  scanned: number;
  total: number;
  keys_per_second: number;
  error: string | null;
  keys: number | null;
  bytes: number | null;
  duration_ms: number | null;
  classes: string | null;
  started_by: string | null;
  changes: string | null;
  result?: string | null;
}

const SUMMARY_COLUMNS =
  "id, instance, match, mode, trigger, status, started_at, finished_at, scanned, total, keys_per_second, error, keys, bytes, duration_ms, classes, started_by, changes";

export interface NewScan {
  id: string;
  instance: string;
  match: string;
  mode: ScanMode;
  trigger: ScanTrigger;
  startedAt: string;
  /** DBSIZE at the start. */
  total: number;
  /** The actor who started it; absent for scheduled scans. */
  startedBy?: string;
}

export async function insertScan(db: Db, scan: NewScan): Promise<void> {
  await db
    .prepare(
      `INSERT INTO scans (id, instance, match, mode, trigger, status, started_at, scanned, total, keys_per_second, started_by)
       VALUES (?, ?, ?, ?, ?, 'running', ?, 0, ?, 0, ?)`,
    )
    .run(
      scan.id,
      scan.instance,
      scan.match,
      scan.mode,
      scan.trigger,
      scan.startedAt,
      scan.total,
      scan.startedBy ?? null,
    );
}

export async function updateScanProgress(db: Db, id: string, progress: ScanProgress): Promise<void> {
  await db
    .prepare(
      "UPDATE scans SET scanned = ?, total = ?, keys_per_second = ? WHERE id = ? AND status = 'running'",
    )
    .run(progress.scanned, progress.total, progress.keysPerSecond, id);
}

export interface ScanOutcome {
  status: Exclude<ScanStatus, "running">;
  finishedAt: string;
  progress: ScanProgress;
  error?: string;
  result?: ScanResult;
}

export async function finishScan(db: Db, id: string, outcome: ScanOutcome): Promise<void> {
  const r = outcome.result;
  await db
    .prepare(
      `UPDATE scans SET status = ?, finished_at = ?, scanned = ?, total = ?, keys_per_second = ?, error = ?,
         keys = ?, bytes = ?, duration_ms = ?, classes = ?, result = ?
       WHERE id = ?`,
    )
    .run(
      outcome.status,
      outcome.finishedAt,
      outcome.progress.scanned,
      outcome.progress.total,
      outcome.progress.keysPerSecond,
      outcome.error ?? null,
      r?.keys ?? null,
      r?.bytes ?? null,
      r?.durationMs ?? null,
      r ? JSON.stringify(r.classes) : null,
      r ? JSON.stringify(r) : null,
      id,
    );
}

/** Scans a previous process left "running" can never finish: mark them failed (called at start-up). */
export async function failInterruptedScans(db: Db, now: string): Promise<number> {
  const { changes } = await db
    .prepare(
      "UPDATE scans SET status = 'failed', finished_at = ?, error = 'the console stopped during the scan' WHERE status = 'running'",
    )
    .run(now);
  return changes;
}

function progressOf(row: ScanRow): ScanProgress {
  const fraction = row.status === "done" ? 1 : row.total > 0 ? Math.min(1, row.scanned / row.total) : 0;
  return { scanned: row.scanned, total: row.total, fraction, keysPerSecond: row.keys_per_second };
}

function toSummary(row: ScanRow): ScanSummary {
  return {
    id: row.id,
    instance: row.instance,
    match: row.match,
    mode: row.mode as ScanMode,
    trigger: row.trigger as ScanTrigger,
    ...(row.started_by ? { startedBy: row.started_by } : {}),
    status: row.status as ScanStatus,
    startedAt: row.started_at,
    ...(row.finished_at ? { finishedAt: row.finished_at } : {}),
    progress: progressOf(row),
    ...(row.error ? { error: row.error } : {}),
    ...(row.changes ? { changedSinceScan: scanChangesSchema.parse(JSON.parse(row.changes)) } : {}),
    ...(row.classes
      ? {
          summary: {
            keys: row.keys ?? 0,
            bytes: row.bytes ?? 0,
            durationMs: row.duration_ms ?? 0,
            classes: JSON.parse(row.classes) as ScanClasses,
          },
        }
      : {}),
  };
}

function toJob(row: ScanRow): ScanJob {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { summary, ...job } = toSummary(row);
  return row.result ? { ...job, result: scanResultSchema.parse(JSON.parse(row.result)) } : job;
}

/** The order scans were inserted in, breaking ties between scans of the same millisecond. */
function insertionOrder(db: Db): string {
  return db.dialect === "postgres" ? "seq" : "rowid";
}

export async function getScan(db: Db, id: string): Promise<ScanJob | undefined> {
  const row = (await db.prepare(`SELECT ${SUMMARY_COLUMNS}, result FROM scans WHERE id = ?`).get(id)) as
    ScanRow | undefined;
  return row ? toJob(row) : undefined;
}

/** Newest first, without results. */
export async function listScans(db: Db, instanceId: string, limit = 50): Promise<ScanSummary[]> {
  const rows = (await db
    .prepare(
      `SELECT ${SUMMARY_COLUMNS} FROM scans WHERE instance = ? ORDER BY started_at DESC, ${insertionOrder(db)} DESC LIMIT ?`,
    )
    .all(instanceId, limit)) as ScanRow[];
  return rows.map(toSummary);
}

/** The running scan of an instance, if any. */
export async function runningScan(db: Db, instanceId: string): Promise<ScanSummary | undefined> {
  const row = (await db
    .prepare(
      `SELECT ${SUMMARY_COLUMNS} FROM scans WHERE instance = ? AND status = 'running' ORDER BY started_at DESC LIMIT 1`,
    )
    .get(instanceId)) as ScanRow | undefined;
  return row ? toSummary(row) : undefined;
}

/** The newest finished scan with its result (the TTL page, the overview's no-TTL alert). */
export async function latestDoneScan(db: Db, instanceId: string): Promise<ScanJob | undefined> {
  const row = (await db
    .prepare(
      `SELECT ${SUMMARY_COLUMNS}, result FROM scans WHERE instance = ? AND status = 'done' ORDER BY finished_at DESC LIMIT 1`,
    )
    .get(instanceId)) as ScanRow | undefined;
  return row ? toJob(row) : undefined;
}

/**
 * Adjusts the instance's newest finished scan (lists, totals, classes, per-pattern counts) with
 * `apply`, atomically, and adds its counts to the scan's `changes` mark. Answers the scan id when
 * something changed.
 */
export async function adjustLatestScan(
  db: Db,
  instanceId: string,
  at: string,
  apply: (result: ScanResult, match: string) => { result: ScanResult; fixed: number; deleted: number },
): Promise<string | undefined> {
  return db.transaction(async (tx) => {
    const row = (await tx
      .prepare(
        `SELECT id, match, result, changes FROM scans WHERE instance = ? AND status = 'done' AND result IS NOT NULL
         ORDER BY finished_at DESC LIMIT 1`,
      )
      .get(instanceId)) as { id: string; match: string; result: string; changes: string | null } | undefined;
    if (!row) return undefined;
    const next = apply(scanResultSchema.parse(JSON.parse(row.result)), row.match);
    if (next.fixed + next.deleted === 0) return undefined;
    const prev = row.changes ? scanChangesSchema.parse(JSON.parse(row.changes)) : { fixed: 0, deleted: 0 };
    const changes = { fixed: prev.fixed + next.fixed, deleted: prev.deleted + next.deleted, at };
    await tx
      .prepare("UPDATE scans SET result = ?, classes = ?, changes = ? WHERE id = ?")
      .run(JSON.stringify(next.result), JSON.stringify(next.result.classes), JSON.stringify(changes), row.id);
    return row.id;
  });
}

/** The newest finished scan's counts per pattern, without its key lists (the Prometheus endpoint reads this per scrape). */
export async function latestDoneScanCounts(
  db: Db,
  instanceId: string,
): Promise<{ summary: ScanSummary; patterns: ScanResult["patterns"] } | undefined> {
  const patternsJson =
    db.dialect === "postgres" ? "(result::jsonb -> 'patterns')::text" : "json_extract(result, '$.patterns')";
  const row = (await db
    .prepare(
      `SELECT ${SUMMARY_COLUMNS}, ${patternsJson} AS patterns FROM scans
       WHERE instance = ? AND status = 'done' ORDER BY finished_at DESC LIMIT 1`,
    )
    .get(instanceId)) as (ScanRow & { patterns: string | null }) | undefined;
  if (!row) return undefined;
  const patterns = row.patterns ? scanResultSchema.shape.patterns.parse(JSON.parse(row.patterns)) : [];
  return { summary: toSummary(row), patterns };
}

/** The finished scan whose start is nearest `isoTime` (the review's week-over-week change). */
export async function scanClosestTo(
  db: Db,
  instanceId: string,
  isoTime: string,
): Promise<ScanJob | undefined> {
  const distance =
    db.dialect === "postgres"
      ? "ABS(EXTRACT(EPOCH FROM started_at::timestamptz - ?::timestamptz))"
      : "ABS(julianday(started_at) - julianday(?))";
  const row = (await db
    .prepare(
      `SELECT ${SUMMARY_COLUMNS}, result FROM scans WHERE instance = ? AND status = 'done'
       ORDER BY ${distance} ASC LIMIT 1`,
    )
    .get(instanceId, isoTime)) as ScanRow | undefined;
  return row ? toJob(row) : undefined;
}

/**
 * Bounds the table: lists (most of a result's size) are kept for the newest `keepFull` finished
 * scans of the instance only; older results keep counts, patterns and biggest keys (what the
 * week-over-week review needs); scans started before `deleteBefore` go entirely.
 */
export async function pruneScans(
  db: Db,
  instanceId: string,
  { keepFull, deleteBefore }: { keepFull: number; deleteBefore: string },
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .prepare("DELETE FROM scans WHERE instance = ? AND status != 'running' AND started_at < ?")
      .run(instanceId, deleteBefore);
    const empty = '{"noTtl":[],"aboveStandard":[],"unknownPattern":[],"foreign":[],"possiblePii":[]}';
    const lists = ["noTtl", "aboveStandard", "unknownPattern", "foreign", "possiblePii"];
    const [emptied, listed] =
      db.dialect === "postgres"
        ? [
            `(jsonb_set(result::jsonb, '{lists}', '${empty}'::jsonb))::text`,
            lists.map((l) => `jsonb_array_length(result::jsonb #> '{lists,${l}}')`).join(" + "),
          ]
        : [
            `json_set(result, '$.lists', json('${empty}'))`,
            lists.map((l) => `json_array_length(result, '$.lists.${l}')`).join(" + "),
          ];
    await tx
      .prepare(
        `UPDATE scans SET result = ${emptied}
       WHERE instance = ? AND status = 'done' AND result IS NOT NULL AND ${listed} > 0
         AND id NOT IN (SELECT id FROM scans WHERE instance = ? AND status = 'done' ORDER BY finished_at DESC LIMIT ?)`,
      )
      .run(instanceId, instanceId, keepFull);
  });
}

/** What the scan-based alerts need of a finished scan (no lists). */
export interface ScanOutcomeRow {
  id: string;
  status: ScanStatus;
  finishedAt: string;
  error: string | null;
  noTtl: number;
  /** Keys the scan could not read (0 for failed scans and results stored before it was counted). */
  unknown: number;
  /** The first reason it could not read them. */
  problem: string | null;
}

/** The instance's newest finished scans, newest first. */
export async function recentScanOutcomes(db: Db, instanceId: string, limit = 50): Promise<ScanOutcomeRow[]> {
  const fields =
    db.dialect === "postgres"
      ? `(classes::jsonb ->> 'noTtl')::bigint AS no_ttl,
         (result::jsonb ->> 'unknown')::bigint AS unknown,
         result::jsonb #>> '{problems,0,message}' AS problem`
      : `json_extract(classes, '$.noTtl') AS no_ttl,
         json_extract(result, '$.unknown') AS unknown,
         json_extract(result, '$.problems[0].message') AS problem`;
  const rows = (await db
    .prepare(
      `SELECT id, status, finished_at, error, ${fields}
       FROM scans WHERE instance = ? AND status != 'running' AND finished_at IS NOT NULL
       ORDER BY finished_at DESC, ${insertionOrder(db)} DESC LIMIT ?`,
    )
    .all(instanceId, limit)) as {
    id: string;
    status: string;
    finished_at: string;
    error: string | null;
    no_ttl: number | null;
    unknown: number | null;
    problem: string | null;
  }[];
  return rows.map((r) => ({
    id: r.id,
    status: r.status as ScanStatus,
    finishedAt: r.finished_at,
    error: r.error,
    noTtl: r.no_ttl ?? 0,
    unknown: r.unknown ?? 0,
    problem: r.problem,
  }));
}

/**
 * What identifies the newest finished scan's state: its id, when it finished and its adjustments.
 * It changes whenever a scan finishes or is adjusted; "||" when none finished.
 */
export async function latestFinishedScanVersion(db: Db, instanceId: string): Promise<string> {
  const scan = (await db
    .prepare(
      `SELECT id, finished_at, changes FROM scans WHERE instance = ? AND status != 'running' AND finished_at IS NOT NULL ORDER BY finished_at DESC, ${insertionOrder(db)} DESC LIMIT 1`,
    )
    .get(instanceId)) as { id: string; finished_at: string; changes: string | null } | undefined;
  return `${scan?.id ?? ""}|${scan?.finished_at ?? ""}|${scan?.changes ?? ""}`;
}
