// The `login_failures` table: one row per failed sign-in and key (`u:<name>`, `a:<address>`), so
// the sign-in limit counts across every console process that shares the store.
import "server-only";
import type { Db } from "./db";

/** The failures of `key` at or after `since`, oldest first (epoch ms). */
export async function failuresSince(db: Db, key: string, since: number): Promise<number[]> {
  const rows = (await db
    .prepare("SELECT t FROM login_failures WHERE key = ? AND t >= ? ORDER BY t")
    .all(key, since)) as { t: number }[];
  return rows.map((r) => r.t);
}

/** Records one failure under each key and deletes every row older than `expiredBefore`. */
export async function recordFailure(db: Db, keys: string[], now: number, expiredBefore: number): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.prepare("DELETE FROM login_failures WHERE t < ?").run(expiredBefore);
    const insert = tx.prepare("INSERT INTO login_failures (key, t) VALUES (?, ?)");
    for (const key of keys) await insert.run(key, now);
  });
}

export async function clearFailures(db: Db, key: string): Promise<void> {
  await db.prepare("DELETE FROM login_failures WHERE key = ?").run(key);
}

/** Tests only: every failure forgotten. */
export async function clearAllFailures(db: Db): Promise<void> {
  await db.prepare("DELETE FROM login_failures").run();
}
