// The two stores a store test runs against: the SQLite file (a fresh data directory) and
// PostgreSQL (a fresh database on the server at STORE_TEST_POSTGRES_URL, default
// postgres://postgres@127.0.0.1:5432/postgres, dropped afterwards). A test file runs its cases for
// each: `describe.each(STORE_KINDS)("%s", (kind) => { const store = useTestStore(kind); ... store.db ... })`,
// or `openTestStore(kind)` where a test opens and closes a store itself.
// PostgreSQL must be there (`.ci/run` makes sure it is): a missing server fails the test, naming it.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { openStore, type Db } from "@/lib/store/db";
import { PostgresDb } from "@/lib/store/postgres";
import type { Migration } from "@/lib/store/migrations";
import { createTestDatabase } from "./postgres";

export { createTestDatabase, POSTGRES_ADMIN_URL, withPostgresClient } from "./postgres";

export const STORE_KINDS = ["sqlite", "postgres"] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

export interface TestStore {
  kind: StoreKind;
  db: Db;
  /** For PostgreSQL: the database's URL (a second connection, another process). */
  url?: string;
  /** For SQLite: the data directory. */
  dataDir?: string;
  /**
   * A second handle on the same store (another process or replica), migrated (with `migrations`
   * when given) and ready; rejects as opening the store would. The caller closes it.
   */
  reopen(migrations?: Migration[]): Promise<Db>;
  /** Closes the store and removes it (the directory, or DROP DATABASE). */
  close(): Promise<void>;
}

/** A PostgresDb on `url`, once migrated; closed again if migrating fails. */
async function openPostgres(url: string, migrations?: Migration[]): Promise<PostgresDb> {
  const db = new PostgresDb(url, { migrations, max: 4 });
  try {
    await db.ready;
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  return db;
}

/** A fresh store of `kind`, migrated (with `migrations` when given). */
export async function openTestStore(kind: StoreKind, migrations?: Migration[]): Promise<TestStore> {
  if (kind === "sqlite") {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "isl-store-"));
    let db: Db;
    try {
      db = openStore(dataDir, migrations);
    } catch (err) {
      rmSync(dataDir, { recursive: true, force: true });
      throw err;
    }
    return {
      kind,
      db,
      dataDir,
      reopen: async (again) => openStore(dataDir, again),
      close: async () => {
        await db.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const { url, drop } = await createTestDatabase();
  let db: PostgresDb;
  try {
    db = await openPostgres(url, migrations);
  } catch (err) {
    await drop();
    throw err;
  }
  return {
    kind,
    db,
    url,
    reopen: (again) => openPostgres(url, again),
    close: async () => {
      await db.close();
      await drop();
    },
  };
}

export interface UseTestStoreOptions {
  /** A fresh store for each test (the default), or one for the whole describe block. */
  per?: "test" | "suite";
  /** Migrations to open the store with, instead of the shipped ones. */
  migrations?: Migration[];
}

/** The store a test runs against; reading it outside a test or hook of its describe block throws. */
export interface TestStoreHandle {
  readonly store: TestStore;
  readonly db: Db;
}

/**
 * Registers, in the calling describe block, the hooks that open a fresh store of `kind` and close
 * and remove it afterwards; the handle answers the store that is open. After hooks registered
 * later in the block run before this one's, so they still find the store open.
 */
export function useTestStore(kind: StoreKind, options: UseTestStoreOptions = {}): TestStoreHandle {
  let current: TestStore | undefined;
  const [open, close] = options.per === "suite" ? [beforeAll, afterAll] : [beforeEach, afterEach];
  open(async () => {
    current = await openTestStore(kind, options.migrations);
  });
  close(async () => {
    const store = current;
    current = undefined;
    await store?.close();
  });
  const opened = (): TestStore => {
    if (!current) throw new Error(`no ${kind} test store is open: read it inside a test or hook`);
    return current;
  };
  return {
    get store() {
      return opened();
    },
    get db() {
      return opened().db;
    },
  };
}
