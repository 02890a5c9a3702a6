// The store's interface (`Db`: asynchronous statements and transactions, the same for SQLite and
// PostgreSQL) and the embedded store: one SQLite file (WAL) under CONSOLE_DATA_DIR, migrated on
// open. Tables live in one module each beside this file; they take a `Db` and nothing else.
import "server-only";
import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { brand, hasBrand } from "@/lib/brand";
import { migrations as defaultMigrations, type Migration } from "./migrations";
import { SqliteDb } from "./sqlite";

export const STORE_FILE = "console.sqlite";

// Recognised by brand (lib/brand.ts): the store is made by whichever bundle asks first, and its
// errors reach routes of other bundles.
const STORE_ERROR = brand("store-error");
const STORE_UNAVAILABLE = brand("store-unavailable");

export class StoreError extends Error {
  override name = "StoreError";
  readonly [STORE_ERROR] = true;

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, STORE_ERROR);
  }
}

/**
 * The store cannot be reached or stopped answering (the database is down, restarting, out of
 * connections, or the network to it is gone): the message names where the store is and why, the
 * original error is its `cause`. The API answers 503 `store_unavailable`; the next call tries again.
 */
export class StoreUnavailableError extends StoreError {
  override name = "StoreUnavailableError";
  readonly [STORE_UNAVAILABLE] = true;

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, STORE_UNAVAILABLE);
  }
}

/** When each background loop last logged the store as unavailable. */
const unavailableLogged = new Map<string, number>();

/**
 * Logs a failure of a background loop's store work (`context`: "sampler r1", "watch r1: findings
 * not stored"). In full, except while the store is unavailable: then one line per loop per minute,
 * the message only, since an outage would otherwise log every loop's stack every second.
 */
export function logStoreFailure(context: string, err: unknown, now = Date.now()): void {
  if (!(err instanceof StoreUnavailableError)) {
    console.error(`isl-console: ${context}:`, err);
    return;
  }
  const last = unavailableLogged.get(context);
  if (last !== undefined && now - last < 60_000) return;
  unavailableLogged.set(context, now);
  console.error(`isl-console: ${context}: ${err.message}`);
}

/** A value bound to a `?` (or, as one object, to `@name` placeholders). */
export type Param = string | number | bigint | boolean | null | Buffer;
export type Params = Param[] | [Record<string, Param | undefined>];

export interface RunResult {
  /** Rows inserted, updated or deleted. */
  changes: number;
}

/** One SQL statement, bound and run asynchronously (the PostgreSQL store runs over the network). */
export interface Statement {
  run(...params: Params): Promise<RunResult>;
  get(...params: Params): Promise<unknown>;
  all(...params: Params): Promise<unknown[]>;
}

export type Dialect = "sqlite" | "postgres";

export interface TransactionOptions {
  /** Commit durably (SQLite: synchronous = FULL for this transaction), for the audit log. */
  durable?: boolean;
}

/**
 * The store: SQL in, rows out, the same for the SQLite file and PostgreSQL. Statements use `?`
 * (or `@name` with one object); a transaction runs `fn` with a handle of its own, which every
 * statement of the transaction must use (other statements wait until it ends).
 */
export interface Db {
  readonly dialect: Dialect;
  /** Where the store is, for messages: a file path, or a PostgreSQL host and database (never a password). */
  readonly location: string;
  prepare(sql: string): Statement;
  exec(sql: string): Promise<void>;
  /**
   * Runs `fn` in one transaction that holds the store's write lock from its start (SQLite: BEGIN
   * IMMEDIATE; PostgreSQL: an advisory lock), so appends that read the head and write after it
   * (the audit chain) never fork, whichever process or replica makes them.
   */
  transaction<T>(fn: (tx: Db) => Promise<T>, options?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
}

/**
 * ` ON CONFLICT (key) DO UPDATE SET c = excluded.c, ...` for every column outside the key: the
 * replace-the-row upsert both stores understand (SQLite's INSERT OR REPLACE is its own).
 */
export function onConflictReplace(columns: readonly string[], key: readonly string[]): string {
  const set = columns.filter((c) => !key.includes(c)).map((c) => `${c} = excluded.${c}`);
  return ` ON CONFLICT (${key.join(", ")}) DO UPDATE SET ${set.join(", ")}`;
}

/** `INSERT INTO table (columns) VALUES (?, ...)` replacing the row with the same key. */
export function upsertSql(table: string, columns: readonly string[], key: readonly string[]): string {
  return `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})${onConflictReplace(columns, key)}`;
}

/** Refuses a list with a version below 1 or two migrations of one version; answers the versions. */
export function checkMigrations(migrations: readonly Migration[]): Set<number> {
  const known = new Set<number>();
  for (const m of migrations) {
    if (!Number.isInteger(m.version) || m.version < 1)
      throw new StoreError(`migration ${m.name}: bad version ${m.version}`);
    if (known.has(m.version)) throw new StoreError(`two migrations share version ${m.version}`);
    known.add(m.version);
  }
  return known;
}

/**
 * Applies, in ascending order, every migration the file has not recorded; returns the versions applied.
 * Each runs in its own transaction with its record, so a crash leaves the file at a migration boundary.
 */
export function migrate(db: Database.Database, migrations: Migration[] = defaultMigrations): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
  ) STRICT`);
  const known = checkMigrations(migrations);
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

export async function schemaVersion(db: Db): Promise<number> {
  const row = (await db.prepare("SELECT MAX(version) AS v FROM schema_migrations").get()) as {
    v: number | null;
  };
  return row.v ?? 0;
}

/** Opens (creating if needed) the store file in `dataDir` and brings its schema up to date. */
export function openStore(dataDir: string, migrations?: Migration[]): SqliteDb {
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
  return new SqliteDb(db);
}
