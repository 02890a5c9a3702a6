import { describe, expect, it } from "vitest";
import {
  createTestDatabase,
  openTestStore,
  STORE_KINDS,
  withPostgresClient,
  type TestStore,
  useTestStore,
} from "@/tests/helpers/stores";
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
import { PostgresDb } from "./postgres";
import { SqliteDb } from "./sqlite";

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

/**
 * Runs `sql` on the store behind its API, as someone with the file or a database login could:
 * SQLite without the append-only trigger, PostgreSQL on its own connection with triggers off
 * (`session_replication_role = replica`).
 */
async function behindTheApi(store: TestStore, sql: string): Promise<void> {
  if (store.db instanceof SqliteDb) {
    store.db.raw.exec("DROP TRIGGER IF EXISTS audit_log_no_update");
    store.db.raw.exec("DROP TRIGGER IF EXISTS audit_log_no_delete");
    store.db.raw.exec(sql);
    return;
  }
  if (!store.url) throw new Error("a PostgreSQL test store has a URL");
  await withPostgresClient(store.url, async (client) => {
    await client.query("SET session_replication_role = replica");
    await client.query(sql);
  });
}

describe.each(STORE_KINDS)("%s audit_log", (kind) => {
  const store = useTestStore(kind);

  it("chains entries from the genesis hash and answers them with ids", async () => {
    const [a, b] = await appendAuditEntries(store.db, [
      entry(),
      entry({ kind: "outcome", intentId: "previous", outcome: "ok", affected: 1 }),
    ]);
    expect(a?.id).toBe(1);
    expect(a?.prevHash).toBe(GENESIS_HASH);
    expect(b?.intentId).toBe(1);
    expect(b?.prevHash).toBe(a?.hash);
    expect(await getAuditEntry(store.db, 2)).toEqual(b);
    expect(await outcomeOf(store.db, 1)).toEqual(b);
    expect(await verifyAuditLog(store.db)).toEqual({ ok: true, checked: 2, head: b?.hash });
  });

  it("refuses UPDATE and DELETE", async () => {
    await appendAuditEntries(store.db, [entry()]);
    await expect(store.db.prepare("UPDATE audit_log SET actor = 'mallory'").run()).rejects.toThrow(
      /append-only/,
    );
    await expect(store.db.prepare("DELETE FROM audit_log").run()).rejects.toThrow(/append-only/);
  });

  it("concurrent appends chain one after the other, never to the same head", async () => {
    const batches = await Promise.all(
      ["alice", "bob", "carol", "dave"].map((actor) =>
        appendAuditEntries(store.db, [
          entry({ actor }),
          entry({ actor, kind: "outcome", intentId: "previous", outcome: "ok" }),
        ]),
      ),
    );
    expect(
      batches
        .flat()
        .map((e) => e.id)
        .sort((x, y) => x - y),
    ).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const [intent, outcome] of batches) expect(outcome?.intentId).toBe(intent?.id);
    expect(await verifyAuditLog(store.db)).toMatchObject({ ok: true, checked: 8 });
  });

  it("verify walks a log longer than one page", async () => {
    const appended = await appendAuditEntries(
      store.db,
      Array.from({ length: 1001 }, () => entry()),
    );
    expect(await verifyAuditLog(store.db)).toEqual({ ok: true, checked: 1001, head: appended.at(-1)?.hash });
  });

  it("filters newest first by instance, actor, action, outcome and since", async () => {
    await appendAuditEntries(store.db, [
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
    expect((await listAuditEntries(store.db, all)).map((e) => e.id)).toEqual([5, 4, 3, 2, 1]);
    expect((await listAuditEntries(store.db, { ...all, actor: "bob" })).map((e) => e.id)).toEqual([4, 3]);
    expect((await listAuditEntries(store.db, { ...all, outcome: "denied" })).map((e) => e.id)).toEqual([4]);
    expect(
      (await listAuditEntries(store.db, { ...all, instance: "demo", action: "expire" })).map((e) => e.id),
    ).toEqual([2, 1]);
    expect(
      (await listAuditEntries(store.db, { ...all, since: "2026-11-29T10:30:00Z" })).map((e) => e.id),
    ).toEqual([4, 3]);
    expect((await listAuditEntries(store.db, { limit: 2 })).map((e) => e.id)).toEqual([5, 4]);
    expect((await listAuditEntries(store.db, { limit: 2, before: 4 })).map((e) => e.id)).toEqual([3, 2]);
    expect((await openIntents(store.db)).map((e) => e.id)).toEqual([5]);
  });

  it("a row altered behind the API is named by verify", async () => {
    await appendAuditEntries(store.db, [
      entry(),
      entry({ kind: "outcome", intentId: "previous", outcome: "ok", affected: 1 }),
      entry(),
    ]);
    await behindTheApi(store.store, "UPDATE audit_log SET affected = 1000 WHERE id = 2");
    expect((await getAuditEntry(store.db, 2))?.affected).toBe(1000);
    expect(await verifyAuditLog(store.db)).toMatchObject({ ok: false, brokenId: 2, checked: 1 });
  });

  it("a row removed behind the API is named by verify", async () => {
    await appendAuditEntries(store.db, [entry(), entry(), entry()]);
    await behindTheApi(store.store, "DELETE FROM audit_log WHERE id = 2");
    expect(await verifyAuditLog(store.db)).toMatchObject({ ok: false, brokenId: 3, checked: 1 });
    await behindTheApi(store.store, "DELETE FROM audit_log WHERE id = 1");
    expect(await verifyAuditLog(store.db)).toMatchObject({ ok: false, brokenId: 3, checked: 0 });
  });
});

describe("sqlite only", () => {
  it("sqlite: restores the connection's synchronous setting after a FULL append", async () => {
    const store = await openTestStore("sqlite");
    try {
      if (!(store.db instanceof SqliteDb)) throw new Error("a SQLite test store");
      const raw = store.db.raw;
      const before = raw.pragma("synchronous", { simple: true });
      await appendAuditEntries(store.db, [entry()]);
      expect(raw.pragma("synchronous", { simple: true })).toBe(before);
    } finally {
      await store.close();
    }
  });
});

describe("postgres only", () => {
  it("postgres: the triggers refuse UPDATE, DELETE and TRUNCATE", async () => {
    const store = await openTestStore("postgres");
    try {
      await appendAuditEntries(store.db, [entry(), entry()]);
      await expect(
        store.db.prepare("UPDATE audit_log SET actor = 'mallory' WHERE id = 1").run(),
      ).rejects.toThrow("the audit log is append-only");
      await expect(store.db.prepare("DELETE FROM audit_log WHERE id = 2").run()).rejects.toThrow(
        "the audit log is append-only",
      );
      await expect(store.db.exec("TRUNCATE audit_log")).rejects.toThrow("the audit log is append-only");
      // Inside a transaction too, and the refusal rolls the transaction back.
      await expect(
        store.db.transaction(async (tx) => {
          await tx.prepare("UPDATE audit_log SET actor = 'mallory'").run();
        }),
      ).rejects.toThrow("the audit log is append-only");
      expect(await verifyAuditLog(store.db)).toMatchObject({ ok: true, checked: 2 });
    } finally {
      await store.close();
    }
  });

  it("postgres: two handles (two pools, as two replicas) appending at once give one intact chain", async () => {
    const { url, drop } = await createTestDatabase();
    const replicas = [new PostgresDb(url, { max: 4 }), new PostgresDb(url, { max: 4 })];
    try {
      await Promise.all(replicas.map((r) => r.ready));
      const n = 100;
      const appended = await Promise.all(
        Array.from({ length: n }, (_, i) =>
          replicas.map((r, which) => appendAuditEntries(r, [entry({ actor: `replica-${which}-${i}` })])),
        ).flat(),
      );
      const ids = appended.flat().map((e) => e.id);
      expect(ids.sort((x, y) => x - y)).toEqual(Array.from({ length: 2 * n }, (_, i) => i + 1));
      const [first, second] = replicas as [PostgresDb, PostgresDb];
      expect(await verifyAuditLog(first)).toMatchObject({ ok: true, checked: 2 * n });
      const rows = (await second.prepare("SELECT id, hash, prev_hash FROM audit_log ORDER BY id").all()) as {
        id: number;
        hash: string;
        prev_hash: string;
      }[];
      expect(rows.map((r) => r.id)).toEqual(Array.from({ length: 2 * n }, (_, i) => i + 1));
      rows.forEach((row, i) => expect(row.prev_hash).toBe(rows[i - 1]?.hash ?? GENESIS_HASH));
      // Both replicas appended.
      const actors = new Set(appended.flat().map((e) => e.actor.split("-")[1]));
      expect(actors).toEqual(new Set(["0", "1"]));
    } finally {
      await Promise.all(replicas.map((r) => r.close()));
      await drop();
    }
  });
});
