// The `metric_overview` table: the latest overview per instance as JSON, written by the sampler
// after each sample, so the overview API answers with one indexed read however many people look.
import "server-only";
import type { Db } from "./db";

export async function writeOverview(db: Db, instanceId: string, t: number, body: unknown): Promise<void> {
  await db
    .prepare(
      `INSERT INTO metric_overview (instance_id, t, body) VALUES (?, ?, ?)
       ON CONFLICT(instance_id) DO UPDATE SET t = excluded.t, body = excluded.body`,
    )
    .run(instanceId, t, JSON.stringify(body));
}

export async function readOverview(db: Db, instanceId: string): Promise<{ t: number; body: unknown } | null> {
  const row = (await db.prepare("SELECT t, body FROM metric_overview WHERE instance_id = ?").get(instanceId)) as
    | { t: number; body: string }
    | undefined;
  return row ? { t: row.t, body: JSON.parse(row.body) as unknown } : null;
}
