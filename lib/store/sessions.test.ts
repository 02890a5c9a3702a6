import { describe, expect, it } from "vitest";
import { STORE_KINDS, useTestStore } from "@/tests/helpers/stores";
import { migrations } from "./migrations";
import {
  findSession,
  insertSession,
  pruneSessions,
  revokeSession,
  revokeSessionsOfOtherUsers,
  sessionsOf,
  touchSession,
} from "./sessions";

const t0 = 1_800_000_000_000;
const HOUR = 3_600_000;
const idle = 30 * 60_000;

it("the sessions table comes with migration 6, after the five before it", () => {
  expect(migrations.findIndex((m) => m.version === 6)).toBe(5);
  expect(migrations.find((m) => m.version === 6)?.name).toBe("sessions");
});

describe.each(STORE_KINDS)("%s sessions store", (kind) => {
  const store = useTestStore(kind);

  async function add(idHash: string, username: string, createdAt = t0) {
    await insertSession(store.db, { idHash, username, createdAt, expiresAt: createdAt + 12 * HOUR });
  }

  it("stores a session, last seen at sign-in, and finds it by its id hash", async () => {
    await add("h1", "alice");
    expect(await findSession(store.db, "h1")).toEqual({
      idHash: "h1",
      username: "alice",
      createdAt: t0,
      lastSeen: t0,
      expiresAt: t0 + 12 * HOUR,
      revokedAt: null,
      revokeReason: null,
    });
    expect(await findSession(store.db, "h2")).toBeUndefined();
    await expect(add("h1", "bob")).rejects.toThrow(/unique/i);
  });

  it("touch moves last_seen only when the last write is old enough, and never on a revoked row", async () => {
    await add("h1", "alice");
    expect(await touchSession(store.db, "h1", t0 + 59_999, 60_000)).toBe(false);
    expect(await touchSession(store.db, "h1", t0 + 60_000, 60_000)).toBe(true);
    expect(await touchSession(store.db, "h1", t0 + 60_001, 60_000)).toBe(false);
    expect((await findSession(store.db, "h1"))?.lastSeen).toBe(t0 + 60_000);
    await revokeSession(store.db, "h1", t0 + 61_000, "signed_out");
    expect(await touchSession(store.db, "h1", t0 + 10 * 60_000, 60_000)).toBe(false);
    expect(await touchSession(store.db, "unknown", t0 + 10 * 60_000, 60_000)).toBe(false);
  });

  it("revokes once, keeping the first time and reason", async () => {
    await add("h1", "alice");
    expect(await revokeSession(store.db, "h1", t0 + 5, "signed_out")).toBe(true);
    expect(await revokeSession(store.db, "h1", t0 + 9, "user_removed")).toBe(false);
    expect(await findSession(store.db, "h1")).toMatchObject({
      revokedAt: t0 + 5,
      revokeReason: "signed_out",
    });
    expect(await revokeSession(store.db, "nope", t0, "signed_out")).toBe(false);
  });

  it("revokes every live session of users outside the list, and only those", async () => {
    await add("a1", "alice");
    await add("a2", "alice");
    await add("b1", "bob");
    await add("q1", "o'brien");
    await add("x1", "xavier");
    await revokeSession(store.db, "x1", t0 + 1, "signed_out");
    expect(await revokeSessionsOfOtherUsers(store.db, ["alice", "o'brien"], t0 + 10, "user_removed")).toBe(1);
    expect((await sessionsOf(store.db, "alice")).map((s) => s.revokedAt)).toEqual([null, null]);
    expect((await findSession(store.db, "q1"))?.revokedAt).toBeNull();
    expect(await findSession(store.db, "b1")).toMatchObject({
      revokedAt: t0 + 10,
      revokeReason: "user_removed",
    });
    // Already revoked: unchanged.
    expect(await findSession(store.db, "x1")).toMatchObject({
      revokedAt: t0 + 1,
      revokeReason: "signed_out",
    });
    // No users at all (SSO only): every session goes.
    expect(await revokeSessionsOfOtherUsers(store.db, [], t0 + 20, "user_removed")).toBe(3);
  });

  it("prunes revoked, expired and idle rows, and keeps live ones", async () => {
    await add("live", "alice", t0);
    await add("revoked", "alice", t0);
    await revokeSession(store.db, "revoked", t0 + 1, "signed_out");
    await add("expired", "alice", t0 - 12 * HOUR);
    await add("idle", "alice", t0 - idle - 1);
    await add("idle-edge", "alice", t0 - idle);
    expect(await pruneSessions(store.db, t0, idle)).toBe(3);
    expect((await sessionsOf(store.db, "alice")).map((s) => s.idHash).sort()).toEqual(["idle-edge", "live"]);
    expect(await pruneSessions(store.db, t0, idle)).toBe(0);
  });
});
