import { createCipheriv, hkdfSync, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore } from "@/lib/store/db";
import type { SqliteDb } from "@/lib/store/sqlite";
import { findSession } from "@/lib/store/sessions";
import { inCidrs, parseAddress, parseCidr } from "@/lib/config/cidr";
import { hashPassword, verifyPassword } from "./passwords";
import {
  endSession,
  newSessionId,
  openSession,
  reconcileSessions,
  RENEW_AFTER_MS,
  resumeSession,
  sealSession,
  SESSION_MAX_AGE_MS,
  sessionCookie,
  sessionIdHash,
  startSession,
} from "./session";
import { matchToken, sha256 } from "./tokens";

const cidrs = (...list: string[]) => list.map(parseCidr);

describe("CIDR matching", () => {
  it("matches IPv4 ranges and bare addresses", () => {
    const trusted = cidrs("10.0.0.0/8", "192.168.1.7");
    expect(inCidrs("10.200.3.4", trusted)).toBe(true);
    expect(inCidrs("192.168.1.7", trusted)).toBe(true);
    expect(inCidrs("192.168.1.8", trusted)).toBe(false);
    expect(inCidrs("11.0.0.1", trusted)).toBe(false);
  });

  it("treats an IPv4-mapped IPv6 peer as IPv4", () => {
    expect(inCidrs("::ffff:10.1.2.3", cidrs("10.0.0.0/8"))).toBe(true);
    expect(inCidrs("::ffff:127.0.0.1", cidrs("10.0.0.0/8"))).toBe(false);
  });

  it("matches IPv6 ranges, compressed or not", () => {
    const trusted = cidrs("fd00:1234::/32", "::1/128");
    expect(inCidrs("fd00:1234:0:0:0:0:0:9", trusted)).toBe(true);
    expect(inCidrs("fd00:1235::9", trusted)).toBe(false);
    expect(inCidrs("::1", trusted)).toBe(true);
    expect(inCidrs("::2", trusted)).toBe(false);
    expect(inCidrs("10.0.0.1", cidrs("::/0"))).toBe(false);
  });

  it("matches nothing for a missing or malformed address, and rejects malformed ranges", () => {
    expect(inCidrs(undefined, cidrs("0.0.0.0/0"))).toBe(false);
    expect(inCidrs("not-an-ip", cidrs("0.0.0.0/0"))).toBe(false);
    expect(() => parseCidr("10.0.0.0/33")).toThrow(/prefix/);
    expect(() => parseCidr("10.0.0/8")).toThrow(/not an IPv4/);
    expect(() => parseCidr("10.0.0.0/8x")).toThrow(/prefix/);
    expect(parseAddress("[::1]")).toEqual({ version: 6, value: 1n });
  });
});

describe("password hashes", () => {
  const fast = { N: 1024, r: 8, p: 1 };

  it("verifies the right password and refuses a wrong one", async () => {
    const hash = await hashPassword("correct horse battery", fast);
    expect(hash).toMatch(/^scrypt\$1024\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(await verifyPassword("correct horse battery", hash)).toBe(true);
    expect(await verifyPassword("correct horse batterY", hash)).toBe(false);
  });

  it("salts every hash and never matches a malformed one", async () => {
    expect(await hashPassword("same", fast)).not.toBe(await hashPassword("same", fast));
    expect(await verifyPassword("x", "scrypt$1000$8$1$abc$def")).toBe(false);
    expect(await verifyPassword("x", "bcrypt$whatever")).toBe(false);
  });
});

describe("session cookies", () => {
  const secret = "s".repeat(40);
  const t0 = 1_800_000_000_000;
  const sid = newSessionId();

  it("opens what it sealed, up to 12 h after sign-in", () => {
    const sealed = sealSession({ sid, u: "alice", iat: t0 }, secret);
    expect(openSession(sealed, secret, t0)).toEqual({ v: 2, sid, u: "alice", iat: t0 });
    expect(openSession(sealed, secret, t0 + SESSION_MAX_AGE_MS - 1)).toMatchObject({ sid });
  });

  it("refuses a cookie older than the absolute lifetime, or signed in in the future", () => {
    const sealed = sealSession({ sid, u: "alice", iat: t0 }, secret);
    expect(openSession(sealed, secret, t0 + SESSION_MAX_AGE_MS)).toBeUndefined();
    expect(openSession(sealed, secret, t0 - 120_000)).toBeUndefined();
  });

  it("refuses a cookie sealed with another secret, or altered by one bit", () => {
    const sealed = sealSession({ sid, u: "alice", iat: t0 }, secret);
    expect(openSession(sealed, "t".repeat(40), t0)).toBeUndefined();
    const raw = Buffer.from(sealed, "base64url");
    raw[20] = (raw[20] ?? 0) ^ 1;
    expect(openSession(raw.toString("base64url"), secret, t0)).toBeUndefined();
    expect(openSession("garbage", secret, t0)).toBeUndefined();
    expect(openSession(undefined, secret, t0)).toBeUndefined();
  });

  it("refuses a version-1 cookie (no session id): its holder is signed out", () => {
    // Sealed exactly as the previous console did: same key, payload { v: 1, u, iat, seen }.
    const key = Buffer.from(
      hkdfSync("sha256", secret, "isl-redis-console", "session cookie v1 aes-256-gcm", 32),
    );
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", key, iv);
    const body = Buffer.concat([
      cipher.update(JSON.stringify({ v: 1, u: "alice", iat: t0, seen: t0 }), "utf8"),
      cipher.final(),
    ]);
    const v1 = Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64url");
    expect(openSession(v1, secret, t0)).toBeUndefined();
    // The same sealing with a current payload opens, so the refusal is the version, not the key.
    const v2 = createCipheriv("aes-256-gcm", key, iv);
    const body2 = Buffer.concat([
      v2.update(JSON.stringify({ v: 2, sid, u: "alice", iat: t0 }), "utf8"),
      v2.final(),
    ]);
    const current = Buffer.concat([iv, body2, v2.getAuthTag()]).toString("base64url");
    expect(openSession(current, secret, t0)).toMatchObject({ u: "alice", sid });
  });

  it("does not carry the user name or the session id in clear text", () => {
    const sealed = sealSession({ sid, u: "alice-the-admin", iat: t0 }, secret);
    const bytes = Buffer.from(sealed, "base64url").toString("latin1");
    expect(bytes).not.toContain("alice");
    expect(sealed).not.toContain(sid);
    expect(bytes).not.toContain(Buffer.from(sid, "base64url").toString("latin1"));
  });

  it("session ids are 32 random bytes; the store keeps their SHA-256 only", () => {
    const ids = new Set(Array.from({ length: 100 }, newSessionId));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(Buffer.from(id, "base64url")).toHaveLength(32);
    expect(sessionIdHash("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("sets HttpOnly, SameSite=Strict, and Secure when asked", () => {
    expect(sessionCookie("v", 30 * 60_000, { secure: true })).toBe(
      "isl_session=v; Path=/; HttpOnly; SameSite=Strict; Max-Age=1800; Secure",
    );
    expect(sessionCookie("v", 30 * 60_000, { secure: false })).not.toContain("Secure");
  });
});

describe("sessions in the store", () => {
  const secret = "s".repeat(40);
  const idle = 30 * 60_000;
  const t0 = 1_800_000_000_000;
  let dir: string;
  let db: SqliteDb;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "isl-sessions-auth-"));
    db = openStore(dir);
  });
  afterEach(async () => {
    if (db.open) await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function signIn(username = "alice", at = t0) {
    const payload = openSession(await startSession(db, username, secret, at, idle), secret, at);
    if (!payload) throw new Error("the new session cookie does not open");
    return payload;
  }

  it("a sign-in stores a row keyed by the id's SHA-256, never the id itself", async () => {
    const s = await signIn();
    expect(await findSession(db, sessionIdHash(s.sid))).toEqual({
      idHash: sessionIdHash(s.sid),
      username: "alice",
      createdAt: t0,
      lastSeen: t0,
      expiresAt: t0 + SESSION_MAX_AGE_MS,
      revokedAt: null,
      revokeReason: null,
    });
    const dump = JSON.stringify(await db.prepare("SELECT * FROM sessions").all());
    expect(dump).not.toContain(s.sid);
  });

  it("a live session is resumed; its idle clock moves at most once per minute", async () => {
    const s = await signIn();
    expect(await resumeSession(db, s, t0 + 1_000, idle)).toEqual({ live: true, username: "alice", renewed: false });
    expect(await resumeSession(db, s, t0 + RENEW_AFTER_MS - 1, idle)).toMatchObject({ renewed: false });
    expect((await findSession(db, sessionIdHash(s.sid)))?.lastSeen).toBe(t0);
    expect(await resumeSession(db, s, t0 + RENEW_AFTER_MS, idle)).toMatchObject({ live: true, renewed: true });
    expect((await findSession(db, sessionIdHash(s.sid)))?.lastSeen).toBe(t0 + RENEW_AFTER_MS);
    // A burst right after the renewal writes nothing.
    for (let i = 1; i <= 5; i++)
      expect(await resumeSession(db, s, t0 + RENEW_AFTER_MS + i * 1_000, idle)).toMatchObject({ renewed: false });
    expect((await findSession(db, sessionIdHash(s.sid)))?.lastSeen).toBe(t0 + RENEW_AFTER_MS);
  });

  it("ends after the idle time without a request, and slides while used", async () => {
    const idleOut = await signIn();
    expect(await resumeSession(db, idleOut, t0 + idle, idle)).toMatchObject({ live: true });
    const other = await signIn("alice", t0 + 1);
    expect(await resumeSession(db, other, t0 + 1 + idle + 1, idle)).toEqual({ live: false, reason: "idle" });

    // Used every 20 minutes, a session outlives the 30-minute idle time many times over.
    const used = await signIn("bob");
    for (let t = t0; t <= t0 + 6 * 3_600_000; t += 20 * 60_000)
      expect(await resumeSession(db, used, t, idle), `at +${(t - t0) / 60_000} min`).toMatchObject({ live: true });
  });

  it("ends 12 h after sign-in however active", async () => {
    const s = await signIn();
    for (let t = t0; t < t0 + SESSION_MAX_AGE_MS; t += 10 * 60_000)
      expect(await resumeSession(db, s, t, idle)).toMatchObject({ live: true });
    expect(await resumeSession(db, s, t0 + SESSION_MAX_AGE_MS, idle)).toEqual({ live: false, reason: "expired" });
  });

  it("signing out revokes only that session; a replay of its cookie is refused", async () => {
    const a = await signIn();
    const b = await signIn("alice", t0 + 5);
    expect(await endSession(db, a, t0 + 10)).toBe(true);
    expect(await endSession(db, a, t0 + 11)).toBe(false);
    expect(await resumeSession(db, a, t0 + 20, idle)).toEqual({ live: false, reason: "revoked" });
    expect(await resumeSession(db, a, t0 + 2 * RENEW_AFTER_MS, idle)).toEqual({ live: false, reason: "revoked" });
    expect(await findSession(db, sessionIdHash(a.sid))).toMatchObject({
      revokedAt: t0 + 10,
      revokeReason: "signed_out",
    });
    expect(await resumeSession(db, b, t0 + 20, idle)).toMatchObject({ live: true });
  });

  it("refuses an id the store does not know, or a row of another user", async () => {
    const s = await signIn();
    expect(await resumeSession(db, { ...s, sid: newSessionId() }, t0, idle)).toEqual({
      live: false,
      reason: "unknown",
    });
    expect(await resumeSession(db, { ...s, u: "mallory" }, t0, idle)).toEqual({ live: false, reason: "unknown" });
  });

  it("at start-up revokes the sessions of removed users and prunes what can never be used again", async () => {
    // (Each sign-in prunes too, so the order matters: nothing is revoked or idle before the last one.)
    const alice = await signIn("alice");
    const gone = await signIn("gone");
    const signedOut = await signIn("bob");
    const idled = await signIn("carol", t0 - idle - 60_000);
    await endSession(db, signedOut, t0 + 1);
    const now = t0 + 1_000;
    expect(await reconcileSessions(db, ["alice", "bob", "carol"], now, idle)).toEqual({ revoked: 1, pruned: 3 });
    expect(await resumeSession(db, alice, now, idle)).toMatchObject({ live: true });
    for (const s of [gone, signedOut, idled]) {
      expect(await resumeSession(db, s, now, idle)).toEqual({ live: false, reason: "unknown" });
    }
    expect(await db.prepare("SELECT COUNT(*) AS n FROM sessions").get()).toEqual({ n: 1 });
    // Signing in again later leaves only live rows as well.
    expect(await reconcileSessions(db, ["alice"], now + SESSION_MAX_AGE_MS, idle)).toEqual({
      revoked: 0,
      pruned: 1,
    });
  });

  it("a store that cannot be read throws instead of answering live", async () => {
    const s = await signIn();
    await db.close();
    await expect(resumeSession(db, s, t0, idle)).rejects.toThrow();
  });
});

describe("API tokens", () => {
  const entries = [
    { name: "prometheus", role: "viewer" as const, sha256: sha256("tok-prom") },
    { name: "ci", role: "operator" as const, sha256: sha256("tok-ci") },
  ];

  it("finds the entry whose SHA-256 matches the token", async () => {
    expect(matchToken("tok-ci", entries)?.name).toBe("ci");
    expect(matchToken("tok-prom", entries)?.role).toBe("viewer");
  });

  it("finds nothing for an unknown token or the hash itself", async () => {
    expect(matchToken("tok-other", entries)).toBeUndefined();
    expect(matchToken(sha256("tok-ci").toString("hex"), entries)).toBeUndefined();
  });
});
