// The SQLite file behind the store's asynchronous interface. better-sqlite3 runs each statement
// synchronously; what the interface adds is the transaction: while one runs (its `fn` may await
// between statements), every other statement and transaction of this process waits for it, so
// nothing slips into it or fails with "cannot start a transaction within a transaction". Between
// processes on one file, SQLite's write lock (BEGIN IMMEDIATE, busy_timeout) does the same.
import "server-only";
import type Database from "better-sqlite3";
import type { Db, Params, RunResult, Statement, TransactionOptions } from "./db";

export class SqliteDb implements Db {
  readonly dialect = "sqlite" as const;
  private readonly statements = new Map<string, Database.Statement>();
  /** The running transaction, settled when it has committed or rolled back. */
  private running: Promise<unknown> | undefined;

  constructor(readonly raw: Database.Database) {}

  get location(): string {
    return this.raw.name;
  }

  /** Whether the file is still open. */
  get open(): boolean {
    return this.raw.open;
  }

  /** A compiled statement, kept for the life of the handle. */
  compiled(sql: string): Database.Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.raw.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  /**
   * The running transaction, if any. A statement outside it loops `while (db.busy) await ...` and
   * then runs in the same synchronous stretch as the last check: awaiting a helper that checks
   * would leave a gap in which a transaction could begin and take the statement in.
   */
  get busy(): Promise<unknown> | undefined {
    return this.running;
  }

  prepare(sql: string): Statement {
    return new SqliteStatement(this, sql, false);
  }

  async exec(sql: string): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
    this.raw.exec(sql);
  }

  async transaction<T>(fn: (tx: Db) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    while (this.running) await this.running.catch(() => undefined);
    const work = this.run(fn, options);
    this.running = work;
    try {
      return await work;
    } finally {
      if (this.running === work) this.running = undefined;
    }
  }

  private async run<T>(fn: (tx: Db) => Promise<T>, options: TransactionOptions): Promise<T> {
    const previous = options.durable ? (this.raw.pragma("synchronous", { simple: true }) as number) : undefined;
    if (options.durable) this.raw.pragma("synchronous = FULL");
    try {
      this.raw.exec("BEGIN IMMEDIATE");
      try {
        const out = await fn(new SqliteTransaction(this));
        this.raw.exec("COMMIT");
        return out;
      } catch (err) {
        if (this.raw.inTransaction) this.raw.exec("ROLLBACK");
        throw err;
      }
    } finally {
      if (previous !== undefined) this.raw.pragma(`synchronous = ${previous}`);
    }
  }

  async close(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
    if (this.raw.open) this.raw.close();
  }
}

/** The handle a transaction's `fn` gets: its statements run at once, inside the transaction. */
class SqliteTransaction implements Db {
  readonly dialect = "sqlite" as const;

  constructor(private readonly db: SqliteDb) {}

  get location(): string {
    return this.db.location;
  }

  prepare(sql: string): Statement {
    return new SqliteStatement(this.db, sql, true);
  }

  async exec(sql: string): Promise<void> {
    this.db.raw.exec(sql);
  }

  /** Nested: part of the enclosing transaction. */
  async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return fn(this);
  }

  async close(): Promise<void> {
    throw new Error("a transaction's handle cannot close the store");
  }
}

class SqliteStatement implements Statement {
  constructor(
    private readonly db: SqliteDb,
    private readonly sql: string,
    private readonly inTransaction: boolean,
  ) {}

  async run(...params: Params): Promise<RunResult> {
    if (!this.inTransaction) while (this.db.busy) await this.db.busy.catch(() => undefined);
    return { changes: this.db.compiled(this.sql).run(...params).changes };
  }

  async get(...params: Params): Promise<unknown> {
    if (!this.inTransaction) while (this.db.busy) await this.db.busy.catch(() => undefined);
    return this.db.compiled(this.sql).get(...params);
  }

  async all(...params: Params): Promise<unknown[]> {
    if (!this.inTransaction) while (this.db.busy) await this.db.busy.catch(() => undefined);
    return this.db.compiled(this.sql).all(...params);
  }
}
