// The `sampler_leases` table: which process samples an instance. One owner per instance per store;
// the owner renews its lease every sample, and another process takes over only once the lease has
// expired (its owner stopped or hung) or was given back. `sampler_processes`: the processes
// sampling through the store, so each can take its fair share of the leases. `sampler_unreachable`:
// instances a process could not reach and handed over, for one that can.
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
  await db.prepare("DELETE FROM sampler_unreachable WHERE owner = ?").run(owner);
}

/** The processes that sampled through the store within `aliveMs` of `now`, by name. */
export async function liveSamplers(db: Db, now: number, aliveMs: number): Promise<string[]> {
  const rows = (await db
    .prepare("SELECT owner FROM sampler_processes WHERE seen_at >= ? ORDER BY owner")
    .all(now - aliveMs)) as { owner: string }[];
  return rows.map((r) => r.owner);
}

/** Records that `owner` could not reach the instance and handed its lease over at `now`. */
export async function markUnreachable(db: Db, instanceId: string, owner: string, now: number): Promise<void> {
  await db
    .prepare(
      `INSERT INTO sampler_unreachable (instance_id, owner, at) VALUES (?, ?, ?)
       ON CONFLICT(instance_id, owner) DO UPDATE SET at = excluded.at`,
    )
    .run(instanceId, owner, now);
  await db.prepare("DELETE FROM sampler_unreachable WHERE at < ?").run(now - 86_400_000);
}

/** `owner` reached the instance again. */
export async function clearUnreachable(db: Db, instanceId: string, owner: string): Promise<void> {
  await db.prepare("DELETE FROM sampler_unreachable WHERE instance_id = ? AND owner = ?").run(instanceId, owner);
}

/** Who marked which instance unreachable at or after `since`: instance id -> owners. */
export async function unreachableMarks(db: Db, since: number): Promise<Map<string, string[]>> {
  const rows = (await db
    .prepare("SELECT instance_id, owner FROM sampler_unreachable WHERE at >= ? ORDER BY instance_id, owner")
    .all(since)) as { instance_id: string; owner: string }[];
  const marks = new Map<string, string[]>();
  for (const r of rows) marks.set(r.instance_id, [...(marks.get(r.instance_id) ?? []), r.owner]);
  return marks;
}
