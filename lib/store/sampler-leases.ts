// The `sampler_leases` table: which process samples an instance. One owner per instance per data
// directory; the owner renews its lease every sample, and another process takes over only once
// the lease has expired (its owner stopped or hung).
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
