// The `audit_log` table: append-only (triggers refuse UPDATE and DELETE), each row chained to the
// previous by SHA-256 (audit-chain.ts). Appends take the write lock first (BEGIN IMMEDIATE)
// so two writers, even two processes on one data directory, cannot both chain to the same head,
// and commit with synchronous=FULL so an entry acknowledged to a caller survives a crash.
import "server-only";
import { entryHash, GENESIS_HASH, verifyChain, type ChainRow, type ChainVerdict } from "./audit-chain";
import type { AuditEntry, AuditKind, AuditOutcome, AuditQuery } from "@/lib/schemas/audit";
import type { Db } from "./db";

interface AuditRow {
  id: number;
  at: string;
  kind: string;
  intent_id: number | null;
  actor: string;
  role: string;
  auth_method: string;
  source: string;
  instance: string;
  action: string;
  params: string;
  target_count: number | null;
  sample: string;
  reason: string | null;
  outcome: string | null;
  affected: number | null;
  duration_ms: number | null;
  detail: string | null;
  hash: string;
  prev_hash: string;
}

/** What a caller appends; id, hash and prevHash are the table's. */
export interface NewAuditEntry {
  at: string;
  kind: AuditKind;
  /** "previous": the entry before this one in the same append (an intent and its outcome at once). */
  intentId: number | null | "previous";
  actor: string;
  role: string;
  authMethod: string;
  source: string;
  instance: string;
  action: string;
  params: Record<string, unknown>;
  targetCount: number | null;
  sample: string[];
  reason: string | null;
  outcome: AuditOutcome | null;
  affected: number | null;
  durationMs: number | null;
  detail: string | null;
}

/** The hashed content of an entry: every field but hash and prevHash. */
function contentOf(e: Omit<AuditEntry, "hash" | "prevHash">): Record<string, unknown> {
  return { ...e };
}

function toEntry(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    kind: row.kind as AuditKind,
    intentId: row.intent_id,
    actor: row.actor,
    role: row.role,
    authMethod: row.auth_method,
    source: row.source,
    instance: row.instance,
    action: row.action,
    params: JSON.parse(row.params) as Record<string, unknown>,
    targetCount: row.target_count,
    sample: JSON.parse(row.sample) as string[],
    reason: row.reason,
    outcome: row.outcome as AuditOutcome | null,
    affected: row.affected,
    durationMs: row.duration_ms,
    detail: row.detail,
    hash: row.hash,
    prevHash: row.prev_hash,
  };
}

/**
 * Appends entries in order, in one transaction, and answers them with their ids and hashes.
 * Throws whatever SQLite throws (busy, disk full, read-only file): the caller decides.
 */
export function appendAuditEntries(db: Db, entries: NewAuditEntry[]): AuditEntry[] {
  const head = db.prepare("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1");
  const insert = db.prepare(
    `INSERT INTO audit_log (id, at, kind, intent_id, actor, role, auth_method, source, instance, action, params,
       target_count, sample, reason, outcome, affected, duration_ms, detail, hash, prev_hash)
     VALUES (@id, @at, @kind, @intentId, @actor, @role, @authMethod, @source, @instance, @action, @params,
       @targetCount, @sample, @reason, @outcome, @affected, @durationMs, @detail, @hash, @prevHash)`,
  );
  const append = db.transaction((batch: NewAuditEntry[]) => {
    const last = head.get() as { id: number; hash: string } | undefined;
    let id = last?.id ?? 0;
    let prevHash = last?.hash ?? GENESIS_HASH;
    return batch.map((e) => {
      id++;
      const intentId = e.intentId === "previous" ? id - 1 : e.intentId;
      const entry = { id, ...e, intentId, sample: [...e.sample] };
      const hash = entryHash(contentOf(entry), prevHash);
      insert.run({
        ...entry,
        params: JSON.stringify(e.params),
        sample: JSON.stringify(e.sample),
        hash,
        prevHash,
      });
      const stored: AuditEntry = { ...entry, hash, prevHash };
      prevHash = hash;
      return stored;
    });
  });
  const previous = db.pragma("synchronous", { simple: true }) as number;
  db.pragma("synchronous = FULL");
  try {
    return append.immediate(entries);
  } finally {
    db.pragma(`synchronous = ${previous}`);
  }
}

export function getAuditEntry(db: Db, id: number): AuditEntry | undefined {
  const row = db.prepare("SELECT * FROM audit_log WHERE id = ?").get(id) as AuditRow | undefined;
  return row ? toEntry(row) : undefined;
}

/** The outcome row of an intent, if written. */
export function outcomeOf(db: Db, intentId: number): AuditEntry | undefined {
  const row = db
    .prepare("SELECT * FROM audit_log WHERE kind = 'outcome' AND intent_id = ? ORDER BY id LIMIT 1")
    .get(intentId) as AuditRow | undefined;
  return row ? toEntry(row) : undefined;
}

/** Newest first, filtered. */
export function listAuditEntries(db: Db, q: Omit<AuditQuery, "format">): AuditEntry[] {
  const where: string[] = [];
  const args: (string | number)[] = [];
  const eq = (column: string, value: string | number | undefined) => {
    if (value === undefined || value === "") return;
    where.push(`${column} = ?`);
    args.push(value);
  };
  eq("instance", q.instance);
  eq("actor", q.actor);
  eq("action", q.action);
  eq("outcome", q.outcome);
  if (q.since !== undefined) {
    where.push("at >= ?");
    args.push(new Date(q.since).toISOString());
  }
  if (q.before !== undefined) {
    where.push("id < ?");
    args.push(q.before);
  }
  const sql = `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ?`;
  return (db.prepare(sql).all(...args, q.limit) as AuditRow[]).map(toEntry);
}

/** Intents with no outcome row (their process stopped mid-action), oldest first. */
export function openIntents(db: Db): AuditEntry[] {
  return (
    db
      .prepare(
        `SELECT i.* FROM audit_log i WHERE i.kind = 'intent'
           AND NOT EXISTS (SELECT 1 FROM audit_log o WHERE o.kind = 'outcome' AND o.intent_id = i.id)
         ORDER BY i.id`,
      )
      .all() as AuditRow[]
  ).map(toEntry);
}

function* chainRows(db: Db): Generator<ChainRow> {
  for (const row of db.prepare("SELECT * FROM audit_log ORDER BY id").iterate() as Iterable<AuditRow>) {
    let entry: AuditEntry;
    try {
      entry = toEntry(row);
    } catch {
      // Unparseable JSON in a column: it cannot hash to what was stored.
      yield { id: row.id, hash: row.hash, prevHash: row.prev_hash, content: { corrupt: row.params } };
      continue;
    }
    const { hash, prevHash, ...content } = entry;
    yield { id: row.id, hash, prevHash, content: contentOf(content) };
  }
}

/** Walks the whole chain; names the first broken entry. */
export function verifyAuditLog(db: Db): ChainVerdict {
  return verifyChain(chainRows(db));
}

/** Every action name in the log (for the audit page's filter). */
export function auditActionNames(db: Db): string[] {
  return (
    db.prepare("SELECT DISTINCT action FROM audit_log ORDER BY action").all() as { action: string }[]
  ).map((r) => r.action);
}
