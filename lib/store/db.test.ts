import { mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { migrate, openStore, schemaVersion, STORE_FILE, StoreError, type Db } from "./db";
import { getMeta, setMeta } from "./meta";
import { migrations, type Migration } from "./migrations";

const latest = Math.max(...migrations.map((m) => m.version));
const allVersions = migrations.map((m) => m.version).sort((a, b) => a - b);

let dir: string;
const open: Db[] = [];

function track(db: Db): Db {
  open.push(db);
  return db;
}

function tables(db: Db): string[] {
  return (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
      name: string;
    }[]
  ).map((r) => r.name);
}

function recorded(db: Db): number[] {
  return (
    db.prepare("SELECT version FROM schema_migrations ORDER BY version").all() as { version: number }[]
  ).map((r) => r.version);
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

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "isl-store-"));
});

afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("openStore", () => {
  it("creates the data directory and the file, and applies every migration to it", () => {
    const dataDir = path.join(dir, "nested", "data");
    const db = track(openStore(dataDir));
    expect(db.name).toBe(path.join(dataDir, STORE_FILE));
    expect(recorded(db)).toEqual(allVersions);
    expect(schemaVersion(db)).toBe(latest);
    expect(tables(db)).toEqual(expect.arrayContaining(["meta", "schema_migrations"]));
  });

  it("runs in WAL mode with foreign keys on", () => {
    const db = track(openStore(dir));
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(db.pragma("busy_timeout", { simple: true })).toBe(5000);
  });

  it("reopening a migrated file applies nothing and keeps its data", () => {
    const first = openStore(dir);
    setMeta(first, "installation", "abc123");
    const appliedAt = first.prepare("SELECT applied_at FROM schema_migrations WHERE version = 1").get();
    first.close();

    const again = track(openStore(dir));
    expect(migrate(again)).toEqual([]);
    expect(getMeta(again, "installation")).toBe("abc123");
    expect(again.prepare("SELECT applied_at FROM schema_migrations WHERE version = 1").get()).toEqual(
      appliedAt,
    );
    expect(recorded(again)).toEqual(allVersions);
  });

  it("refuses a file written by a newer console, naming the unknown version, and closes it", () => {
    const db = openStore(dir);
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'x')").run();
    db.close();
    expect(openHandles(path.join(dir, STORE_FILE))).toBe(0);

    let error: unknown;
    try {
      track(openStore(dir));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toBe(
      "store has migrations this console does not know (999); upgrade the console",
    );
    // The refused file is not held open (a leaked handle would keep it and its WAL alive).
    expect(openHandles(path.join(dir, STORE_FILE))).toBe(0);
  });

  it("names CONSOLE_DATA_DIR when the directory cannot be created", () => {
    const blocker = path.join(dir, "a-file");
    writeFileSync(blocker, "");
    expect(() => openStore(path.join(blocker, "data"))).toThrow(
      new StoreError(`CONSOLE_DATA_DIR: cannot create ${path.join(blocker, "data")} (ENOTDIR)`),
    );
  });
});

describe("migrate", () => {
  const m1: Migration = { version: 1, name: "one", sql: "CREATE TABLE one (x INTEGER) STRICT;" };
  const m2: Migration = { version: 2, name: "two", sql: "CREATE TABLE two (y TEXT) STRICT;" };
  const bad: Migration = {
    version: 3,
    name: "broken",
    sql: "CREATE TABLE three (z INTEGER) STRICT; INSERT INTO three VALUES (1); INSERT INTO nowhere VALUES (1);",
  };

  function memory(): Db {
    return track(new Database(":memory:"));
  }

  it("applies unrecorded migrations in version order, whatever the list order", () => {
    const db = memory();
    expect(migrate(db, [m2, m1])).toEqual([1, 2]);
    expect(tables(db)).toEqual(["one", "schema_migrations", "two"]);
    expect(migrate(db, [m1, m2])).toEqual([]);
  });

  it("applies only the new migration when the list grows", () => {
    const db = memory();
    migrate(db, [m1]);
    expect(migrate(db, [m1, m2])).toEqual([2]);
    expect(recorded(db)).toEqual([1, 2]);
  });

  it("a failing migration leaves nothing half-applied and names itself", () => {
    const db = memory();
    migrate(db, [m1, m2]);
    let error: unknown;
    try {
      migrate(db, [m1, m2, bad]);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toBe("migration 3 (broken) failed: no such table: nowhere");
    expect(tables(db)).toEqual(["one", "schema_migrations", "two"]);
    expect(recorded(db)).toEqual([1, 2]);
  });

  it("keeps the migrations before a failing one", () => {
    const db = memory();
    expect(() => migrate(db, [m1, bad])).toThrow(StoreError);
    expect(recorded(db)).toEqual([1]);
    expect(tables(db)).toEqual(["one", "schema_migrations"]);
  });

  it("refuses two migrations with one version, and a version below 1", () => {
    expect(() => migrate(memory(), [m1, { ...m2, version: 1 }])).toThrow(
      new StoreError("two migrations share version 1"),
    );
    expect(() => migrate(memory(), [{ ...m1, version: 0 }])).toThrow(
      new StoreError("migration one: bad version 0"),
    );
  });

  it("the shipped migrations have distinct positive versions and apply to an empty database", () => {
    expect(new Set(allVersions).size).toBe(migrations.length);
    expect(allVersions.every((v) => Number.isInteger(v) && v >= 1)).toBe(true);
    expect(migrate(memory())).toEqual(allVersions);
  });
});
