// The `meta` table: small named values the console keeps about itself.
import "server-only";
import type { Db } from "./db";

export async function getMeta(db: Db, key: string): Promise<string | undefined> {
  const row = (await db.prepare("SELECT value FROM meta WHERE key = ?").get(key)) as
    | { value: string }
    | undefined;
  return row?.value;
}

export async function setMeta(db: Db, key: string, value: string): Promise<void> {
  await db
    .prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
    .run(key, value);
}
