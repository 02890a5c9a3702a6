// The store on PostgreSQL (DATABASE_URL): several console replicas share one database. A pool of
// connections; statements written for both stores (`?` or `@name` placeholders) are numbered for
// PostgreSQL here; BIGINT and NUMERIC come back as numbers, as SQLite's INTEGER and REAL do.
// Every transaction takes one advisory lock first, so writers queue as they do on the SQLite file
// (BEGIN IMMEDIATE) and the audit chain's read-the-head-then-append never forks across replicas.
// The schema is migrated on first use, under another advisory lock, so replicas starting together
// migrate once. A database that cannot be reached, or stops answering, is StoreUnavailableError
// (the API answers 503); the pool reconnects and a failed migration is tried again, so the console
// recovers when the database does, without a restart.
import "server-only";
import pg from "pg";
import type { Db, Params, RunResult, Statement } from "./db";
import { checkMigrations, StoreError, StoreUnavailableError } from "./db";
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

/** SQLSTATEs of a server going away, starting up or out of connection slots (class 08 aside). */
const UNAVAILABLE_SQLSTATES = new Set(["57P01", "57P02", "57P03", "53300"]);

/** Socket and name lookup errors: the database cannot be reached. */
const UNAVAILABLE_ERRNOS = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "ENETUNREACH",
  "ENETDOWN",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/** What pg and its pool say, with no code, when a connection ends, times out or cannot be had. */
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/, // unexpectedly, or due to connection timeout
  /^timeout exceeded when trying to connect$/,
  /^timeout expired$/,
  /^Query read timeout$/,
  /is not queryable$/,
];

/**
 * Whether `err` means the database cannot be reached or stopped answering, as opposed to a
 * statement it refused (a constraint, a syntax error), which would fail the same way again.
 */
export function isConnectionFailure(err: unknown): boolean {
  if (err instanceof StoreUnavailableError) return true;
  if (!(err instanceof Error)) return false;
  // Node tries each address of a host name in turn and reports every failure at once.
  if (err instanceof AggregateError && err.errors.some(isConnectionFailure)) return true;
  const code = (err as { code?: unknown }).code;
  if (
    typeof code === "string" &&
    (/^08[0-9A-Z]{3}$/.test(code) || UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_ERRNOS.has(code))
  )
    return true;
  return UNAVAILABLE_MESSAGES.some((re) => re.test(err.message));
}

/** An error's own words, with the server's SQLSTATE when it sent one. */
function reasonOf(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // An AggregateError (every address of a host refused) has no message of its own.
  const text =
    err.message ||
    (err instanceof AggregateError ? err.errors.map(reasonOf).join("; ") : "") ||
    String((err as { code?: unknown }).code ?? err.name);
  return err instanceof pg.DatabaseError && err.code ? `${text} (SQLSTATE ${err.code})` : text;
}

/** Where the store is, for messages, and how to keep its password out of them. */
interface Where {
  location: string;
  redact(text: string): string;
}

/** `err` as the store's error: a connection failure becomes StoreUnavailableError, anything else stays. */
function storeErrorOf(err: unknown, where: Where): unknown {
  if (err instanceof StoreUnavailableError || !isConnectionFailure(err)) return err;
  const message = `DATABASE_URL: ${where.location} stopped answering: ${reasonOf(err)}`;
  return new StoreUnavailableError(where.redact(message), { cause: err });
}

/** `client.query`, its connection failures as StoreUnavailableError. */
async function run(
  client: pg.ClientBase,
  where: Where,
  text: string,
  values?: unknown[],
): Promise<pg.QueryResult> {
  try {
    return await client.query(text, values);
  } catch (err) {
    throw storeErrorOf(err, where);
  }
}

type Query = (text: string, values?: unknown[]) => Promise<pg.QueryResult>;

class PgStatement implements Statement {
  constructor(
    private readonly target: Query,
    private readonly sql: string,
  ) {}

  private async query(params: Params): Promise<pg.QueryResult> {
    const q = values(this.sql, params);
    return this.target(q.text, q.values);
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

/** A text with the URL's password, should an error quote it, replaced by `***`. */
function redactor(url: string): (text: string) => string {
  let password = "";
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    // Not a URL: there is no password to find either.
  }
  return password ? (text) => text.split(password).join("***") : (text) => text;
}

/**
 * How long after a migration attempt failed for want of the database the next use tries again:
 * often enough that a console started before its database serves once it is up, not so often that
 * every request of an outage waits for a connection attempt.
 */
export const MIGRATE_RETRY_MS = 2_000;

interface MigrationAttempt {
  promise: Promise<number[]>;
  /** When it failed because the database could not be reached (so another attempt may succeed). */
  unavailableAt?: number;
}

/** A connection out of the pool, and how to give it back. */
interface Checkout {
  client: pg.PoolClient;
  /** Returns it to the pool, or closes it when `broken` (or when it failed while out). */
  done(broken?: unknown): void;
}

export class PostgresDb implements Db {
  readonly dialect = "postgres" as const;
  readonly location: string;
  readonly pool: pg.Pool;
  private readonly migrations: Migration[];
  private readonly where: Where;
  private attempt: MigrationAttempt;
  private closed = false;

  constructor(
    url: string,
    options: {
      migrations?: Migration[];
      max?: number;
      /** How long a statement may go unanswered before it fails (default 30 s). */
      queryTimeoutMs?: number;
    } = {},
  ) {
    this.location = describeDatabaseUrl(url);
    this.where = { location: this.location, redact: redactor(url) };
    this.migrations = options.migrations ?? defaultMigrations;
    this.pool = new pg.Pool({
      connectionString: url,
      max: options.max ?? 10,
      connectionTimeoutMillis: 10_000,
      // A statement the database does not answer within 30 s fails instead of hanging a request.
      query_timeout: options.queryTimeoutMs ?? 30_000,
      application_name: "isl-redis-console",
    });
    // An idle client's error (the server restarted) must not end the process; the next query reconnects.
    this.pool.on("error", (err) => console.error(`isl-console: store ${this.location}: ${err.message}`));
    this.attempt = this.startMigrating();
  }

  /**
   * The migrations applied (or the error that stopped them): every statement waits for it. When
   * the database could not be reached, the first use at least MIGRATE_RETRY_MS later tries again,
   * so a console started during an outage serves once the database is back, without a restart;
   * any other failure (a schema newer than this console) stays.
   */
  get ready(): Promise<number[]> {
    const { unavailableAt } = this.attempt;
    if (!this.closed && unavailableAt !== undefined && Date.now() - unavailableAt >= MIGRATE_RETRY_MS)
      this.attempt = this.startMigrating();
    return this.attempt.promise;
  }

  private startMigrating(): MigrationAttempt {
    const attempt: MigrationAttempt = {
      promise: migratePostgres(() => this.checkout(), this.migrations, this.where),
    };
    // Seen by whoever uses the store first; not an unhandled rejection meanwhile.
    attempt.promise.catch((err: unknown) => {
      if (err instanceof StoreUnavailableError) attempt.unavailableAt = Date.now();
    });
    return attempt;
  }

  /** Any failure to get a connection (refused, unknown host, TLS, password, no free slot) is StoreUnavailableError. */
  private async checkout(): Promise<Checkout> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw new StoreUnavailableError(
        this.where.redact(`DATABASE_URL: cannot connect to ${this.location}: ${reasonOf(err)}`),
        { cause: err },
      );
    }
    // A connection that fails while out of the pool and between queries says so with an event,
    // which would end the process unheard.
    let lost: Error | undefined;
    const onError = (err: Error) => {
      lost = err;
    };
    client.on("error", onError);
    return {
      client,
      done: (broken) => {
        client.removeListener("error", onError);
        const failure = lost ?? broken;
        // With an error the pool closes the connection instead of handing it out again.
        client.release(
          failure === undefined || failure instanceof Error ? failure : new Error(String(failure)),
        );
      },
    };
  }

  private readonly query: Query = async (text, params) => {
    await this.ready;
    const { client, done } = await this.checkout();
    let broken: unknown;
    try {
      return await run(client, this.where, text, params);
    } catch (err) {
      // A statement that timed out may still run on the connection: close it rather than reuse it.
      if (err instanceof StoreUnavailableError) broken = err;
      throw err;
    } finally {
      done(broken);
    }
  };

  prepare(sql: string): Statement {
    return new PgStatement(this.query, sql);
  }

  async exec(sql: string): Promise<void> {
    await this.query(sql);
  }

  async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    await this.ready;
    const { client, done } = await this.checkout();
    let broken: unknown;
    try {
      await run(client, this.where, "BEGIN");
      await run(client, this.where, "SELECT pg_advisory_xact_lock($1)", [WRITE_LOCK]);
      const out = await fn(new PostgresTransaction(client, this.where));
      await run(client, this.where, "COMMIT");
      return out;
    } catch (err) {
      // A connection that cannot roll back is gone or wedged, its transaction perhaps still open
      // and holding the write lock: the pool must close it, never hand it out again.
      await client.query("ROLLBACK").catch((rollbackError: unknown) => {
        broken = rollbackError;
      });
      throw storeErrorOf(err, this.where);
    } finally {
      done(broken);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.attempt.promise.catch(() => undefined);
    await this.pool.end();
  }
}

class PostgresTransaction implements Db {
  readonly dialect = "postgres" as const;
  readonly location: string;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly where: Where,
  ) {
    this.location = where.location;
  }

  prepare(sql: string): Statement {
    return new PgStatement((text, params) => run(this.client, this.where, text, params), sql);
  }

  async exec(sql: string): Promise<void> {
    await run(this.client, this.where, sql);
  }

  /** Nested: part of the enclosing transaction. */
  async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return fn(this);
  }

  async close(): Promise<void> {
    throw new Error("a transaction's handle cannot close the store");
  }
}

/**
 * Applies the migrations the database has not recorded, each in its own transaction, once across
 * replicas. Losing the database on the way is StoreUnavailableError (the next use tries again).
 */
async function migratePostgres(
  checkout: () => Promise<Checkout>,
  migrations: Migration[],
  where: Where,
): Promise<number[]> {
  const known = checkMigrations(migrations);
  const { client, done } = await checkout();
  let broken: unknown;
  try {
    await run(client, where, "SELECT pg_advisory_lock($1)", [MIGRATE_LOCK]);
    await run(
      client,
      where,
      `CREATE TABLE IF NOT EXISTS schema_migrations (
      version    BIGINT PRIMARY KEY,
      name       TEXT NOT NULL,
      applied_at TEXT NOT NULL
    )`,
    );
    const applied = new Set(
      (await run(client, where, "SELECT version FROM schema_migrations")).rows.map(
        (r: { version: number }) => r.version,
      ),
    );
    const unknown = [...applied].filter((v) => !known.has(v));
    if (unknown.length > 0)
      throw new StoreError(
        `store has migrations this console does not know (${unknown.join(", ")}); upgrade the console`,
      );
    const appliedNow: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (applied.has(m.version)) continue;
      try {
        await run(client, where, "BEGIN");
        await run(client, where, postgresSql(m));
        await run(
          client,
          where,
          "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
          [m.version, m.name, new Date().toISOString()],
        );
        await run(client, where, "COMMIT");
      } catch (err) {
        await client.query("ROLLBACK").catch(() => undefined);
        if (err instanceof StoreUnavailableError) throw err;
        throw new StoreError(`migration ${m.version} (${m.name}) failed: ${(err as Error).message}`, {
          cause: err,
        });
      }
      appliedNow.push(m.version);
    }
    return appliedNow;
  } catch (err) {
    if (err instanceof StoreUnavailableError) broken = err;
    throw err;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATE_LOCK]).catch((unlockError: unknown) => {
      broken ??= unlockError;
    });
    done(broken);
  }
}
