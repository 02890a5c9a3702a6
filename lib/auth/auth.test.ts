import { describe, expect, it } from "vitest";
import { inCidrs, parseAddress, parseCidr } from "./cidr";
import { hashPassword, verifyPassword } from "./passwords";
import { openSession, sealSession, sessionCookie, SESSION_MAX_AGE_MS } from "./session";
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
  const idle = 30 * 60_000;
  const t0 = 1_800_000_000_000;

  it("opens what it sealed, within the idle time", () => {
    const sealed = sealSession({ u: "alice", iat: t0, seen: t0 }, secret);
    expect(openSession(sealed, secret, t0 + idle - 1, idle)).toMatchObject({ u: "alice", iat: t0, seen: t0 });
  });

  it("refuses a cookie idle for longer than the timeout, or older than the absolute lifetime", () => {
    const sealed = sealSession({ u: "alice", iat: t0, seen: t0 }, secret);
    expect(openSession(sealed, secret, t0 + idle + 1, idle)).toBeUndefined();
    const renewed = sealSession({ u: "alice", iat: t0, seen: t0 + SESSION_MAX_AGE_MS }, secret);
    expect(openSession(renewed, secret, t0 + SESSION_MAX_AGE_MS + 1, idle)).toBeUndefined();
  });

  it("refuses a cookie sealed with another secret, or altered by one bit", () => {
    const sealed = sealSession({ u: "alice", iat: t0, seen: t0 }, secret);
    expect(openSession(sealed, "t".repeat(40), t0, idle)).toBeUndefined();
    const raw = Buffer.from(sealed, "base64url");
    raw[20] = (raw[20] ?? 0) ^ 1;
    expect(openSession(raw.toString("base64url"), secret, t0, idle)).toBeUndefined();
    expect(openSession("garbage", secret, t0, idle)).toBeUndefined();
  });

  it("does not carry the user name in clear text", () => {
    const sealed = sealSession({ u: "alice-the-admin", iat: t0, seen: t0 }, secret);
    expect(Buffer.from(sealed, "base64url").toString("latin1")).not.toContain("alice");
  });

  it("sets HttpOnly, SameSite=Strict, and Secure when asked", () => {
    expect(sessionCookie("v", idle, { secure: true })).toBe(
      "isl_session=v; Path=/; HttpOnly; SameSite=Strict; Max-Age=1800; Secure",
    );
    expect(sessionCookie("v", idle, { secure: false })).not.toContain("Secure");
  });
});

describe("API tokens", () => {
  const entries = [
    { name: "prometheus", role: "viewer" as const, sha256: sha256("tok-prom") },
    { name: "ci", role: "operator" as const, sha256: sha256("tok-ci") },
  ];

  it("finds the entry whose SHA-256 matches the token", () => {
    expect(matchToken("tok-ci", entries)?.name).toBe("ci");
    expect(matchToken("tok-prom", entries)?.role).toBe("viewer");
  });

  it("finds nothing for an unknown token or the hash itself", () => {
    expect(matchToken("tok-other", entries)).toBeUndefined();
    expect(matchToken(sha256("tok-ci").toString("hex"), entries)).toBeUndefined();
  });
});
