// The `sampler_leases` table: which process samples an instance. One owner per instance per store;
// the owner renews its lease every sample, and another process takes over only once the lease has
// expired (its owner stopped or hung) or was given back. `sampler_processes`: the processes
// sampling through the store, so each can take its fair share of the leases.
import "server-only";
import type { Db } from "./db";

/** Takes or renews the lease; true when `owner` holds it until `now + ttlMs`. */
export async function acquireLease(
  db: Db,
  instanceId: string,
  owner: string,
  now: number,
  ttlMs: number,
): Promise<boolean> {
  const result = await db
    .prepare(
      `INSERT INTO sampler_leases (instance_id, owner, expires_at) VALUES (?, ?, ?)
       ON CONFLICT(instance_id) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
       WHERE sampler_leases.owner = excluded.owner OR sampler_leases.expires_at <= ?`,
    )
    .run(instanceId, owner, now + ttlMs, now);
  return result.changes === 1;
}

export async function releaseLease(db: Db, instanceId: string, owner: string): Promise<void> {
  await db.prepare("DELETE FROM sampler_leases WHERE instance_id = ? AND owner = ?").run(instanceId, owner);
}

export async function leaseOwner(db: Db, instanceId: string, now: number): Promise<string | null> {
  const row = (await db
    .prepare("SELECT owner FROM sampler_leases WHERE instance_id = ? AND expires_at > ?")
    .get(instanceId, now)) as { owner: string } | undefined;
  return row?.owner ?? null;
}

/** The instances whose lease `owner` holds at `now` (expired leases are not held), by instance id. */
export async function leasesHeldBy(db: Db, owner: string, now: number): Promise<string[]> {
  const rows = (await db
    .prepare("SELECT instance_id FROM sampler_leases WHERE owner = ? AND expires_at > ? ORDER BY instance_id")
    .all(owner, now)) as { instance_id: string }[];
  return rows.map((r) => r.instance_id);
}

/** Records that `owner` samples through this store now; forgets processes silent for a day. */
export async function announceSampler(db: Db, owner: string, now: number): Promise<void> {
  await db
    .prepare(
      "INSERT INTO sampler_processes (owner, seen_at) VALUES (?, ?) ON CONFLICT(owner) DO UPDATE SET seen_at = excluded.seen_at",
    )
    .run(owner, now);
  await db.prepare("DELETE FROM sampler_processes WHERE seen_at < ?").run(now - 86_400_000);
}

export async function forgetSampler(db: Db, owner: string): Promise<void> {
  await db.prepare("DELETE FROM sampler_processes WHERE owner = ?").run(owner);
}

/** How many processes sampled through the store within `aliveMs` of `now` (at least 1). */
export async function liveSamplers(db: Db, now: number, aliveMs: number): Promise<number> {
  const row = (await db
    .prepare("SELECT COUNT(*) AS n FROM sampler_processes WHERE seen_at >= ?")
    .get(now - aliveMs)) as { n: number };
  return Math.max(1, row.n);
}
