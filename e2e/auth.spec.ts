// Access on the real built server: sign-in and sign-out through the page, redirects to /login,
// role-limited views, 401/403 on the API, SSO headers trusted only from the proxy's own address,
// production start-up refusals, and no secret in the built client bundle.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { APIRequestContext, PlaywrightWorkerArgs } from "@playwright/test";
import { expect, signedOut, test } from "./fixtures";
import { e2eEnv, e2eSessionSecret, e2eTokens, e2eUsers, storageStateFile } from "./support/env";
import { freePort } from "../tests/helpers/free-port";
import { killQuietly, waitForPort } from "./support/processes";

test.describe("signing in and out", () => {
  // Signed out, the sign-in page asks who is there (GET /api/auth/me answers 401 by design, so a
  // visitor already signed in goes straight on), and a wrong password is a 401 too: the browser
  // logs each as a failed resource. Nothing else may log an error here.
  test.use({
    storageState: signedOut,
    allowPageErrors: [/status of 401 \(Unauthorized\) \(http:\/\/[^)]+\/api\/auth\/(me|login)\)$/],
  });

  test("a page sends a signed-out visitor to /login and back after signing in; a bad password says so", async ({
    page,
    signInPage,
    userMenu,
  }) => {
    await page.goto("/i/demo/keys");
    await expect(page).toHaveURL(/\/login\?next=%2Fi%2Fdemo%2Fkeys$/);
    await signInPage.signIn(e2eUsers.operator.username, "not-the-password");
    await expect(signInPage.error).toHaveText("wrong user name or password");

    await signInPage.signIn(e2eUsers.operator.username, e2eUsers.operator.password);
    await expect(page).toHaveURL(/\/i\/demo\/keys$/);
    await expect(userMenu.name).toHaveText(e2eUsers.operator.username);
    await expect(userMenu.role).toHaveText("operator");

    const cookie = (await page.context().cookies()).find((c) => c.name === "isl_session");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict" });

    await userMenu.signOut();
    await expect(page).toHaveURL(/\/login$/);
    await page.goto("/");
    await expect(page).toHaveURL(/\/login$/);
  });

  test("signing out ends the session on the server: a copy of the cookie is refused afterwards", async ({
    page,
    playwright,
    signInPage,
    userMenu,
  }) => {
    await signInPage.goto();
    await signInPage.signIn(e2eUsers.viewer.username, e2eUsers.viewer.password);
    await expect(userMenu.name).toHaveText(e2eUsers.viewer.username);
    const session = (await page.context().cookies()).find((c) => c.name === "isl_session");
    expect(session?.value).toBeTruthy();
    const copied = { cookie: `isl_session=${session?.value}` };

    // Another client (no cookie jar of its own) replays the copied cookie.
    const thief = await playwright.request.newContext({
      baseURL: `http://127.0.0.1:${e2eEnv.appPort}`,
      storageState: signedOut,
    });
    try {
      const before = await thief.get("/api/auth/me", { headers: copied });
      expect(before.status()).toBe(200);
      expect(await before.json()).toMatchObject({ name: e2eUsers.viewer.username, method: "session" });

      await userMenu.signOut();
      await expect(page).toHaveURL(/\/login$/);

      const after = await thief.get("/api/auth/me", { headers: copied });
      expect(after.status()).toBe(401);
      expect(await after.json()).toMatchObject({ error: { code: "unauthenticated" } });
      const pageAfter = await thief.get("/", { headers: copied, maxRedirects: 0 });
      expect(pageAfter.status()).toBe(307);
      expect(pageAfter.headers().location).toMatch(/\/login$/);
    } finally {
      await thief.dispose();
    }
  });

  test("the sign-in page never redirects off-site", async ({ page, signInPage }) => {
    await signInPage.goto("?next=//evil.example/x");
    await signInPage.signIn(e2eUsers.viewer.username, e2eUsers.viewer.password);
    await expect(page).toHaveURL(`http://127.0.0.1:${e2eEnv.appPort}/`);
  });
});

test("a signed-in user sent to the sign-in page by a link goes straight on to the page", async ({
  page,
  signInPage,
  userMenu,
}) => {
  await signInPage.goto("?next=%2Fi%2Fdemo%2Fkeys");
  await expect(page).toHaveURL(/\/i\/demo\/keys$/);
  await expect(userMenu.name).toHaveText(e2eUsers.admin.username);
});

test.describe("roles", () => {
  test.use({ storageState: storageStateFile("viewer") });
  const SENSITIVE = "isl:beliefs:e2e0e2e0e2e0e2e0";

  test.afterEach(({ demo }) => {
    demo.cli("DEL", SENSITIVE);
  });

  test("a viewer sees a sensitive key's metadata but not its value, in the page and the API", async ({
    keysPage,
    userMenu,
    demo,
    api,
  }) => {
    demo.cli("SET", SENSITIVE, '{"belief":"secret-belief-value"}', "EX", "3600");
    await keysPage.goto("demo");
    await expect(userMenu.role).toHaveText("viewer");
    await keysPage.openKey(SENSITIVE);
    await expect(keysPage.keyName).toHaveText(SENSITIVE);
    await expect(keysPage.detail).toContainText("Value hidden");
    await expect(keysPage.detail).not.toContainText("secret-belief-value");

    const id = Buffer.from(SENSITIVE).toString("base64url");
    const asViewer = await api
      .as("viewer")
      .get<{ value: { kind: string } }>(`/api/instances/demo/keys/${id}`);
    expect(asViewer.body.value.kind).toBe("hidden");
    const asOperator = await api
      .as("operator")
      .get<{ value: { kind: string } }>(`/api/instances/demo/keys/${id}`);
    expect(asOperator.body.value.kind).not.toBe("hidden");
  });
});

test.describe("the API", () => {
  test("answers 401 without a token or with a bad one, and names the caller with a good one", async ({
    request: anonymous,
    api,
  }) => {
    const variants: Record<string, string>[] = [
      {},
      { authorization: "Bearer wrong" },
      { authorization: `Bearer ${e2eTokens.admin}0` },
    ];
    for (const headers of variants) {
      const res = await anonymous.get("/api/instances", { headers });
      expect(res.status()).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: "unauthenticated" } });
    }
    expect((await api.as("operator").get("/api/auth/me")).body).toMatchObject({
      name: "e2e-token-operator",
      role: "operator",
      method: "token",
    });
  });

  test("refuses a cross-origin POST that carries a valid session cookie", async ({ page }) => {
    await page.goto("/");
    const evil = await page.request.post("/api/instances/demo/scans", {
      headers: { origin: "https://evil.example" },
      data: { mode: "fast" },
    });
    expect(evil.status()).toBe(403);
    const noOrigin = await page.request.post("/api/instances/demo/scans", { data: { mode: "fast" } });
    expect(noOrigin.status()).toBe(403);
    const me = await page.request.get("/api/auth/me");
    expect(await me.json()).toMatchObject({ name: e2eUsers.admin.username, method: "session" });
  });
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

test("no secret is in the built client bundle or the prerendered pages", () => {
  const files = [
    ...filesUnder(path.join(e2eEnv.distDir, "static")),
    ...filesUnder(path.join(e2eEnv.distDir, "server", "app")).filter((f) =>
      /\.(html|rsc|body|meta)$/.test(f),
    ),
  ];
  expect(files.length).toBeGreaterThan(10);
  const secrets = [
    e2eSessionSecret,
    ...Object.values(e2eTokens),
    ...Object.values(e2eUsers).map((u) => u.password),
    "scrypt$",
  ];
  for (const file of files) {
    const text = readFileSync(file, "latin1");
    for (const secret of secrets) expect(text.includes(secret), `${secret} in ${file}`).toBe(false);
    expect(text, file).not.toMatch(/rediss?:\/\/[^\s"'`]*:[^\s"'`@]+@/);
  }
});

/** A second console on a free port, for settings the shared one does not have. */
async function startConsole(
  env: Record<string, string>,
): Promise<{ port: number; child: ChildProcess; exited: Promise<{ code: number | null; stderr: string }> }> {
  const dir = mkdtempSync(path.join(e2eEnv.workDir, "auth-"));
  // A port the OS just handed out, not a random guess: a taken port fails start-up before the
  // configuration check these tests look for.
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ["node_modules/next/dist/bin/next", "start", "-p", String(port), "-H", "127.0.0.1"],
    {
      env: {
        ...process.env,
        NEXT_DIST_DIR: e2eEnv.distDir,
        NODE_ENV: "production",
        CONSOLE_DATA_DIR: dir,
        REDIS_URL: "redis://127.0.0.1:1/0",
        SCAN_INTERVAL_MINUTES: "0",
        SESSION_SECRET: e2eSessionSecret,
        ...env,
      },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on("exit", (code) => resolve({ code, stderr })),
  );
  return { port, child, exited };
}

/**
 * A context for the second console once it serves: requests that arrive while the server is still
 * starting come before the peer-address hook is installed, and are (safely) not trusted.
 */
async function ready(
  playwright: PlaywrightWorkerArgs["playwright"],
  port: number,
): Promise<APIRequestContext> {
  await waitForPort(port, { timeoutMs: 30_000 });
  const req = await playwright.request.newContext({
    baseURL: `http://127.0.0.1:${port}`,
    storageState: signedOut,
  });
  await expect.poll(async () => (await req.get("/api/health")).status(), { timeout: 30_000 }).toBe(200);
  return req;
}

test.describe("SSO through a reverse proxy", () => {
  const sso = {
    AUTH_PROXY_HEADER_USER: "X-Forwarded-User",
    AUTH_PROXY_HEADER_GROUPS: "X-Forwarded-Groups",
    AUTH_PROXY_GROUP_ROLES: "ops-admins:admin,*:viewer",
  };
  const headers = { "x-forwarded-user": "mallory", "x-forwarded-groups": "ops-admins" };

  test("ignores the user header from an address outside AUTH_PROXY_TRUSTED_CIDRS, whatever it claims", async ({
    playwright,
  }) => {
    const c = await startConsole({ ...sso, AUTH_PROXY_TRUSTED_CIDRS: "10.0.0.0/8" });
    try {
      const req = await ready(playwright, c.port);
      const spoofs: Record<string, string>[] = [
        {},
        { "x-forwarded-for": "10.0.0.1" },
        { "x-isl-console-peer": "x 10.0.0.1" },
        { "x-real-ip": "10.0.0.1" },
      ];
      for (const spoof of spoofs) {
        const res = await req.get("/api/auth/me", { headers: { ...headers, ...spoof } });
        expect(res.status(), JSON.stringify(spoof)).toBe(401);
      }
      const page = await req.get("/", { headers, maxRedirects: 0 });
      expect(page.status()).toBe(307);
      await req.dispose();
    } finally {
      killQuietly(c.child.pid);
    }
  });

  test("trusts it from the proxy's own address and maps the groups to a role", async ({ playwright }) => {
    const c = await startConsole({ ...sso, AUTH_PROXY_TRUSTED_CIDRS: "127.0.0.1/32,::1/128" });
    try {
      const req = await ready(playwright, c.port);
      const res = await req.get("/api/auth/me", { headers });
      expect(await res.json()).toMatchObject({ name: "mallory", role: "admin", method: "proxy" });
      const viewer = await req.get("/api/auth/me", { headers: { "x-forwarded-user": "vic" } });
      expect(await viewer.json()).toMatchObject({ name: "vic", role: "viewer" });
      await req.dispose();
    } finally {
      killQuietly(c.child.pid);
    }
  });
});

test.describe("production start-up", () => {
  test("refuses to start without SESSION_SECRET, with one line naming it", async () => {
    const c = await startConsole({ SESSION_SECRET: "" });
    const { code, stderr } = await c.exited;
    expect(code).toBe(1);
    const lines = stderr.split("\n").filter((l) => l.includes("configuration error"));
    expect(lines).toEqual([expect.stringMatching(/SESSION_SECRET: is missing/)]);
  });

  test("refuses to start while the quick start's development user is in the users file", async () => {
    const file = path.join(mkdtempSync(path.join(e2eEnv.workDir, "auth-")), "users.json");
    const hash = "scrypt$1024$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";
    writeFileSync(
      file,
      JSON.stringify([{ username: "dev-admin", role: "admin", passwordHash: hash, development: true }]),
    );
    const c = await startConsole({ CONSOLE_USERS_FILE: file });
    const { code, stderr } = await c.exited;
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /configuration error: CONSOLE_USERS_FILE: the development user "dev-admin" must be removed in production/,
    );
  });
});
