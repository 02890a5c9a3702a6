import { mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  createTestDatabase,
  STORE_KINDS,
  useTestStore,
  withPostgresClient,
  type StoreKind,
} from "@/tests/helpers/stores";
import {
  migrate,
  openStore,
  schemaVersion,
  STORE_FILE,
  StoreError,
  StoreUnavailableError,
  logStoreFailure,
  type Db,
  type Dialect,
} from "./db";
import { getMeta, setMeta } from "./meta";
import { migrations, type Migration } from "./migrations";
import { PostgresDb } from "./postgres";
import { SqliteDb } from "./sqlite";

const latest = Math.max(...migrations.map((m) => m.version));
const allVersions = migrations.map((m) => m.version).sort((a, b) => a - b);
const NEWER = "store has migrations this console does not know (999); upgrade the console";

/** A query's rows: through the store's interface, or through a plain connection beside it. */
type Rows = (sql: string) => Promise<unknown[]>;
const through =
  (db: Db): Rows =>
  (sql) =>
    db.prepare(sql).all();

/** The tables of the schema, sorted. */
async function tables(dialect: Dialect, rows: Rows): Promise<string[]> {
  const sql =
    dialect === "sqlite"
      ? "SELECT name FROM sqlite_master WHERE type = 'table'"
      : "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'";
  return ((await rows(sql)) as { name: string }[]).map((r) => r.name).sort();
}

async function recorded(rows: Rows): Promise<number[]> {
  const found = (await rows("SELECT version FROM schema_migrations ORDER BY version")) as {
    version: number;
  }[];
  return found.map((r) => r.version);
}

/** Rejects with what `fn` threw (synchronously or not), or fails when it did not throw. */
async function failure(fn: () => unknown): Promise<Error> {
  try {
    await fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected a failure");
}

/** How many descriptors this process holds on the file (Linux /proc). */
function openHandles(file: string): number {
  return readdirSync("/proc/self/fd").filter((fd) => {
    try {
      return readlinkSync(path.join("/proc/self/fd", fd)) === file;
    } catch {
      return false;
    }
  }).length;
}

describe.each(STORE_KINDS)("%s store", (kind) => {
  const store = useTestStore(kind);
  const others: Db[] = [];
  // Registered after the store's own hook, so it runs first: the other handles close before the store goes.
  afterEach(async () => {
    for (const db of others.splice(0)) await db.close();
  });

  async function reopen(list?: Migration[]): Promise<Db> {
    const db = await store.store.reopen(list);
    others.push(db);
    return db;
  }

  it("applies every shipped migration once, in version order", async () => {
    expect(store.db.dialect).toBe(kind);
    expect(await recorded(through(store.db))).toEqual(allVersions);
    expect(await schemaVersion(store.db)).toBe(latest);
    expect(await tables(kind, through(store.db))).toEqual(
      expect.arrayContaining(["meta", "schema_migrations", "audit_log"]),
    );
  });

  it("reopening a migrated store applies nothing and keeps its data", async () => {
    await setMeta(store.db, "installation", "abc123");
    const appliedAt = await store.db
      .prepare("SELECT applied_at FROM schema_migrations WHERE version = 1")
      .get();
    const again = await reopen();
    if (again instanceof SqliteDb) expect(migrate(again.raw)).toEqual([]);
    if (again instanceof PostgresDb) expect(await again.ready).toEqual([]);
    expect(await getMeta(again, "installation")).toBe("abc123");
    expect(await again.prepare("SELECT applied_at FROM schema_migrations WHERE version = 1").get()).toEqual(
      appliedAt,
    );
    expect(await recorded(through(again))).toEqual(allVersions);
  });

  it("refuses a store written by a newer console, naming the unknown version", async () => {
    await store.db
      .prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'x')")
      .run();
    const error = await failure(() => reopen());
    expect(error).toBeInstanceOf(StoreError);
    expect(error.message).toBe(NEWER);
  });

  it("a transaction rolls back when fn throws, and a statement outside it is not taken in", async () => {
    const { db } = store;
    await expect(
      db.transaction(async (tx) => {
        await setMeta(tx, "k", "inside");
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await getMeta(db, "k")).toBeUndefined();

    // Had the outside write slipped into the transaction, the rollback would take it too.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const tx = db.transaction(async (t) => {
      await setMeta(t, "k", "inside");
      await held;
      throw new Error("rolled back");
    });
    const outside = setMeta(db, "k", "outside");
    release();
    await expect(tx).rejects.toThrow("rolled back");
    await outside;
    expect(await getMeta(db, "k")).toBe("outside");
  });

  it("a transaction's writes commit together", async () => {
    const out = await store.db.transaction(async (tx) => {
      await setMeta(tx, "a", "1");
      await setMeta(tx, "b", "2");
      return "done";
    });
    expect(out).toBe("done");
    expect([await getMeta(store.db, "a"), await getMeta(store.db, "b")]).toEqual(["1", "2"]);
  });
});

/**
 * An empty database of each kind and a way to migrate it with a given list. SQLite: `migrate` on
 * an in-memory handle; PostgreSQL: a PostgresDb on a fresh database, migrated on first use.
 */
interface Empty {
  apply(list: Migration[]): Promise<number[]>;
  tables(): Promise<string[]>;
  recorded(): Promise<number[]>;
  close(): Promise<void>;
}

async function emptyDatabase(kind: StoreKind): Promise<Empty> {
  if (kind === "sqlite") {
    const db = new SqliteDb(new Database(":memory:"));
    return {
      apply: async (list) => migrate(db.raw, list),
      tables: () => tables("sqlite", through(db)),
      recorded: () => recorded(through(db)),
      close: () => db.close(),
    };
  }
  const { url, drop } = await createTestDatabase();
  // A plain connection: a PostgresDb would refuse the versions these lists leave behind.
  const rows: Rows = (sql) => withPostgresClient(url, async (client) => (await client.query(sql)).rows);
  return {
    apply: async (list) => {
      const db = new PostgresDb(url, { migrations: list, max: 1 });
      try {
        return await db.ready;
      } finally {
        await db.close();
      }
    },
    tables: () => tables("postgres", rows),
    recorded: () => recorded(rows),
    close: drop,
  };
}

describe.each(STORE_KINDS)("%s migrations", (kind) => {
  const m1: Migration = { version: 1, name: "one", sql: "CREATE TABLE one (x INTEGER) STRICT;" };
  const m2: Migration = { version: 2, name: "two", sql: "CREATE TABLE two (y TEXT) STRICT;" };
  const bad: Migration = {
    version: 3,
    name: "broken",
    sql: "CREATE TABLE three (z INTEGER) STRICT; INSERT INTO three VALUES (1); INSERT INTO nowhere VALUES (1);",
  };
  const noSuchTable = kind === "sqlite" ? "no such table: nowhere" : 'relation "nowhere" does not exist';

  let empty: Empty;
  beforeEach(async () => {
    empty = await emptyDatabase(kind);
  });
  afterEach(async () => {
    await empty.close();
  });

  it("applies unrecorded migrations in version order, whatever the list order", async () => {
    expect(await empty.apply([m2, m1])).toEqual([1, 2]);
    expect(await empty.tables()).toEqual(["one", "schema_migrations", "two"]);
    expect(await empty.apply([m1, m2])).toEqual([]);
  });

  it("applies only the new migration when the list grows", async () => {
    await empty.apply([m1]);
    expect(await empty.apply([m1, m2])).toEqual([2]);
    expect(await empty.recorded()).toEqual([1, 2]);
  });

  it("a failing migration leaves nothing half-applied and names itself", async () => {
    await empty.apply([m1, m2]);
    const error = await failure(() => empty.apply([m1, m2, bad]));
    expect(error).toBeInstanceOf(StoreError);
    expect(error.message).toBe(`migration 3 (broken) failed: ${noSuchTable}`);
    expect(await empty.tables()).toEqual(["one", "schema_migrations", "two"]);
    expect(await empty.recorded()).toEqual([1, 2]);
  });

  it("keeps the migrations before a failing one", async () => {
    await expect(empty.apply([m1, bad])).rejects.toThrow(StoreError);
    expect(await empty.recorded()).toEqual([1]);
    expect(await empty.tables()).toEqual(["one", "schema_migrations"]);
  });

  it("refuses two migrations with one version, and a version below 1", async () => {
    await expect(empty.apply([m1, { ...m2, version: 1 }])).rejects.toThrow(
      new StoreError("two migrations share version 1"),
    );
    await expect(empty.apply([{ ...m1, version: 0 }])).rejects.toThrow(
      new StoreError("migration one: bad version 0"),
    );
  });

  it("the shipped migrations have distinct positive versions and apply to an empty database", async () => {
    expect(new Set(allVersions).size).toBe(migrations.length);
    expect(allVersions.every((v) => Number.isInteger(v) && v >= 1)).toBe(true);
    expect(await empty.apply(migrations)).toEqual(allVersions);
  });
});

describe("sqlite only", () => {
  let dir: string;
  const open: SqliteDb[] = [];
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "isl-store-"));
  });
  afterEach(async () => {
    for (const db of open.splice(0)) await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("sqlite: creates the data directory and the store file in it", () => {
    const dataDir = path.join(dir, "nested", "data");
    const db = openStore(dataDir);
    open.push(db);
    expect(db.location).toBe(path.join(dataDir, STORE_FILE));
  });

  it("sqlite: runs in WAL mode with foreign keys on", () => {
    const db = openStore(dir);
    open.push(db);
    expect(db.raw.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.raw.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(db.raw.pragma("busy_timeout", { simple: true })).toBe(5000);
  });

  it("sqlite: a file refused as newer is closed again, not held open", async () => {
    const db = openStore(dir);
    await db
      .prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'x')")
      .run();
    await db.close();
    expect(db.open).toBe(false);
    expect(openHandles(path.join(dir, STORE_FILE))).toBe(0);
    expect(() => open.push(openStore(dir))).toThrow(new StoreError(NEWER));
    // A leaked handle would keep the file and its WAL alive.
    expect(openHandles(path.join(dir, STORE_FILE))).toBe(0);
  });

  it("sqlite: names CONSOLE_DATA_DIR when the directory cannot be created", () => {
    const blocker = path.join(dir, "a-file");
    writeFileSync(blocker, "");
    expect(() => openStore(path.join(blocker, "data"))).toThrow(
      new StoreError(`CONSOLE_DATA_DIR: cannot create ${path.join(blocker, "data")} (ENOTDIR)`),
    );
  });
});

describe("postgres only", () => {
  it("postgres: two handles opening a fresh database at once migrate it once", async () => {
    const { url, drop } = await createTestDatabase();
    const a = new PostgresDb(url, { max: 2 });
    const b = new PostgresDb(url, { max: 2 });
    try {
      const [ra, rb] = await Promise.all([a.ready, b.ready]);
      // One applied everything, the other found it done (or they split it): each version once.
      expect([...ra, ...rb].sort((x, y) => x - y)).toEqual(allVersions);
      const counts = (await a
        .prepare("SELECT version, COUNT(*) AS n FROM schema_migrations GROUP BY version ORDER BY version")
        .all()) as { version: number; n: number }[];
      expect(counts).toEqual(allVersions.map((version) => ({ version, n: 1 })));
      expect(await schemaVersion(b)).toBe(latest);
    } finally {
      await Promise.all([a.close(), b.close()]);
      await drop();
    }
  });

  it("postgres: an unreachable server rejects ready naming DATABASE_URL and the host, never the password", async () => {
    const db = new PostgresDb("postgres://console:s3cret-pw@127.0.0.1:1/isl", { max: 1 });
    try {
      const error = await failure(() => db.ready);
      expect(error).toBeInstanceOf(StoreError);
      expect(error.message).toMatch(/^DATABASE_URL: cannot connect to postgres:\/\/127\.0\.0\.1:1\/isl: /);
      expect(error.message).not.toContain("s3cret-pw");
      expect(error.message).not.toContain("console:");
      expect(db.location).toBe("postgres://127.0.0.1:1/isl");
      // A statement waits for the migration, so it fails the same way.
      await expect(db.prepare("SELECT 1").get()).rejects.toThrow(error.message);
    } finally {
      await db.close();
    }
  });
});

describe("store errors across bundles", () => {
  it("are recognised by brand: another copy of the module's classes still answers instanceof", async () => {
    // Next.js bundles lib/store/db.ts into each route and the start-up code apart: the store made by
    // one bundle throws classes another bundle did not define.
    vi.resetModules();
    const other = await import("./db");
    expect(other.StoreUnavailableError).not.toBe(StoreUnavailableError);
    const down = new other.StoreUnavailableError("DATABASE_URL: postgres://db:5432/console stopped answering");
    expect(down instanceof StoreUnavailableError).toBe(true);
    expect(down instanceof StoreError).toBe(true);
    expect(down instanceof Error).toBe(true);
    const refused = new other.StoreError("store has migrations this console does not know (99)");
    expect(refused instanceof StoreError).toBe(true);
    expect(refused instanceof StoreUnavailableError).toBe(false);
    expect(new Error("x") instanceof StoreError).toBe(false);
    expect((null as unknown) instanceof StoreUnavailableError).toBe(false);
    expect(Object.assign(new Error("x"), { code: "ECONNREFUSED" }) instanceof StoreUnavailableError).toBe(false);
  });
});

describe("logStoreFailure", () => {
  it("logs an outage once a minute per loop, the message only; other failures every time, in full", () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const down = new StoreUnavailableError("DATABASE_URL: postgres://db:5432/console stopped answering");
      const t0 = 1_800_000_000_000;
      for (let s = 0; s < 60; s++) logStoreFailure("sampler r1", down, t0 + s * 1000);
      logStoreFailure("sampler r2", down, t0 + 5000);
      logStoreFailure("sampler r1", down, t0 + 60_000);
      expect(logged.mock.calls).toEqual([
        [`isl-console: sampler r1: ${down.message}`],
        [`isl-console: sampler r2: ${down.message}`],
        [`isl-console: sampler r1: ${down.message}`],
      ]);
      logged.mockClear();
      const bug = new TypeError("x is undefined");
      logStoreFailure("sampler r1", bug, t0 + 61_000);
      logStoreFailure("sampler r1", bug, t0 + 62_000);
      expect(logged.mock.calls).toEqual([
        ["isl-console: sampler r1:", bug],
        ["isl-console: sampler r1:", bug],
      ]);
    } finally {
      logged.mockRestore();
    }
  });
});
