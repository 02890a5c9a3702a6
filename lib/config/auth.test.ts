import { describe, expect, it } from "vitest";
import { assertProductionAuth, type AuthConfig } from "./auth";
import { ConfigError } from "./errors";
import { loadConfig } from "./load";

const HEX = "a".repeat(64);

function authOf(env: Record<string, string>): AuthConfig {
  return loadConfig({ REDIS_URL: "redis://127.0.0.1:6379/0", ...env }).auth;
}

function errorOf(env: Record<string, string>): string {
  try {
    authOf(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error("accepted");
}

describe("access configuration", () => {
  it("parses API tokens as name:role:sha256hex", () => {
    const auth = authOf({ CONSOLE_API_TOKENS: `prometheus:viewer:${HEX}, ci:operator:${"b".repeat(64)}` });
    expect(auth.tokens.map((t) => [t.name, t.role, t.sha256.length])).toEqual([
      ["prometheus", "viewer", 32],
      ["ci", "operator", 32],
    ]);
  });

  it("names the token entry that is wrong, and refuses a raw token instead of its hash", () => {
    expect(errorOf({ CONSOLE_API_TOKENS: `a:root:${HEX}` })).toMatch(
      /^CONSOLE_API_TOKENS\[0\] \(a\): role must be one of/,
    );
    expect(errorOf({ CONSOLE_API_TOKENS: `a:viewer:${HEX},b:viewer:my-token` })).toMatch(
      /^CONSOLE_API_TOKENS\[1\] \(b\): the third field must be the token's SHA-256/,
    );
    expect(errorOf({ CONSOLE_API_TOKENS: `a:viewer:${HEX},a:admin:${HEX}` })).toMatch(
      /duplicate token name a/,
    );
  });

  it("needs trusted CIDRs and a group map when SSO headers are configured", () => {
    expect(
      errorOf({ AUTH_PROXY_HEADER_USER: "X-Forwarded-User", AUTH_PROXY_GROUP_ROLES: "*:viewer" }),
    ).toMatch(/^AUTH_PROXY_TRUSTED_CIDRS: is missing/);
    expect(
      errorOf({ AUTH_PROXY_HEADER_USER: "X-Forwarded-User", AUTH_PROXY_TRUSTED_CIDRS: "10.0.0.0/8" }),
    ).toMatch(/^AUTH_PROXY_GROUP_ROLES: is missing/);
    expect(
      errorOf({
        AUTH_PROXY_HEADER_USER: "X-U",
        AUTH_PROXY_TRUSTED_CIDRS: "10.0.0.0/99",
        AUTH_PROXY_GROUP_ROLES: "*:viewer",
      }),
    ).toMatch(/^AUTH_PROXY_TRUSTED_CIDRS\[0\]: .*prefix length/);
    const auth = authOf({
      AUTH_PROXY_HEADER_USER: "X-Forwarded-User",
      AUTH_PROXY_TRUSTED_CIDRS: "10.0.0.0/8, ::1",
      AUTH_PROXY_GROUP_ROLES: "ops-admins:admin,ops:operator,*:viewer",
    });
    expect(auth.proxy?.userHeader).toBe("x-forwarded-user");
    expect(auth.proxy?.groupRoles).toEqual([
      { group: "ops-admins", role: "admin" },
      { group: "ops", role: "operator" },
      { group: "*", role: "viewer" },
    ]);
  });

  it("a short SESSION_SECRET is refused; an empty one counts as unset", () => {
    expect(errorOf({ SESSION_SECRET: "short" })).toMatch(/^SESSION_SECRET: must be at least 32 characters/);
    expect(authOf({ SESSION_SECRET: "" }).sessionSecret).toBeUndefined();
    expect(authOf({ SESSION_IDLE_MINUTES: "45" }).sessionIdleMs).toBe(45 * 60_000);
  });

  it("cookies are Secure in production unless SESSION_COOKIE_SECURE says otherwise", () => {
    expect(authOf({ NODE_ENV: "production" }).cookieSecure).toBe(true);
    expect(authOf({ NODE_ENV: "development" }).cookieSecure).toBe(false);
    expect(authOf({ NODE_ENV: "production", SESSION_COOKIE_SECURE: "false" }).cookieSecure).toBe(false);
  });

  it("production refuses a missing SESSION_SECRET and the development user", () => {
    const base = authOf({ SESSION_SECRET: "x".repeat(32) });
    expect(() => assertProductionAuth("production", { ...base, sessionSecret: undefined })).toThrow(
      /^SESSION_SECRET: is missing/,
    );
    const dev = {
      username: "dev-admin",
      role: "admin" as const,
      passwordHash: "scrypt$1$1$1$a$b",
      development: true,
    };
    expect(() => assertProductionAuth("production", { ...base, users: [dev] })).toThrow(
      /development user "dev-admin"/,
    );
    expect(() =>
      assertProductionAuth("production", { ...base, users: [dev], allowDevelopmentUser: true }),
    ).not.toThrow();
    expect(() =>
      assertProductionAuth("development", { ...base, sessionSecret: undefined, users: [dev] }),
    ).not.toThrow();
  });
});
