// The standalone server as the container image runs it (deploy/Dockerfile): `node server.js` from
// `<distDir>/standalone` with the static files copied beside it, a data directory of its own, and
// the demo Redis given as the operations guide's secret gives it (REDIS_URL, REDIS_TLS). Smoke
// checks: the health endpoint, the sign-in page with its CSS and JS, signing in, the overview of
// the demo instance, and the JSON API with a session and with a token.
import { mkdtempSync } from "node:fs";
import path from "node:path";
import { expect, signedOut, test } from "./fixtures";
import { SignInPage, UserMenu } from "./pages/sign-in";
import { e2eEnv, e2eTokens, e2eAccessEnv, e2eUsers } from "./support/env";
import {
  prepareStandalone,
  startStandalone,
  type StandaloneServer,
} from "./support/standalone";
import { freePort } from "../tests/helpers/free-port";

/** Loaded CI machines take long to start a server: wait on the condition, up to this long. */
const READY_TIMEOUT_MS = 180_000;

interface Health {
  status: string;
  instances: { id: string; reachable: boolean }[];
  store: { kind: string };
  leases: { held: string[] };
}

let server: StandaloneServer | undefined;

function origin(): string {
  if (!server) throw new Error("the standalone server did not start (see beforeAll)");
  return server.origin;
}

async function health(): Promise<{ status: number; body: Health }> {
  const res = await fetch(`${origin()}/api/health`);
  return { status: res.status, body: (await res.json()) as Health };
}

test.describe("standalone server, as the image runs it", () => {
  // A fresh browser: the signed-in state of the main console is no session of this one.
  // Signed out, the sign-in page's GET /api/auth/me answers 401 by design; nothing else may log an error.
  test.use({
    storageState: signedOut,
    allowPageErrors: [/status of 401 \(Unauthorized\) \(http:\/\/[^)]+\/api\/auth\/me\)$/],
  });

  test.beforeAll(async () => {
    test.setTimeout(READY_TIMEOUT_MS + 60_000);
    const dir = prepareStandalone();
    const dataDir = mkdtempSync(path.join(e2eEnv.workDir, "standalone-data-"));
    server = await startStandalone({
      dir,
      port: await freePort(),
      logFile: path.join(e2eEnv.workDir, "standalone.log"),
      readyTimeoutMs: READY_TIMEOUT_MS,
      env: {
        CONSOLE_DATA_DIR: dataDir,
        // The single-instance form: the guide's `isl-redis` secret (url, tls).
        REDIS_URL: `redis://127.0.0.1:${e2eEnv.demoRedisPort}/0`,
        REDIS_TLS: "false",
        REDIS_INSTANCE_ID: "demo",
        REDIS_INSTANCE_NAME: "Demo (seeded)",
        // The main e2e console's settings (e2e/global-setup.ts): its users file, tokens and secret.
        ...e2eAccessEnv(),
        SAMPLE_INTERVAL_SECONDS: "1",
        SCAN_INTERVAL_MINUTES: "0",
        NEXT_TELEMETRY_DISABLED: "1",
      },
    });
  });

  test.afterAll(async () => {
    await server?.stop();
    server = undefined;
  });

  test("/api/health answers 200 with the sqlite store, and this process samples the demo instance", async () => {
    const { status, body } = await health();
    expect(status).toBe(200);
    expect(body.store).toEqual({ kind: "sqlite" });
    expect(body.instances).toEqual([{ id: "demo", reachable: true }]);
    expect(body.status).toBe("ok");
    // Instrumentation ran in the standalone server: its sampler took the lease in its own store.
    await expect.poll(async () => (await health()).body.leases.held, { timeout: 30_000 }).toEqual(["demo"]);
  });

  test("/login renders with its stylesheets and scripts served", async ({ page }) => {
    // The fixture's goto waits until React hydrated the page: the JS chunks loaded and ran.
    await page.goto(`${origin()}/login`);
    const signIn = new SignInPage(page);
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
    await expect(signIn.submit).toBeEnabled();
    const assets = await page.evaluate(() => ({
      css: [...document.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]')].map((l) => l.href),
      js: [...document.querySelectorAll<HTMLScriptElement>("script[src]")].map((s) => s.src),
      rules: [...document.styleSheets].reduce((n, s) => n + s.cssRules.length, 0),
    }));
    expect(assets.css.length, "stylesheets linked").toBeGreaterThan(0);
    expect(assets.js.length, "scripts linked").toBeGreaterThan(0);
    expect(assets.rules, "CSS rules applied").toBeGreaterThan(0);
    for (const url of [...assets.css, ...assets.js].filter((u) => u.includes("/_next/static/"))) {
      const res = await page.request.get(url);
      expect(res.status(), url).toBe(200);
      expect(res.headers()["content-type"], url).toMatch(url.endsWith(".css") ? /text\/css/ : /javascript/);
    }
  });

  test("signing in as the e2e admin shows the demo instance's data, and the API answers the session", async ({
    page,
    demo,
  }) => {
    const { username, password } = e2eUsers.admin;
    const signIn = new SignInPage(page);
    await page.goto(`${origin()}/login`);
    await signIn.signIn(username, password);
    await expect(page).toHaveURL((url) => url.pathname === "/", { timeout: 30_000 });
    await expect(new UserMenu(page).name).toHaveText(username);

    const version = /redis_version:(\S+)/.exec(demo.cli("INFO", "server"))?.[1];
    const card = page.locator('[data-testid="instance-card"][data-instance="demo"]');
    await expect(card).toContainText("Demo (seeded)");
    await expect(card.getByTestId("reachability")).toHaveText(/reachable/);
    await expect(card).toContainText(`v${version}`);

    await page.goto(`${origin()}/i/demo`);
    const keysTile = page.locator('[data-testid="tile"]').filter({ hasText: "Keys" }).first();
    // The sampler's figure is the demo Redis's key count (read again each time: TTLs may expire keys).
    await expect
      .poll(
        async () => {
          const shown = Number((await keysTile.locator("dd").first().textContent())?.replace(/\D/g, ""));
          return shown > 0 && shown === Number(demo.cli("DBSIZE").trim());
        },
        { timeout: 30_000 },
      )
      .toBe(true);

    // The JSON API with the browser's session cookie.
    const res = await page.request.get(`${origin()}/api/instances`);
    expect(res.status()).toBe(200);
    const body = (await res.json()) as {
      instances: { id: string; reachable: boolean; redisVersion?: string }[];
    };
    expect(body.instances).toEqual([
      expect.objectContaining({ id: "demo", reachable: true, redisVersion: version }),
    ]);
  });

  test("the JSON API answers a script's token, and refuses no credential", async () => {
    const me = await fetch(`${origin()}/api/auth/me`, {
      headers: { authorization: `Bearer ${e2eTokens.viewer}` },
    });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ name: "e2e-token-viewer", role: "viewer", method: "token" });

    const overview = await fetch(`${origin()}/api/instances/demo/overview`, {
      headers: { authorization: `Bearer ${e2eTokens.viewer}` },
    });
    expect(overview.status).toBe(200);
    expect(((await overview.json()) as { keys: number | null }).keys).toBeGreaterThan(0);

    const anonymous = await fetch(`${origin()}/api/instances`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: "unauthenticated" } });
  });
});
