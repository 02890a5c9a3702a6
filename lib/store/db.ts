// The embedded store: one SQLite file (WAL) under CONSOLE_DATA_DIR, migrated on open.
// Tables live in one module each beside this file; they take a `Db` and nothing else.
import "server-only";
import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { migrations as defaultMigrations, type Migration } from "./migrations";

export type Db = Database.Database;

export const STORE_FILE = "console.sqlite";

export class StoreError extends Error {
  override name = "StoreError";
}

/** Applies every migration above the file's current version; returns the versions applied. */
export function migrate(db: Db, migrations: Migration[] = defaultMigrations): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
  ) STRICT`);
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  sorted.forEach((m, i) => {
    if (m.version !== i + 1) throw new StoreError(`migrations must be numbered 1..n; found ${m.version} at ${i + 1}`);
  });
  const row = db.prepare("SELECT MAX(version) AS v FROM schema_migrations").get() as { v: number | null };
  const current = row.v ?? 0;
  if (current > sorted.length) {
    throw new StoreError(`store schema version ${current} is newer than this console (${sorted.length}); upgrade the console`);
  }
  const record = db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
  const applied: number[] = [];
  for (const m of sorted.slice(current)) {
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.version, m.name, new Date().toISOString());
    })();
    applied.push(m.version);
  }
  return applied;
}

export function schemaVersion(db: Db): number {
  const row = db.prepare("SELECT MAX(version) AS v FROM schema_migrations").get() as { v: number | null };
  return row.v ?? 0;
}

/** Opens (creating if needed) the store file in `dataDir` and brings its schema up to date. */
export function openStore(dataDir: string, migrations?: Migration[]): Db {
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (err) {
    throw new StoreError(`CONSOLE_DATA_DIR: cannot create ${dataDir} (${(err as NodeJS.ErrnoException).code})`);
  }
  const db = new Database(path.join(dataDir, STORE_FILE));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  migrate(db, migrations);
  return db;
}
