// The `sessions` table: one row per browser sign-in. The cookie carries a random session id; the
// table keys rows by its SHA-256, so a copy of the store cannot be turned into cookies. Signing in
// inserts a row, each request reads it (and moves last_seen at most once a minute), signing out
// revokes it; start-up revokes the sessions of users no longer in the users file and prunes rows
// that can never be used again. Times are epoch milliseconds. Liveness rules live in lib/auth/session.ts.
import "server-only";
import type { Db } from "./db";

export type RevokeReason = "signed_out" | "user_removed";

export interface StoredSession {
  idHash: string;
  username: string;
  createdAt: number;
  lastSeen: number;
  /** The absolute end (sign-in + 12 h), whatever the activity. */
  expiresAt: number;
  revokedAt: number | null;
  revokeReason: string | null;
}

interface SessionRow {
  id_hash: string;
  username: string;
  created_at: number;
  last_seen: number;
  expires_at: number;
  revoked_at: number | null;
  revoke_reason: string | null;
}

export async function insertSession(
  db: Db,
  s: { idHash: string; username: string; createdAt: number; expiresAt: number },
): Promise<void> {
  await db
    .prepare(
      `INSERT INTO sessions (id_hash, username, created_at, last_seen, expires_at)
       VALUES (?, ?, ?, ?, ?)`,
    )
    .run(s.idHash, s.username, s.createdAt, s.createdAt, s.expiresAt);
}

const COLUMNS = "id_hash, username, created_at, last_seen, expires_at, revoked_at, revoke_reason";

function toSession(row: SessionRow): StoredSession {
  return {
    idHash: row.id_hash,
    username: row.username,
    createdAt: row.created_at,
    lastSeen: row.last_seen,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    revokeReason: row.revoke_reason,
  };
}

export async function findSession(db: Db, idHash: string): Promise<StoredSession | undefined> {
  const row = (await db.prepare(`SELECT ${COLUMNS} FROM sessions WHERE id_hash = ?`).get(idHash)) as
    SessionRow | undefined;
  return row ? toSession(row) : undefined;
}

/**
 * Moves last_seen to `now` if it is at least `minIntervalMs` old and the session is not revoked;
 * true when it did. The condition is in the statement, so concurrent requests write once.
 */
export async function touchSession(
  db: Db,
  idHash: string,
  now: number,
  minIntervalMs: number,
): Promise<boolean> {
  const result = await db
    .prepare(
      `UPDATE sessions SET last_seen = ?
       WHERE id_hash = ? AND revoked_at IS NULL AND last_seen <= ?`,
    )
    .run(now, idHash, now - minIntervalMs);
  return result.changes === 1;
}

/** Revokes one session; true when it was live (not already revoked). */
export async function revokeSession(
  db: Db,
  idHash: string,
  now: number,
  reason: RevokeReason,
): Promise<boolean> {
  const result = await db
    .prepare("UPDATE sessions SET revoked_at = ?, revoke_reason = ? WHERE id_hash = ? AND revoked_at IS NULL")
    .run(now, reason, idHash);
  return result.changes === 1;
}

/** Revokes every unrevoked session whose user is not in `usernames`; answers how many. */
export async function revokeSessionsOfOtherUsers(
  db: Db,
  usernames: readonly string[],
  now: number,
  reason: RevokeReason,
): Promise<number> {
  // One placeholder per name; with no names at all (SSO only) every live session goes.
  const keep = usernames.length > 0 ? `AND username NOT IN (${usernames.map(() => "?").join(", ")})` : "";
  const result = await db
    .prepare(`UPDATE sessions SET revoked_at = ?, revoke_reason = ? WHERE revoked_at IS NULL ${keep}`)
    .run(now, reason, ...usernames);
  return result.changes;
}

/**
 * Deletes the rows that can never authenticate again: revoked, past their absolute end, or idle
 * for longer than `idleMs`. An unknown id is refused like a revoked one, so nothing is lost.
 */
export async function pruneSessions(db: Db, now: number, idleMs: number): Promise<number> {
  const result = await db
    .prepare("DELETE FROM sessions WHERE revoked_at IS NOT NULL OR expires_at <= ? OR last_seen < ?")
    .run(now, now - idleMs);
  return result.changes;
}

/** Every row of one user, live or not, oldest first (tests and diagnostics). */
export async function sessionsOf(db: Db, username: string): Promise<StoredSession[]> {
  const rows = (await db
    .prepare(`SELECT ${COLUMNS} FROM sessions WHERE username = ? ORDER BY created_at, id_hash`)
    .all(username)) as SessionRow[];
  return rows.map(toSession);
}
