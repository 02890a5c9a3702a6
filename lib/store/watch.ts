// The live TTL watch's tables: `watch_findings` (one row per key the watch holds as a violation)
// and `watch_status` (the watch's state per instance, written by the process that runs it).
// Findings seen before the start of the newest done scan are superseded by it: reads leave them
// out and `pruneFindings` deletes them. The table is capped per instance (FINDINGS_CAP, oldest go).
import "server-only";
import { displayKey } from "@/lib/keys/encoding";
import type { WatchFinding, WatchFindingClass, WatchStatus } from "@/lib/schemas/watch";
import { watchStatusSchema } from "@/lib/schemas/watch";
import type { Db } from "./db";

/** At most this many findings per instance: a flood of keys without TTL keeps the newest. */
export const FINDINGS_CAP = 10_000;

/** A key the watch holds as a violation. */
export interface Finding {
  keyBase64: string;
  class: WatchFindingClass;
  ttl: number;
  pattern: string | null;
  /** Milliseconds since the epoch: when the event was received. */
  seenAt: number;
  event: string;
  type: string;
  node?: string;
}

interface FindingRow {
  key_b64: string;
  class: string;
  ttl: number | null;
  pattern: string | null;
  seen_at: number;
  event: string;
  type: string | null;
  node: string | null;
}

function toFinding(row: FindingRow): WatchFinding {
  return {
    key: displayKey(Buffer.from(row.key_b64, "base64")),
    keyBase64: row.key_b64,
    class: row.class as WatchFindingClass,
    ttl: row.ttl ?? -1,
    pattern: row.pattern,
    seenAt: new Date(row.seen_at).toISOString(),
    event: row.event,
    type: row.type ?? "unknown",
    ...(row.node ? { node: row.node } : {}),
  };
}

/** Inserts or replaces findings and deletes cleared keys, in one transaction; then applies the cap. */
export async function writeFindings(
  db: Db,
  instanceId: string,
  add: Finding[],
  clear: string[],
): Promise<void> {
  if (add.length === 0 && clear.length === 0) return;
  await db.transaction(async (tx) => {
    const upsert = tx.prepare(
      `INSERT INTO watch_findings (instance_id, key_b64, class, ttl, pattern, seen_at, event, type, node)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(instance_id, key_b64) DO UPDATE SET class = excluded.class, ttl = excluded.ttl,
         pattern = excluded.pattern, seen_at = excluded.seen_at, event = excluded.event,
         type = excluded.type, node = excluded.node`,
    );
    const del = tx.prepare("DELETE FROM watch_findings WHERE instance_id = ? AND key_b64 = ?");
    for (const key of clear) await del.run(instanceId, key);
    for (const f of add)
      await upsert.run(
        instanceId,
        f.keyBase64,
        f.class,
        f.ttl,
        f.pattern,
        f.seenAt,
        f.event,
        f.type,
        f.node ?? null,
      );
    if (add.length > 0) await capFindings(tx, instanceId);
  });
}

async function capFindings(db: Db, instanceId: string): Promise<void> {
  const { n } = (await db
    .prepare("SELECT COUNT(*) AS n FROM watch_findings WHERE instance_id = ?")
    .get(instanceId)) as { n: number };
  if (n <= FINDINGS_CAP) return;
  await db
    .prepare(
      `DELETE FROM watch_findings WHERE instance_id = ? AND key_b64 IN (
         SELECT key_b64 FROM watch_findings WHERE instance_id = ? ORDER BY seen_at ASC LIMIT ?)`,
    )
    .run(instanceId, instanceId, n - FINDINGS_CAP);
}

/** Start (ms) of the newest done scan: findings seen before it are superseded. */
export async function supersededBefore(db: Db, instanceId: string): Promise<number> {
  const row = (await db
    .prepare(
      "SELECT started_at FROM scans WHERE instance = ? AND status = 'done' ORDER BY finished_at DESC LIMIT 1",
    )
    .get(instanceId)) as { started_at: string } | undefined;
  return row ? Date.parse(row.started_at) : 0;
}

/**
 * Where a finding still stands: seen since the newest done scan started, and (above standard) its
 * TTL not yet run out since it was read (the key has expired by then; the watch may not hear it).
 */
const CURRENT = `instance_id = ? AND seen_at >= ? AND (class = 'noTtl' OR ttl IS NULL OR seen_at + ttl * 1000 > ?)`;

/** The instance's current findings, newest first. */
export async function currentFindings(
  db: Db,
  instanceId: string,
  {
    now = Date.now(),
    limit = FINDINGS_CAP,
    cls,
  }: { now?: number; limit?: number; cls?: WatchFindingClass } = {},
): Promise<WatchFinding[]> {
  const since = await supersededBefore(db, instanceId);
  const rows = (await db
    .prepare(
      `SELECT key_b64, class, ttl, pattern, seen_at, event, type, node FROM watch_findings
       WHERE ${CURRENT} ${cls ? "AND class = ?" : ""} ORDER BY seen_at DESC LIMIT ?`,
    )
    .all(instanceId, since, now, ...(cls ? [cls] : []), limit)) as FindingRow[];
  return rows.map(toFinding);
}

/** Counts of current findings per class. */
export async function findingCounts(
  db: Db,
  instanceId: string,
  now = Date.now(),
): Promise<Record<WatchFindingClass, number>> {
  const since = await supersededBefore(db, instanceId);
  const rows = (await db
    .prepare(`SELECT class, COUNT(*) AS n FROM watch_findings WHERE ${CURRENT} GROUP BY class`)
    .all(instanceId, since, now)) as { class: string; n: number }[];
  const out: Record<WatchFindingClass, number> = { noTtl: 0, aboveStandard: 0 };
  for (const r of rows) if (r.class === "noTtl" || r.class === "aboveStandard") out[r.class] = r.n;
  return out;
}

/**
 * Current findings of a class NOT already in the newest done scan's stored list of that class,
 * per pattern: what the watch adds to the scan's counts (the alert, the Prometheus gauges).
 */
export async function addedToScan(
  db: Db,
  instanceId: string,
  cls: WatchFindingClass,
  now = Date.now(),
): Promise<{
  total: number;
  byPattern: Map<string, number>;
  firstSeenAt: number | null;
  lastSeenAt: number | null;
}> {
  const scan = (await db
    .prepare(
      "SELECT id, started_at FROM scans WHERE instance = ? AND status = 'done' ORDER BY finished_at DESC LIMIT 1",
    )
    .get(instanceId)) as { id: string; started_at: string } | undefined;
  const since = scan ? Date.parse(scan.started_at) : 0;
  // The keys the scan's list already holds (its JSON), so they are not counted twice.
  const listedKeys =
    db.dialect === "postgres"
      ? `SELECT j.value ->> 'keyBase64' FROM scans s, jsonb_array_elements(s.result::jsonb #> '{lists,${cls}}') j WHERE s.id = ?`
      : `SELECT json_extract(j.value, '$.keyBase64') FROM scans s, json_each(s.result, '$.lists.${cls}') j WHERE s.id = ?`;
  const notListed = scan ? `AND key_b64 NOT IN (${listedKeys})` : "";
  const rows = (await db
    .prepare(
      `SELECT pattern, COUNT(*) AS n, MIN(seen_at) AS first, MAX(seen_at) AS last FROM watch_findings
       WHERE ${CURRENT} AND class = ? ${notListed} GROUP BY pattern`,
    )
    .all(instanceId, since, now, cls, ...(scan ? [scan.id] : []))) as {
    pattern: string | null;
    n: number;
    first: number;
    last: number;
  }[];
  const byPattern = new Map<string, number>();
  let total = 0;
  let firstSeenAt: number | null = null;
  let lastSeenAt: number | null = null;
  for (const r of rows) {
    total += r.n;
    if (r.pattern) byPattern.set(r.pattern, r.n);
    firstSeenAt = Math.min(firstSeenAt ?? r.first, r.first);
    lastSeenAt = Math.max(lastSeenAt ?? 0, r.last);
  }
  return { total, byPattern, firstSeenAt, lastSeenAt };
}

/** Deletes findings a done scan superseded (seen before it started). */
export async function pruneFindings(db: Db, instanceId: string): Promise<number> {
  const before = await supersededBefore(db, instanceId);
  const result = await db
    .prepare("DELETE FROM watch_findings WHERE instance_id = ? AND seen_at < ?")
    .run(instanceId, before);
  return result.changes;
}

/** The keys of every finding of the instance (the watch's in-memory set at start). */
export async function findingKeys(db: Db, instanceId: string): Promise<string[]> {
  const rows = (await db
    .prepare("SELECT key_b64 FROM watch_findings WHERE instance_id = ?")
    .all(instanceId)) as {
    key_b64: string;
  }[];
  return rows.map((r) => r.key_b64);
}

/** A fingerprint that changes whenever the instance's findings change (for read caches). */
export async function findingsVersion(db: Db, instanceId: string): Promise<string> {
  const row = (await db
    .prepare(
      "SELECT COUNT(*) AS n, MAX(seen_at) AS last, SUM(seen_at % 997) AS s FROM watch_findings WHERE instance_id = ?",
    )
    .get(instanceId)) as { n: number; last: number | null; s: number | null };
  return `${row.n}:${row.last ?? 0}:${row.s ?? 0}`;
}

export async function writeWatchStatus(db: Db, status: WatchStatus, now = Date.now()): Promise<void> {
  await db
    .prepare(
      `INSERT INTO watch_status (instance_id, updated_at, body) VALUES (?, ?, ?)
       ON CONFLICT(instance_id) DO UPDATE SET updated_at = excluded.updated_at, body = excluded.body`,
    )
    .run(status.id, now, JSON.stringify(status));
}

export async function readWatchStatus(
  db: Db,
  instanceId: string,
): Promise<{ updatedAt: number; status: WatchStatus } | undefined> {
  const row = (await db
    .prepare("SELECT updated_at, body FROM watch_status WHERE instance_id = ?")
    .get(instanceId)) as { updated_at: number; body: string } | undefined;
  if (!row) return undefined;
  const parsed = watchStatusSchema.safeParse(JSON.parse(row.body));
  return parsed.success ? { updatedAt: row.updated_at, status: parsed.data } : undefined;
}
