import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GENESIS_HASH } from "./audit-chain";
import {
  appendAuditEntries,
  getAuditEntry,
  listAuditEntries,
  openIntents,
  outcomeOf,
  verifyAuditLog,
  type NewAuditEntry,
} from "./audit";
import { openStore, STORE_FILE, type Db } from "./db";

function entry(over: Partial<NewAuditEntry> = {}): NewAuditEntry {
  return {
    at: "2026-11-29T10:00:00.000Z",
    kind: "intent",
    intentId: null,
    actor: "alice",
    role: "operator",
    authMethod: "session",
    source: "10.0.0.1",
    instance: "demo",
    action: "expire",
    params: { ttlSeconds: 60 },
    targetCount: 1,
    sample: ["isl:result:\\xff"],
    reason: null,
    outcome: null,
    affected: null,
    durationMs: null,
    detail: null,
    ...over,
  };
}

let dir: string;
let db: Db;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "isl-audit-"));
  db = openStore(dir);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("audit_log", () => {
  it("chains entries from the genesis hash and answers them with ids", () => {
    const [a, b] = appendAuditEntries(db, [
      entry(),
      entry({ kind: "outcome", intentId: "previous", outcome: "ok", affected: 1 }),
    ]);
    expect(a?.id).toBe(1);
    expect(a?.prevHash).toBe(GENESIS_HASH);
    expect(b?.intentId).toBe(1);
    expect(b?.prevHash).toBe(a?.hash);
    expect(getAuditEntry(db, 2)).toEqual(b);
    expect(outcomeOf(db, 1)).toEqual(b);
    expect(verifyAuditLog(db)).toEqual({ ok: true, checked: 2, head: b?.hash });
  });

  it("refuses UPDATE and DELETE", () => {
    appendAuditEntries(db, [entry()]);
    expect(() => db.prepare("UPDATE audit_log SET actor = 'mallory'").run()).toThrow(/append-only/);
    expect(() => db.prepare("DELETE FROM audit_log").run()).toThrow(/append-only/);
  });

  it("restores the connection's synchronous setting after a FULL append", () => {
    const before = db.pragma("synchronous", { simple: true });
    appendAuditEntries(db, [entry()]);
    expect(db.pragma("synchronous", { simple: true })).toBe(before);
  });

  it("filters newest first by instance, actor, action, outcome and since", () => {
    appendAuditEntries(db, [
      entry(),
      entry({ kind: "outcome", intentId: "previous", outcome: "ok", affected: 1 }),
      entry({ actor: "bob", action: "flushdb", at: "2026-11-29T11:00:00.000Z" }),
      entry({
        kind: "outcome",
        intentId: "previous",
        actor: "bob",
        action: "flushdb",
        outcome: "denied",
        at: "2026-11-29T11:00:00.000Z",
      }),
      entry({ instance: "other" }),
    ]);
    const all = { limit: 100 };
    expect(listAuditEntries(db, all).map((e) => e.id)).toEqual([5, 4, 3, 2, 1]);
    expect(listAuditEntries(db, { ...all, actor: "bob" }).map((e) => e.id)).toEqual([4, 3]);
    expect(listAuditEntries(db, { ...all, outcome: "denied" }).map((e) => e.id)).toEqual([4]);
    expect(listAuditEntries(db, { ...all, instance: "demo", action: "expire" }).map((e) => e.id)).toEqual([
      2, 1,
    ]);
    expect(listAuditEntries(db, { ...all, since: "2026-11-29T10:30:00Z" }).map((e) => e.id)).toEqual([4, 3]);
    expect(listAuditEntries(db, { limit: 2 }).map((e) => e.id)).toEqual([5, 4]);
    expect(listAuditEntries(db, { limit: 2, before: 4 }).map((e) => e.id)).toEqual([3, 2]);
    expect(openIntents(db).map((e) => e.id)).toEqual([5]);
  });

  it("a row altered in the file (trigger dropped) is named by verify", () => {
    appendAuditEntries(db, [
      entry(),
      entry({ kind: "outcome", intentId: "previous", outcome: "ok", affected: 1 }),
      entry(),
    ]);
    db.close();
    const raw = new Database(path.join(dir, STORE_FILE));
    raw.exec("DROP TRIGGER audit_log_no_update");
    raw.prepare("UPDATE audit_log SET affected = 1000 WHERE id = 2").run();
    raw.close();
    db = openStore(dir);
    expect(verifyAuditLog(db)).toMatchObject({ ok: false, brokenId: 2, checked: 1 });
  });
});
