// Sessions end on the server, through the real route handlers and a real store: sign-out revokes
// the session (a copied cookie is refused afterwards), a user removed from the users file loses
// their sessions at the next start, one sign-out leaves the user's other sessions alone, the idle
// clock slides with at most one store write a minute, and a store that cannot be read lets no one in.
import { createCipheriv, hkdfSync, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as loginRoute from "@/app/api/auth/login/route";
import * as logoutRoute from "@/app/api/auth/logout/route";
import * as meRoute from "@/app/api/auth/me/route";
import * as scansRoute from "@/app/api/instances/[id]/scans/route";
import { resetConfigForTests } from "@/lib/config";
import { authenticateInput } from "@/lib/auth/authenticate";
import { hashPassword } from "@/lib/auth/passwords";
import { resetLoginFailuresForTests } from "@/lib/auth/rate-limit";
import { openSession, RENEW_AFTER_MS, sessionIdHash } from "@/lib/auth/session";
import { endStaleSessions } from "@/lib/startup";
import { getStore } from "@/lib/store";
import { findSession } from "@/lib/store/sessions";
import { ensureTestAuth, TEST_TOKENS } from "../helpers/auth";

const ORIGIN = "http://localhost";
const SESSION_SECRET = "session-secret-sessions-test-0123456789abcdef";
const IDLE_MINUTES = 30;

interface User {
  username: string;
  password: string;
  role: "viewer" | "operator" | "admin";
  passwordHash?: string;
}
const USERS: User[] = [
  { username: "alice", password: "alice-password-sessions-1", role: "operator" },
  { username: "bob", password: "bob-password-sessions-2", role: "viewer" },
  { username: "carol", password: "carol-password-sessions-3", role: "viewer" },
];

type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

const routes: Record<"login" | "logout" | "me", Handler> = {
  login: loginRoute.POST,
  logout: logoutRoute.POST,
  me: meRoute.GET,
};
let dataDir: string;
let usersFile: string;
const savedEnv = { ...process.env };

/** Writes the users file with these users and makes the console read it again. */
function writeUsers(names: string[]): void {
  const entries = USERS.filter((u) => names.includes(u.username)).map((u) => ({
    username: u.username,
    role: u.role,
    passwordHash: u.passwordHash,
  }));
  writeFileSync(usersFile, JSON.stringify(entries));
  resetConfigForTests();
}

async function call(handler: Handler, method: string, headers: Record<string, string>, body?: string) {
  const res = await handler(new NextRequest(`${ORIGIN}/api/auth/x`, { method, headers, body }), {
    params: Promise.resolve({}),
  });
  const text = await res.text();
  return {
    status: res.status,
    contentType: res.headers.get("content-type") ?? "",
    setCookie: res.headers.get("set-cookie"),
    json: (text ? JSON.parse(text) : null) as Record<string, unknown> | null,
  };
}

/** Signs in through POST /api/auth/login; answers the Cookie header a browser would send back. */
async function signIn(username: string): Promise<string> {
  const user = USERS.find((u) => u.username === username);
  if (!user) throw new Error(`no test user ${username}`);
  const res = await call(
    routes.login,
    "POST",
    { origin: ORIGIN, "content-type": "application/json" },
    JSON.stringify({ username, password: user.password }),
  );
  expect(res.status, `sign-in of ${username}`).toBe(200);
  const value = /isl_session=([^;]+)/.exec(res.setCookie ?? "")?.[1];
  if (!value) throw new Error("no session cookie");
  return `isl_session=${value}`;
}

const me = (cookie: string) => call(routes.me, "GET", { cookie });
const logout = (cookie: string, origin = ORIGIN) => call(routes.logout, "POST", { cookie, origin });

function cookieValue(cookie: string): string {
  return cookie.slice("isl_session=".length);
}

/** The store row of the session a cookie names. */
async function rowOf(cookie: string) {
  const payload = openSession(cookieValue(cookie), SESSION_SECRET, Date.now());
  if (!payload) throw new Error("cookie does not open");
  return await findSession(getStore(), sessionIdHash(payload.sid));
}

/** authenticateInput as the route wrapper and the page proxy call it, at a chosen time. */
function authenticateAt(cookie: string, now: number) {
  return authenticateInput(
    { header: () => null, cookie: (name) => (name === "isl_session" ? cookieValue(cookie) : undefined) },
    now,
  );
}

async function expectUnauthenticated(res: Awaited<ReturnType<typeof me>>, what: string) {
  expect(res.status, what).toBe(401);
  expect(res.contentType, what).toMatch(/application\/json/);
  expect(res.json, what).toMatchObject({ error: { code: "unauthenticated" } });
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), "isl-sessions-"));
  usersFile = path.join(dataDir, "users.json");
  for (const u of USERS) u.passwordHash = await hashPassword(u.password, { N: 1024, r: 8, p: 1 });
  for (const name of Object.keys(process.env))
    if (/^(REDIS_|ISL_|CONSOLE_|AUTH_PROXY_|SESSION_)/.test(name)) delete process.env[name];
  Object.assign(process.env, {
    // Never contacted: these tests touch only sign-in, sign-out, /api/auth/me and the store.
    REDIS_URL: "redis://127.0.0.1:1/0",
    REDIS_INSTANCE_ID: "sessions",
    CONSOLE_DATA_DIR: dataDir,
    CONSOLE_USERS_FILE: usersFile,
    SESSION_SECRET,
    SESSION_IDLE_MINUTES: String(IDLE_MINUTES),
    SCAN_INTERVAL_MINUTES: "0",
  });
  writeUsers(USERS.map((u) => u.username));
  ensureTestAuth();
  await resetLoginFailuresForTests();
}, 60_000);

afterAll(() => {
  process.env = savedEnv;
  resetConfigForTests();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("signing out ends the session on the server", () => {
  it("sign in -> /api/auth/me 200 -> sign out -> the replayed old cookie gets 401", async () => {
    const cookie = await signIn("alice");
    const before = await me(cookie);
    expect(before.status).toBe(200);
    expect(before.json).toMatchObject({ name: "alice", role: "operator", method: "session" });

    const out = await logout(cookie);
    expect(out.status).toBe(200);
    expect(out.json).toEqual({ ok: true });
    expect(out.setCookie).toMatch(/^isl_session=; .*Max-Age=0/);
    expect(await rowOf(cookie)).toMatchObject({ revokeReason: "signed_out" });

    // A copy of the cookie taken before sign-out no longer works, on reads or writes.
    await expectUnauthenticated(await me(cookie), "replayed cookie");
    const post = await scansRoute.POST(
      new NextRequest(`${ORIGIN}/api/instances/sessions/scans`, {
        method: "POST",
        headers: { cookie, origin: ORIGIN, "content-type": "application/json" },
        body: "{}",
      }),
      { params: Promise.resolve({ id: "sessions" }) },
    );
    expect(post.status).toBe(401);
    // Even a minute later, when a live session would be renewed.
    expect(await authenticateAt(cookie, Date.now() + 2 * RENEW_AFTER_MS)).toBeNull();
    // Signing out again with it is harmless.
    expect((await logout(cookie)).status).toBe(200);
  });

  it("two sessions of one user: signing out one leaves the other valid", async () => {
    const laptop = await signIn("alice");
    const desktop = await signIn("alice");
    expect(laptop).not.toBe(desktop);
    expect((await me(laptop)).status).toBe(200);
    expect((await me(desktop)).status).toBe(200);

    expect((await logout(laptop)).status).toBe(200);
    await expectUnauthenticated(await me(laptop), "signed-out session");
    const other = await me(desktop);
    expect(other.status).toBe(200);
    expect(other.json).toMatchObject({ name: "alice" });
    expect((await rowOf(desktop))?.revokedAt).toBeNull();
  });

  it("a cross-site sign-out is refused (403) and revokes nothing", async () => {
    const cookie = await signIn("alice");
    const evil = await logout(cookie, "https://evil.example");
    expect(evil.status).toBe(403);
    expect((await me(cookie)).status).toBe(200);
    expect((await rowOf(cookie))?.revokedAt).toBeNull();
  });

  it("a version-1 cookie (sealed before sessions had ids) is refused: its holder is signed out", async () => {
    const key = Buffer.from(
      hkdfSync("sha256", SESSION_SECRET, "isl-redis-console", "session cookie v1 aes-256-gcm", 32),
    );
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", key, iv);
    const now = Date.now();
    const body = Buffer.concat([
      cipher.update(JSON.stringify({ v: 1, u: "alice", iat: now, seen: now }), "utf8"),
      cipher.final(),
    ]);
    const v1 = Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64url");
    await expectUnauthenticated(await me(`isl_session=${v1}`), "version-1 cookie");
  });
});

describe("the idle clock lives in the store", () => {
  it("renews at most once a minute with the same cookie, and refuses a session idle too long", async () => {
    const cookie = await signIn("carol");
    const signedInAt = (await rowOf(cookie))?.createdAt ?? 0;
    // Right after sign-in: no renewal, no write.
    const first = await me(cookie);
    expect(first.status).toBe(200);
    expect(first.setCookie).toBeNull();

    const renewed = await authenticateAt(cookie, signedInAt + RENEW_AFTER_MS + 1);
    expect(renewed?.principal.name).toBe("carol");
    expect(renewed?.setCookie).toBe(
      `${cookie}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${IDLE_MINUTES * 60}`,
    );
    expect((await rowOf(cookie))?.lastSeen).toBe(signedInAt + RENEW_AFTER_MS + 1);
    // A burst of requests in the next minute writes nothing and sets no cookie.
    for (let i = 2; i < 10; i++) {
      const again = await authenticateAt(cookie, signedInAt + RENEW_AFTER_MS + i * 1_000);
      expect(again?.setCookie).toBeUndefined();
    }
    expect((await rowOf(cookie))?.lastSeen).toBe(signedInAt + RENEW_AFTER_MS + 1);

    const lastSeen = signedInAt + RENEW_AFTER_MS + 1;
    expect(await authenticateAt(cookie, lastSeen + IDLE_MINUTES * 60_000)).not.toBeNull();
    const other = await signIn("carol");
    const otherSeen = (await rowOf(other))?.lastSeen ?? 0;
    expect(await authenticateAt(other, otherSeen + IDLE_MINUTES * 60_000 + 1)).toBeNull();
  });
});

describe("removing a user from the users file", () => {
  it("without a restart, the per-request check refuses the user, and a user put back is let in again", async () => {
    const cookie = await signIn("carol");
    writeUsers(["alice", "bob"]);
    await expectUnauthenticated(await me(cookie), "removed user, before the start-up step");
    writeUsers(["alice", "bob", "carol"]);
    // Nothing revoked the session: only the start-up step does (next test).
    expect((await me(cookie)).status).toBe(200);
  });

  it("revokes the user's existing sessions when the start-up step runs, and no one else's", async () => {
    const bobFirst = await signIn("bob");
    const bobSecond = await signIn("bob");
    const alice = await signIn("alice");
    expect((await me(bobFirst)).status).toBe(200);

    writeUsers(["alice", "carol"]);
    const { revoked } = await endStaleSessions();
    expect(revoked).toBeGreaterThanOrEqual(2);
    // Revoked rows are pruned at start-up: the ids are unknown now.
    expect(await rowOf(bobFirst)).toBeUndefined();
    expect(await rowOf(bobSecond)).toBeUndefined();

    // Even with bob back in the file, the old sessions stay dead; a new sign-in works.
    writeUsers(["alice", "bob", "carol"]);
    await expectUnauthenticated(await me(bobFirst), "bob's first session after the start-up step");
    await expectUnauthenticated(await me(bobSecond), "bob's second session after the start-up step");
    expect((await me(await signIn("bob"))).status).toBe(200);
    expect((await me(alice)).status).toBe(200);
    expect((await rowOf(alice))?.revokedAt).toBeNull();
    // A second run finds nothing more to revoke.
    expect((await endStaleSessions()).revoked).toBe(0);
  });
});

// Last: it closes the process-wide store.
describe("a store that cannot be read", () => {
  it("lets no session in (503 JSON, a 503 page), refuses sign-in with 503 JSON, still clears the cookie on sign-out", async () => {
    const cookie = await signIn("alice");
    expect((await me(cookie)).status).toBe(200);
    await getStore().close();

    // Not 401: the session may be fine, and the browser keeps it for when the store answers again.
    const refused = await me(cookie);
    expect(refused.status).toBe(503);
    expect(refused.contentType).toMatch(/application\/json/);
    expect(refused.json).toMatchObject({
      error: { code: "store_unavailable", message: expect.stringMatching(/session store cannot be read/) },
    });
    expect(refused.setCookie).toBeNull();
    await expect(authenticateAt(cookie, Date.now() + 2 * RENEW_AFTER_MS)).rejects.toThrow(
      /session store cannot be read/,
    );
    // A page: a plain 503 that says so, not a redirect to the sign-in page.
    const { proxy } = await import("@/proxy");
    const page = await proxy(new NextRequest(`${ORIGIN}/i/sessions/ttl`, { headers: { cookie } }));
    expect(page.status).toBe(503);
    expect(page.headers.get("location")).toBeNull();
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(await page.text()).toMatch(/The console cannot check your session.*session store cannot be read/s);

    const login = await call(
      routes.login,
      "POST",
      { origin: ORIGIN, "content-type": "application/json" },
      JSON.stringify({ username: "alice", password: USERS[0]?.password }),
    );
    expect(login.status).toBe(503);
    expect(login.contentType).toMatch(/application\/json/);
    expect(login.json).toMatchObject({ error: { code: "store_unavailable" } });
    expect(login.setCookie).toBeNull();

    const out = await logout(cookie);
    expect(out.status).toBe(503);
    expect(out.json).toMatchObject({ error: { code: "store_unavailable" } });
    expect(out.setCookie).toMatch(/^isl_session=; .*Max-Age=0/);

    // API tokens do not depend on the store.
    const token = await call(routes.me, "GET", { authorization: `Bearer ${TEST_TOKENS.viewer}` });
    expect(token.status).toBe(200);
  });
});
