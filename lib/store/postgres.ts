// The store on PostgreSQL (DATABASE_URL): several console replicas share one database. A pool of
// connections; statements written for both stores (`?` or `@name` placeholders) are numbered for
// PostgreSQL here; BIGINT and NUMERIC come back as numbers, as SQLite's INTEGER and REAL do.
// Every transaction takes one advisory lock first, so writers queue as they do on the SQLite file
// (BEGIN IMMEDIATE) and the audit chain's read-the-head-then-append never forks across replicas.
// The schema is migrated on first use, under another advisory lock, so replicas starting together
// migrate once.
import "server-only";
import pg from "pg";
import type { Db, Params, RunResult, Statement } from "./db";
import { checkMigrations, StoreError } from "./db";
import { migrations as defaultMigrations, postgresSql, type Migration } from "./migrations";

// BIGINT (int8) and NUMERIC (AVG, SUM) as numbers: the values the console keeps (epoch ms, byte
// counts, counters) are within 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

/** Arbitrary but fixed advisory lock keys: one for writers, one for migrations. */
const WRITE_LOCK = 0x15_1c_0a_5e;
const MIGRATE_LOCK = 0x15_1c_0a_5f;

/**
 * `?` placeholders numbered `$1..`, or `@name` ones mapped to their position; quoted text and
 * `::` casts are left alone. Answers the SQL and, for named parameters, their order.
 */
export function numberPlaceholders(sql: string): { text: string; names: string[] } {
  let out = "";
  let n = 0;
  const names: string[] = [];
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i] as string;
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      const stop = end === -1 ? sql.length : end + 1;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === "?") {
      out += `$${++n}`;
    } else if (c === "@" && /[A-Za-z_]/.test(sql[i + 1] ?? "")) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i + 1))?.[0] as string;
      let at = names.indexOf(name);
      if (at === -1) at = names.push(name) - 1;
      out += `$${at + 1}`;
      i += name.length;
    } else {
      out += c;
    }
  }
  return { text: out, names };
}

const compiledCache = new Map<string, { text: string; names: string[] }>();

function compile(sql: string): { text: string; names: string[] } {
  let c = compiledCache.get(sql);
  if (!c) {
    c = numberPlaceholders(sql);
    compiledCache.set(sql, c);
  }
  return c;
}

function values(sql: string, params: Params): { text: string; values: unknown[] } {
  const { text, names } = compile(sql);
  if (names.length === 0) return { text, values: params as unknown[] };
  const named = (params[0] ?? {}) as Record<string, unknown>;
  return { text, values: names.map((name) => named[name] ?? null) };
}

type Queryable = Pick<pg.Pool | pg.PoolClient, "query">;

class PgStatement implements Statement {
  constructor(
    private readonly target: () => Promise<Queryable>,
    private readonly sql: string,
  ) {}

  private async query(params: Params): Promise<pg.QueryResult> {
    const q = values(this.sql, params);
    return (await this.target()).query(q.text, q.values);
  }

  async run(...params: Params): Promise<RunResult> {
    return { changes: (await this.query(params)).rowCount ?? 0 };
  }

  async get(...params: Params): Promise<unknown> {
    return (await this.query(params)).rows[0];
  }

  async all(...params: Params): Promise<unknown[]> {
    return (await this.query(params)).rows;
  }
}

/** Where the database is, for messages: host, port and database, never the user or password. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    return `postgres://${u.hostname}${u.port ? `:${u.port}` : ""}${u.pathname}`;
  } catch {
    return "postgres (DATABASE_URL not a URL)";
  }
}

export class PostgresDb implements Db {
  readonly dialect = "postgres" as const;
  readonly location: string;
  readonly pool: pg.Pool;
  /** Migrations applied (or the error that stopped them): every statement waits for it. */
  readonly ready: Promise<number[]>;

  constructor(url: string, options: { migrations?: Migration[]; max?: number } = {}) {
    this.location = describeDatabaseUrl(url);
    this.pool = new pg.Pool({
      connectionString: url,
      max: options.max ?? 10,
      connectionTimeoutMillis: 10_000,
      // A statement the database does not answer within 30 s fails instead of hanging a request.
      query_timeout: 30_000,
      application_name: "isl-redis-console",
    });
    // An idle client's error (the server restarted) must not end the process; the next query reconnects.
    this.pool.on("error", (err) => console.error(`isl-console: store ${this.location}: ${err.message}`));
    this.ready = migratePostgres(this.pool, options.migrations ?? defaultMigrations, this.location);
    // Seen by whoever uses the store first; not an unhandled rejection meanwhile.
    this.ready.catch(() => undefined);
  }

  private readonly migrated = async (): Promise<Queryable> => {
    await this.ready;
    return this.pool;
  };

  prepare(sql: string): Statement {
    return new PgStatement(this.migrated, sql);
  }

  async exec(sql: string): Promise<void> {
    await (await this.migrated()).query(sql);
  }

  async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    await this.ready;
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      await client.query("SELECT pg_advisory_xact_lock($1)", [WRITE_LOCK]);
      const out = await fn(new PostgresTransaction(client, this.location));
      await client.query("COMMIT");
      return out;
    } catch (err) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.ready.catch(() => undefined);
    await this.pool.end();
  }
}

class PostgresTransaction implements Db {
  readonly dialect = "postgres" as const;

  constructor(
    private readonly client: pg.PoolClient,
    readonly location: string,
  ) {}

  prepare(sql: string): Statement {
    return new PgStatement(async () => this.client, sql);
  }

  async exec(sql: string): Promise<void> {
    await this.client.query(sql);
  }

  /** Nested: part of the enclosing transaction. */
  async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return fn(this);
  }

  async close(): Promise<void> {
    throw new Error("a transaction's handle cannot close the store");
  }
}

/** Applies the migrations the database has not recorded, each in its own transaction, once across replicas. */
async function migratePostgres(pool: pg.Pool, migrations: Migration[], location: string): Promise<number[]> {
  const known = checkMigrations(migrations);
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    throw new StoreError(`DATABASE_URL: cannot connect to ${location}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATE_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    BIGINT PRIMARY KEY,
      name       TEXT NOT NULL,
      applied_at TEXT NOT NULL
    )`);
    const applied = new Set(
      (await client.query<{ version: number }>("SELECT version FROM schema_migrations")).rows.map(
        (r) => r.version,
      ),
    );
    const unknown = [...applied].filter((v) => !known.has(v));
    if (unknown.length > 0)
      throw new StoreError(
        `store has migrations this console does not know (${unknown.join(", ")}); upgrade the console`,
      );
    const done: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (applied.has(m.version)) continue;
      try {
        await client.query("BEGIN");
        await client.query(postgresSql(m));
        await client.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)", [
          m.version,
          m.name,
          new Date().toISOString(),
        ]);
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw new StoreError(`migration ${m.version} (${m.name}) failed: ${(err as Error).message}`, {
          cause: err,
        });
      }
      done.push(m.version);
    }
    return done;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATE_LOCK]).catch(() => undefined);
    client.release();
  }
}
