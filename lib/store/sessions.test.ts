import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore, type Db } from "./db";
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

describe("sessions store", () => {
  let dir: string;
  let db: Db;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "sessions-store-"));
    db = openStore(dir);
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function add(idHash: string, username: string, createdAt = t0) {
    insertSession(db, { idHash, username, createdAt, expiresAt: createdAt + 12 * HOUR });
  }

  it("comes with migration 6, after the five before it", () => {
    expect(migrations.findIndex((m) => m.version === 6)).toBe(5);
    expect(migrations.find((m) => m.version === 6)?.name).toBe("sessions");
  });

  it("stores a session, last seen at sign-in, and finds it by its id hash", () => {
    add("h1", "alice");
    expect(findSession(db, "h1")).toEqual({
      idHash: "h1",
      username: "alice",
      createdAt: t0,
      lastSeen: t0,
      expiresAt: t0 + 12 * HOUR,
      revokedAt: null,
      revokeReason: null,
    });
    expect(findSession(db, "h2")).toBeUndefined();
    expect(() => add("h1", "bob")).toThrow(/UNIQUE/);
  });

  it("touch moves last_seen only when the last write is old enough, and never on a revoked row", () => {
    add("h1", "alice");
    expect(touchSession(db, "h1", t0 + 59_999, 60_000)).toBe(false);
    expect(touchSession(db, "h1", t0 + 60_000, 60_000)).toBe(true);
    expect(touchSession(db, "h1", t0 + 60_001, 60_000)).toBe(false);
    expect(findSession(db, "h1")?.lastSeen).toBe(t0 + 60_000);
    revokeSession(db, "h1", t0 + 61_000, "signed_out");
    expect(touchSession(db, "h1", t0 + 10 * 60_000, 60_000)).toBe(false);
    expect(touchSession(db, "unknown", t0 + 10 * 60_000, 60_000)).toBe(false);
  });

  it("revokes once, keeping the first time and reason", () => {
    add("h1", "alice");
    expect(revokeSession(db, "h1", t0 + 5, "signed_out")).toBe(true);
    expect(revokeSession(db, "h1", t0 + 9, "user_removed")).toBe(false);
    expect(findSession(db, "h1")).toMatchObject({ revokedAt: t0 + 5, revokeReason: "signed_out" });
    expect(revokeSession(db, "nope", t0, "signed_out")).toBe(false);
  });

  it("revokes every live session of users outside the list, and only those", () => {
    add("a1", "alice");
    add("a2", "alice");
    add("b1", "bob");
    add("q1", "o'brien");
    add("x1", "xavier");
    revokeSession(db, "x1", t0 + 1, "signed_out");
    expect(revokeSessionsOfOtherUsers(db, ["alice", "o'brien"], t0 + 10, "user_removed")).toBe(1);
    expect(sessionsOf(db, "alice").map((s) => s.revokedAt)).toEqual([null, null]);
    expect(findSession(db, "q1")?.revokedAt).toBeNull();
    expect(findSession(db, "b1")).toMatchObject({ revokedAt: t0 + 10, revokeReason: "user_removed" });
    // Already revoked: unchanged.
    expect(findSession(db, "x1")).toMatchObject({ revokedAt: t0 + 1, revokeReason: "signed_out" });
    // No users at all (SSO only): every session goes.
    expect(revokeSessionsOfOtherUsers(db, [], t0 + 20, "user_removed")).toBe(3);
  });

  it("prunes revoked, expired and idle rows, and keeps live ones", () => {
    add("live", "alice", t0);
    add("revoked", "alice", t0);
    revokeSession(db, "revoked", t0 + 1, "signed_out");
    add("expired", "alice", t0 - 12 * HOUR);
    add("idle", "alice", t0 - idle - 1);
    add("idle-edge", "alice", t0 - idle);
    expect(pruneSessions(db, t0, idle)).toBe(3);
    expect(
      sessionsOf(db, "alice")
        .map((s) => s.idHash)
        .sort(),
    ).toEqual(["idle-edge", "live"]);
    expect(pruneSessions(db, t0, idle)).toBe(0);
  });
});
