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

/**
 * Applies, in ascending order, every migration the file has not recorded; returns the versions applied.
 * Each runs in its own transaction with its record, so a crash leaves the file at a migration boundary.
 */
export function migrate(db: Db, migrations: Migration[] = defaultMigrations): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
  ) STRICT`);
  const known = new Set<number>();
  for (const m of migrations) {
    if (!Number.isInteger(m.version) || m.version < 1)
      throw new StoreError(`migration ${m.name}: bad version ${m.version}`);
    if (known.has(m.version)) throw new StoreError(`two migrations share version ${m.version}`);
    known.add(m.version);
  }
  const applied = new Set(
    (db.prepare("SELECT version FROM schema_migrations").all() as { version: number }[]).map(
      (r) => r.version,
    ),
  );
  const unknown = [...applied].filter((v) => !known.has(v));
  if (unknown.length > 0) {
    throw new StoreError(
      `store has migrations this console does not know (${unknown.join(", ")}); upgrade the console`,
    );
  }
  const record = db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
  const done: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(m.version)) continue;
    try {
      db.transaction(() => {
        db.exec(m.sql);
        record.run(m.version, m.name, new Date().toISOString());
      })();
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new StoreError(`migration ${m.version} (${m.name}) failed: ${reason}`, { cause: err });
    }
    done.push(m.version);
  }
  return done;
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
    throw new StoreError(
      `CONSOLE_DATA_DIR: cannot create ${dataDir} (${(err as NodeJS.ErrnoException).code})`,
    );
  }
  const db = new Database(path.join(dataDir, STORE_FILE));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  try {
    migrate(db, migrations);
  } catch (err) {
    // A refused or failed file must not stay open: the caller may move it aside and retry.
    db.close();
    throw err;
  }
  return db;
}
