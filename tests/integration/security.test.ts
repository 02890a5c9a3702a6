// Access control on the real route handlers: every API route found on disk answers 401 without a
// credential or with a bad one (so a new route cannot be forgotten), cross-site mutations with a
// valid session are refused, spoofed proxy headers are ignored, and no response carries a secret.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/lib/config";
import { hashPassword } from "@/lib/auth/passwords";
import { peerStamp } from "@/lib/auth/peer";
import { resetLoginFailuresForTests } from "@/lib/auth/rate-limit";
import { closeAllConnections } from "@/lib/redis/connection";
import { authedRequest, ensureTestAuth, TEST_TOKENS } from "../helpers/auth";
import { startRedisServer, type RedisServer } from "../helpers/redis-server";

const ROOT = path.resolve(__dirname, "../..");
const API_DIR = path.join(ROOT, "app/api");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
/** The only routes that answer without a credential. */
const PUBLIC = new Set(["GET /api/health", "POST /api/auth/login", "POST /api/auth/logout"]);
/** POSTs that only read (their input is too large for a query string): they declare "read", not "guarded". */
const READ_ONLY_POSTS = new Set(["POST /api/instances/sec/cache-key"]);

const REDIS_PASSWORD = "Redis-pw-security-test-3f9e1a";
const SESSION_SECRET = "session-secret-security-test-0123456789abcdef";
const USER = { username: "sec-operator", password: "sec-operator-password-1", role: "operator" };
const ORIGIN = "http://localhost";

type Handler = ((
  req: NextRequest,
  ctx: { params: Promise<Record<string, string | string[]>> },
) => Promise<Response>) & { access?: string };
interface RouteFile {
  url: string;
  params: Record<string, string | string[]>;
  handlers: Partial<Record<(typeof METHODS)[number], Handler>>;
}

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return routeFiles(full);
    return e.name === "route.ts" ? [full] : [];
  });
}

/** /api/instances/[id]/keys/[keyBase64url] -> a URL and params with plausible values. */
function urlAndParams(file: string): { url: string; params: Record<string, string | string[]> } {
  const segments = path.relative(path.join(ROOT, "app"), path.dirname(file)).split(path.sep);
  const params: Record<string, string | string[]> = {};
  const parts = segments.map((seg) => {
    const m = /^\[(\.\.\.)?(\w+)\]$/.exec(seg);
    if (!m) return seg;
    const name = m[2] as string;
    const value = name === "id" ? "sec" : name === "keyBase64url" ? "aXNsOmtleQ" : "no-such-id";
    params[name] = m[1] ? [value] : value;
    return value;
  });
  return { url: `${ORIGIN}/${parts.join("/")}`, params };
}

let routes: RouteFile[] = [];
let server: RedisServer;
let dataDir: string;
const savedEnv = { ...process.env };

async function call(
  route: RouteFile,
  method: string,
  init: { headers?: Record<string, string>; body?: string } = {},
  req?: NextRequest,
) {
  const handler = route.handlers[method as (typeof METHODS)[number]];
  if (!handler) throw new Error(`${route.url} has no ${method}`);
  const request = req ?? new NextRequest(route.url, { method, headers: init.headers, body: init.body });
  const res = await handler(request, { params: Promise.resolve(route.params) });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

const find = (url: string) => {
  const r = routes.find((x) => x.url === `${ORIGIN}${url}`);
  if (!r) throw new Error(`no route ${url}`);
  return r;
};

async function signIn(): Promise<string> {
  const res = await call(find("/api/auth/login"), "POST", {
    headers: { origin: ORIGIN, "content-type": "application/json" },
    body: JSON.stringify({ username: USER.username, password: USER.password }),
  });
  expect(res.status).toBe(200);
  const cookie = /isl_session=([^;]+)/.exec(res.headers.get("set-cookie") ?? "")?.[1];
  if (!cookie) throw new Error("no session cookie");
  return `isl_session=${cookie}`;
}

beforeAll(async () => {
  server = await startRedisServer({ requirepass: REDIS_PASSWORD });
  dataDir = mkdtempSync(path.join(os.tmpdir(), "isl-security-"));
  const usersFile = path.join(dataDir, "users.json");
  const passwordHash = await hashPassword(USER.password, { N: 1024, r: 8, p: 1 });
  writeFileSync(usersFile, JSON.stringify([{ username: USER.username, role: USER.role, passwordHash }]));
  for (const name of Object.keys(process.env))
    if (/^(REDIS_|ISL_|CONSOLE_|AUTH_PROXY_|SESSION_)/.test(name)) delete process.env[name];
  Object.assign(process.env, {
    REDIS_URL: `redis://:${REDIS_PASSWORD}@127.0.0.1:${server.port}/0`,
    REDIS_INSTANCE_ID: "sec",
    CONSOLE_DATA_DIR: dataDir,
    CONSOLE_USERS_FILE: usersFile,
    SESSION_SECRET,
    SCAN_INTERVAL_MINUTES: "0",
    AUTH_PROXY_HEADER_USER: "X-Forwarded-User",
    AUTH_PROXY_HEADER_GROUPS: "X-Forwarded-Groups",
    AUTH_PROXY_GROUP_ROLES: "ops-admins:admin,ops:operator,*:viewer",
    AUTH_PROXY_TRUSTED_CIDRS: "10.0.0.0/8,fd00::/8",
  });
  resetConfigForTests();
  ensureTestAuth();
  await resetLoginFailuresForTests();
  for (const file of routeFiles(API_DIR)) {
    const mod = (await import(file)) as Record<string, unknown>;
    const handlers = Object.fromEntries(
      METHODS.filter((m) => typeof mod[m] === "function").map((m) => [m, mod[m] as Handler]),
    );
    routes.push({ ...urlAndParams(file), handlers });
  }
  routes = routes.sort((a, b) => a.url.localeCompare(b.url));
}, 120_000);

afterAll(async () => {
  await closeAllConnections();
  await server.stop();
  process.env = savedEnv;
  resetConfigForTests();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("every API route on disk requires a credential", () => {
  it("finds the route files (the enumeration itself works)", () => {
    const urls = routes.map((r) => r.url.replace(ORIGIN, ""));
    expect(urls).toEqual(
      expect.arrayContaining(["/api/health", "/api/instances", "/api/instances/sec/keys", "/api/auth/login"]),
    );
    for (const r of routes)
      expect(Object.keys(r.handlers).length, `${r.url} exports no handler`).toBeGreaterThan(0);
  });

  it("every handler declares what it needs; every served mutation is guarded (audited) or public", () => {
    const served: string[] = [];
    for (const route of routes) {
      for (const [method, handler] of Object.entries(route.handlers)) {
        const name = `${method} ${route.url.replace(ORIGIN, "")}`;
        expect(handler.access, `${name} declares no access`).toBeDefined();
        // methods() fills the methods a route does not serve with a public 405 answer.
        if (handler.access === "public" && !PUBLIC.has(name)) continue;
        served.push(name);
        if (method !== "GET")
          expect([name, handler.access]).toEqual([
            name,
            PUBLIC.has(name) ? "public" : READ_ONLY_POSTS.has(name) ? "read" : "guarded",
          ]);
      }
    }
    expect(served).toEqual(
      expect.arrayContaining(["POST /api/instances/sec/actions", "DELETE /api/scans/no-such-id"]),
    );
  });

  it("answers 401 JSON without a credential, with a bad token, and with a forged cookie", async () => {
    const checked: string[] = [];
    for (const route of routes) {
      for (const [method, handler] of Object.entries(route.handlers)) {
        const name = `${method} ${route.url.replace(ORIGIN, "")}`;
        if (PUBLIC.has(name) || handler.access === "public") continue;
        const body = method === "GET" || method === "DELETE" ? undefined : "{}";
        const variants: Record<string, string>[] = [
          {},
          { authorization: "Bearer not-a-real-token" },
          { authorization: `Bearer ${TEST_TOKENS.admin}x` },
          { authorization: "Basic YWRtaW46YWRtaW4=" },
          { cookie: "isl_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
        ];
        for (const headers of variants) {
          const res = await call(route, method, { headers: { origin: ORIGIN, ...headers }, body });
          expect(res.status, `${name} with ${JSON.stringify(headers)}`).toBe(401);
          expect(JSON.parse(res.text)).toMatchObject({ error: { code: "unauthenticated" } });
        }
        checked.push(name);
      }
    }
    expect(checked.length).toBeGreaterThanOrEqual(10);
  });

  it("leaves only health, sign-in and sign-out public", async () => {
    for (const name of PUBLIC) {
      const [method = "", url = ""] = name.split(" ");
      const route = find(url);
      const res = await call(route, method, {
        headers: { origin: ORIGIN, "content-type": "application/json" },
        body: method === "GET" ? undefined : "{}",
      });
      expect(res.status, name).not.toBe(401); // login answers 400 for "{}", logout 200
    }
  });
});

describe("sessions and cross-site requests", () => {
  it("a signed-in session reads the API and renews its cookie", async () => {
    const cookie = await signIn();
    const res = await call(find("/api/auth/me"), "GET", { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toMatchObject({ name: USER.username, role: "operator", method: "session" });
  });

  it("refuses a cross-origin POST carrying a valid session cookie with 403", async () => {
    const cookie = await signIn();
    const scans = find("/api/instances/sec/scans");
    for (const origin of ["https://evil.example", "null", "http://localhost.evil.example"]) {
      const res = await call(scans, "POST", {
        headers: { cookie, origin, "content-type": "application/json" },
        body: "{}",
      });
      expect(res.status, origin).toBe(403);
      expect(JSON.parse(res.text)).toMatchObject({ error: { code: "forbidden" } });
    }
    const noOrigin = await call(scans, "POST", { headers: { cookie }, body: "{}" });
    expect(noOrigin.status).toBe(403);
    const logout = await call(find("/api/auth/logout"), "POST", {
      headers: { cookie, origin: "https://evil.example" },
    });
    expect(logout.status).toBe(403);
  });

  it("lets a same-origin POST with the session through, and a bearer token without Origin", async () => {
    const cookie = await signIn();
    const scans = find("/api/instances/sec/scans");
    const same = await call(scans, "POST", {
      headers: { cookie, origin: ORIGIN },
      body: JSON.stringify({ mode: "fast" }),
    });
    expect([202, 409]).toContain(same.status);
    const token = await call(scans, "GET", {}, authedRequest(scans.url, { role: "viewer" }));
    expect(token.status).toBe(200);
  });

  it("rate-limits failed sign-ins per user with 429 and a clear message", async () => {
    await resetLoginFailuresForTests();
    const login = find("/api/auth/login");
    const attempt = (password: string) =>
      call(login, "POST", {
        headers: { origin: ORIGIN, "content-type": "application/json" },
        body: JSON.stringify({ username: USER.username, password }),
      });
    for (let i = 0; i < 5; i++) {
      const res = await attempt("wrong-password");
      expect(res.status).toBe(401);
      expect(JSON.parse(res.text).error.message).toBe("wrong user name or password");
    }
    const locked = await attempt(USER.password);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    await resetLoginFailuresForTests();
    expect((await attempt(USER.password)).status).toBe(200);
  });
});

describe("the cross-site check compares the full origin", () => {
  // A mutation with a session that passes the check reaches the handler, which refuses the body
  // (400, audited as rejected); one that fails it is refused with 403 before anything runs.
  const attempt = async (
    cookie: string,
    headers: Record<string, string>,
    peer?: string,
    scheme: "http" | "https" = "http",
  ) => {
    const scans = find("/api/instances/sec/scans");
    const req = new NextRequest(scans.url.replace(/^http:/, `${scheme}:`), {
      method: "POST",
      headers: {
        cookie,
        "content-type": "application/json",
        ...(peer === undefined ? {} : { "x-isl-console-peer": peerStamp(peer) }),
        ...headers,
      },
      body: JSON.stringify({ mode: "warp" }),
    });
    const res = await call(scans, "POST", {}, req);
    if (res.status === 403) expect(JSON.parse(res.text)).toMatchObject({ error: { code: "forbidden" } });
    else expect(res.status).toBe(400);
    return res.status === 403 ? "refused" : "allowed";
  };
  const withPublicUrl = async (url: string, fn: () => Promise<void>) => {
    process.env.CONSOLE_PUBLIC_URL = url;
    resetConfigForTests();
    try {
      await fn();
    } finally {
      delete process.env.CONSOLE_PUBLIC_URL;
      resetConfigForTests();
    }
  };

  it("ignores X-Forwarded-Host and X-Forwarded-Proto from an untrusted peer", async () => {
    const cookie = await signIn();
    const host = { host: "console.internal:3000" };
    expect(await attempt(cookie, { ...host, origin: "http://console.internal:3000" }, "127.0.0.1")).toBe(
      "allowed",
    );
    const evil = { origin: "http://evil.example", "x-forwarded-host": "evil.example" };
    expect(await attempt(cookie, { ...host, ...evil }, "127.0.0.1")).toBe("refused");
    expect(await attempt(cookie, { ...host, ...evil, "x-forwarded-proto": "http" }, "2001:db8::1")).toBe(
      "refused",
    );
    // The running server builds nextUrl with https when a client sends X-Forwarded-Proto: https;
    // neither is believed from an untrusted peer (next start speaks plain HTTP).
    const https = { ...host, origin: "https://console.internal:3000", "x-forwarded-proto": "https" };
    expect(await attempt(cookie, https, "127.0.0.1", "https")).toBe("refused");
    // Without a peer stamp (in-process call) the same holds for the forwarded headers.
    expect(await attempt(cookie, evil)).toBe("refused");
  });

  it("believes the forwarded host and scheme from a trusted proxy, and only its first hop", async () => {
    const cookie = await signIn();
    const proxied = {
      host: "10.0.0.9:3000",
      "x-forwarded-host": "console.example",
      "x-forwarded-proto": "https",
    };
    expect(await attempt(cookie, { ...proxied, origin: "https://console.example" }, "10.0.0.5")).toBe(
      "allowed",
    );
    expect(await attempt(cookie, { ...proxied, origin: "https://console.example" }, "::ffff:10.0.0.5")).toBe(
      "allowed",
    );
    const chained = { ...proxied, "x-forwarded-host": "console.example, evil.example" };
    expect(await attempt(cookie, { ...chained, origin: "https://console.example" }, "10.0.0.5")).toBe(
      "allowed",
    );
    expect(await attempt(cookie, { ...chained, origin: "https://evil.example" }, "10.0.0.5")).toBe("refused");
    // The proxy's own forwarded host is what counts: another Origin is refused even from the proxy.
    const evil = { origin: "http://evil.example", "x-forwarded-host": "console.example" };
    expect(await attempt(cookie, { ...proxied, ...evil }, "10.0.0.5")).toBe("refused");
  });

  it("refuses another port or scheme, and an Origin that is not a bare origin", async () => {
    const cookie = await signIn();
    const host = { host: "console.internal:3000" };
    for (const origin of [
      "http://console.internal:3001",
      "http://console.internal",
      "https://console.internal:3000",
      "http://console.internal:3000/",
      "http://console.internal:3000/api",
      "http://user@console.internal:3000",
      "HTTP://CONSOLE.INTERNAL:3000",
      "http://console.internal:3000.evil.example",
      "console.internal:3000",
    ])
      expect(await attempt(cookie, { ...host, origin }, "127.0.0.1"), origin).toBe("refused");
    const proxied = { ...host, "x-forwarded-host": "console.example", "x-forwarded-proto": "https" };
    for (const origin of ["http://console.example", "https://console.example:8443"])
      expect(await attempt(cookie, { ...proxied, origin }, "10.0.0.5"), origin).toBe("refused");
    // A Host that is not a host name names no origin: nothing matches it.
    for (const badHost of ["evil.example/@console.internal", "console.internal:3000@evil.example"])
      expect(await attempt(cookie, { host: badHost, origin: "http://evil.example" }, "127.0.0.1")).toBe(
        "refused",
      );
  });

  it("with CONSOLE_PUBLIC_URL set, only that origin passes, whatever Host or proxy says", async () => {
    const cookie = await signIn();
    await withPublicUrl("https://redis-console.example.com/", async () => {
      const host = { host: "console.internal:3000" };
      expect(
        await attempt(cookie, { ...host, origin: "https://redis-console.example.com" }, "127.0.0.1"),
      ).toBe("allowed");
      expect(await attempt(cookie, { ...host, origin: "https://redis-console.example.com" })).toBe("allowed");
      for (const origin of [
        "http://console.internal:3000",
        "http://redis-console.example.com",
        "https://redis-console.example.com:8443",
      ])
        expect(await attempt(cookie, { ...host, origin }, "127.0.0.1"), origin).toBe("refused");
      const proxied = { ...host, "x-forwarded-host": "console.example", "x-forwarded-proto": "https" };
      expect(await attempt(cookie, { ...proxied, origin: "https://console.example" }, "10.0.0.5")).toBe(
        "refused",
      );
    });
  });
});

describe("SSO headers from a reverse proxy", () => {
  const me = () => find("/api/auth/me");
  const proxied = (peer: string, extra: Record<string, string> = {}) =>
    new NextRequest(`${ORIGIN}/api/auth/me`, {
      headers: {
        "x-isl-console-peer": peerStamp(peer),
        "x-forwarded-user": "mallory",
        "x-forwarded-groups": "ops-admins",
        ...extra,
      },
    });

  it("ignores a spoofed user header from an untrusted address, whatever X-Forwarded-For says", async () => {
    const res = await call(me(), "GET", {}, proxied("127.0.0.1", { "x-forwarded-for": "10.1.2.3" }));
    expect(res.status).toBe(401);
    const v6 = await call(me(), "GET", {}, proxied("2001:db8::1"));
    expect(v6.status).toBe(401);
  });

  it("ignores a forged peer stamp (wrong nonce)", async () => {
    const req = new NextRequest(`${ORIGIN}/api/auth/me`, {
      headers: {
        "x-isl-console-peer": "0000 10.0.0.5",
        "x-forwarded-user": "mallory",
        "x-forwarded-groups": "ops-admins",
      },
    });
    expect((await call(me(), "GET", {}, req)).status).toBe(401);
  });

  it("trusts the headers from the proxy's own address and maps groups to the highest role", async () => {
    const admin = await call(me(), "GET", {}, proxied("10.0.0.5"));
    expect(admin.status).toBe(200);
    expect(JSON.parse(admin.text)).toMatchObject({ name: "mallory", role: "admin", method: "proxy" });
    const viaMapped = await call(
      me(),
      "GET",
      {},
      proxied("::ffff:10.0.0.5", { "x-forwarded-groups": "ops, readers" }),
    );
    expect(JSON.parse(viaMapped.text)).toMatchObject({ role: "operator" });
    const anyone = await call(me(), "GET", {}, proxied("fd00::7", { "x-forwarded-groups": "" }));
    expect(JSON.parse(anyone.text)).toMatchObject({ role: "viewer" });
  });
});

describe("secrets never leave the server", () => {
  it("no GET response carries the Redis password, the session secret, a token or a password hash", async () => {
    const cookie = await signIn();
    const texts: string[] = [];
    for (const route of routes) {
      if (!route.handlers.GET) continue;
      const res = await call(route, "GET", {}, authedRequest(route.url, { role: "admin" }));
      expect(res.status, route.url).toBeLessThan(500);
      texts.push(res.text);
      texts.push((await call(route, "GET", { headers: { cookie } })).text);
    }
    const all = texts.join("\n");
    expect(all.length).toBeGreaterThan(100);
    for (const secret of [REDIS_PASSWORD, SESSION_SECRET, USER.password, TEST_TOKENS.admin, "scrypt$"]) {
      expect(all).not.toContain(secret);
    }
    expect(all).not.toMatch(/rediss?:\/\/[^"\s]*@/);
  });
});
