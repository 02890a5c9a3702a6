// The `audit_log` table: append-only (triggers refuse UPDATE and DELETE), each row chained to the
// previous by SHA-256 (audit-chain.ts). An append reads the head and inserts after it in one
// transaction that holds the store's write lock from its start, so two writers, even two processes
// or replicas on one store, cannot both chain to the same head; it commits durably so an entry
// acknowledged to a caller survives a crash.
import "server-only";
import { entryHash, GENESIS_HASH, verifyChainAsync, type ChainRow, type ChainVerdict } from "./audit-chain";
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
 * Appends entries in order, in one durable transaction, and answers them with their ids and hashes.
 * Throws whatever the store throws (busy, disk full, read-only file): the caller decides.
 */
export async function appendAuditEntries(db: Db, entries: NewAuditEntry[]): Promise<AuditEntry[]> {
  return db.transaction(
    async (tx) => {
      const last = (await tx.prepare("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").get()) as
        { id: number; hash: string } | undefined;
      const insert = tx.prepare(
        `INSERT INTO audit_log (id, at, kind, intent_id, actor, role, auth_method, source, instance, action, params,
           target_count, sample, reason, outcome, affected, duration_ms, detail, hash, prev_hash)
         VALUES (@id, @at, @kind, @intentId, @actor, @role, @authMethod, @source, @instance, @action, @params,
           @targetCount, @sample, @reason, @outcome, @affected, @durationMs, @detail, @hash, @prevHash)`,
      );
      let id = last?.id ?? 0;
      let prevHash = last?.hash ?? GENESIS_HASH;
      const stored: AuditEntry[] = [];
      for (const e of entries) {
        id++;
        const intentId = e.intentId === "previous" ? id - 1 : e.intentId;
        const entry = { id, ...e, intentId, sample: [...e.sample] };
        const hash = entryHash(contentOf(entry), prevHash);
        await insert.run({
          ...entry,
          params: JSON.stringify(e.params),
          sample: JSON.stringify(e.sample),
          hash,
          prevHash,
        });
        stored.push({ ...entry, hash, prevHash });
        prevHash = hash;
      }
      return stored;
    },
    { durable: true },
  );
}

export async function getAuditEntry(db: Db, id: number): Promise<AuditEntry | undefined> {
  const row = (await db.prepare("SELECT * FROM audit_log WHERE id = ?").get(id)) as AuditRow | undefined;
  return row ? toEntry(row) : undefined;
}

/** The outcome row of an intent, if written. */
export async function outcomeOf(db: Db, intentId: number): Promise<AuditEntry | undefined> {
  const row = (await db
    .prepare("SELECT * FROM audit_log WHERE kind = 'outcome' AND intent_id = ? ORDER BY id LIMIT 1")
    .get(intentId)) as AuditRow | undefined;
  return row ? toEntry(row) : undefined;
}

/** Newest first, filtered. */
export async function listAuditEntries(db: Db, q: Omit<AuditQuery, "format">): Promise<AuditEntry[]> {
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
  return ((await db.prepare(sql).all(...args, q.limit)) as AuditRow[]).map(toEntry);
}

/** Intents with no outcome row (their process stopped mid-action), oldest first. */
export async function openIntents(db: Db): Promise<AuditEntry[]> {
  const rows = (await db
    .prepare(
      `SELECT i.* FROM audit_log i WHERE i.kind = 'intent'
         AND NOT EXISTS (SELECT 1 FROM audit_log o WHERE o.kind = 'outcome' AND o.intent_id = i.id)
       ORDER BY i.id`,
    )
    .all()) as AuditRow[];
  return rows.map(toEntry);
}

/** Rows read per page of the chain walk: the whole log is never held in memory at once. */
const CHAIN_PAGE = 1000;

async function* chainRows(db: Db): AsyncGenerator<ChainRow> {
  const page = db.prepare("SELECT * FROM audit_log WHERE id > ? ORDER BY id LIMIT ?");
  let after = 0;
  for (;;) {
    const rows = (await page.all(after, CHAIN_PAGE)) as AuditRow[];
    for (const row of rows) yield chainRow(row);
    const last = rows.at(-1);
    if (!last || rows.length < CHAIN_PAGE) return;
    after = last.id;
  }
}

function chainRow(row: AuditRow): ChainRow {
  let entry: AuditEntry;
  try {
    entry = toEntry(row);
  } catch {
    // Unparseable JSON in a column: it cannot hash to what was stored.
    return { id: row.id, hash: row.hash, prevHash: row.prev_hash, content: { corrupt: row.params } };
  }
  const { hash, prevHash, ...content } = entry;
  return { id: row.id, hash, prevHash, content: contentOf(content) };
}

/** Walks the whole chain, a page at a time; names the first broken entry. */
export async function verifyAuditLog(db: Db): Promise<ChainVerdict> {
  return verifyChainAsync(chainRows(db));
}

/** Every action name in the log (for the audit page's filter). */
export async function auditActionNames(db: Db): Promise<string[]> {
  const rows = (await db.prepare("SELECT DISTINCT action FROM audit_log ORDER BY action").all()) as {
    action: string;
  }[];
  return rows.map((r) => r.action);
}
