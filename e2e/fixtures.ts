// Fixtures every spec uses: `api` (the console's JSON API over HTTP with an admin API token;
// `api.as("viewer")` for another role), `demo` and `chaos` (the two real redis-servers behind the
// console's instances "demo" and "chaos"), and the page objects of e2e/pages on the test's page
// (`signInPage`, `userMenu`, `ttlPage`, `keysPage`, `opsPage`). Pages start signed in as admin
// (playwright.config.ts).
// Every page fails its test at teardown on an uncaught page error or a console error (a React
// hydration mismatch is both); a spec that provokes one on purpose says so with `allowPageErrors`.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test as base, expect, type APIRequestContext, type APIResponse } from "@playwright/test";
import type { E2eState } from "./global-setup";
import { KeysPage } from "./pages/keys";
import { OpsPage } from "./pages/ops";
import { SignInPage, UserMenu } from "./pages/sign-in";
import { TtlPage } from "./pages/ttl";
import { chaosRedisArgs, e2eEnv, e2eTokens, stateFile, type E2eRole } from "./support/env";
import { killQuietly, spawnRedis } from "./support/processes";

export interface RedisHandle {
  port: number;
  /** redis-cli against this server; returns stdout. */
  cli(...args: string[]): string;
}

export interface ChaosRedis extends RedisHandle {
  stop(): void;
  start(): Promise<void>;
}

function readState(): E2eState {
  return JSON.parse(readFileSync(stateFile(), "utf8")) as E2eState;
}

function handle(port: number): RedisHandle {
  return {
    port,
    cli: (...args) =>
      execFileSync("redis-cli", ["-h", "127.0.0.1", "-p", String(port), ...args], { encoding: "utf8" }),
  };
}

function isUp(port: number): boolean {
  try {
    return handle(port).cli("PING").trim() === "PONG";
  } catch {
    return false;
  }
}

type Body = Record<string, unknown> | unknown[] | string;

/**
 * The console's JSON API as a script calls it: `Authorization: Bearer <token>` (admin unless
 * `api.as("viewer")`), no cookie, no Origin. Answers `{ status, body }` (body parsed as JSON when it is JSON).
 */
export class Api {
  constructor(
    private readonly request: APIRequestContext,
    private readonly role: E2eRole = "admin",
  ) {}

  private headers(): Record<string, string> {
    return { authorization: `Bearer ${e2eTokens[this.role]}` };
  }

  /** The same API with another role's token. */
  as(role: E2eRole): Api {
    return new Api(this.request, role);
  }

  private async parse<T>(
    res: APIResponse,
  ): Promise<{ status: number; body: T; headers: Record<string, string> }> {
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON (CSV, Markdown, Prometheus text): the text itself.
    }
    return { status: res.status(), body: body as T, headers: res.headers() };
  }

  async get<T = unknown>(url: string) {
    return this.parse<T>(await this.request.get(url, { headers: this.headers() }));
  }

  async post<T = unknown>(url: string, data?: Body) {
    return this.parse<T>(await this.request.post(url, { headers: this.headers(), data }));
  }

  async delete<T = unknown>(url: string) {
    return this.parse<T>(await this.request.delete(url, { headers: this.headers() }));
  }
}

/** A browser state with no cookie: `test.use({ storageState: signedOut })` for a signed-out page. */
export const signedOut = { cookies: [], origins: [] };

/**
 * Console errors any spec may cause without saying so. Keep it tiny: each entry is a known,
 * intended browser message, never a way to silence a bug.
 */
const ALWAYS_ALLOWED: RegExp[] = [];

/** "Failed to load resource: the server responded with a status of 404 (Not Found)" and the like. */
const FAILED_LOAD = /^Failed to load resource: the server responded with a status of \d{3}/;

interface Fixtures {
  api: Api;
  demo: RedisHandle;
  chaos: ChaosRedis;
  /**
   * Console errors this spec provokes on purpose (e.g. a 403 fetch a viewer's click triggers):
   * `test.use({ allowPageErrors: [/status of 403/] })`. Page errors (uncaught exceptions) are never allowed.
   */
  allowPageErrors: RegExp[];
  signInPage: SignInPage;
  userMenu: UserMenu;
  ttlPage: TtlPage;
  keysPage: KeysPage;
  opsPage: OpsPage;
}

export const test = base.extend<Fixtures>({
  allowPageErrors: [[], { option: true }],
  // Its own request context: no signed-in cookie from the project's storageState, only the token.
  api: async ({ playwright, baseURL }, use) => {
    const request = await playwright.request.newContext({ baseURL, storageState: signedOut });
    await use(new Api(request));
    await request.dispose();
  },
  // `request` is anonymous (no cookie, no token): the signed-in browser's requests are `page.request`.
  request: async ({ playwright, baseURL }, use) => {
    const request = await playwright.request.newContext({ baseURL, storageState: signedOut });
    await use(request);
    await request.dispose();
  },
  // page.goto to an HTML page returns once React has hydrated it (Providers marks <html>), so a
  // spec's first click never lands on inert server-rendered markup.
  // It also collects uncaught page errors and console errors and fails the test at teardown.
  page: async ({ page, allowPageErrors }, use, testInfo) => {
    const errors: string[] = [];
    const consoleErrors: { text: string; url: string }[] = [];
    // Documents a spec itself opened and that answered 4xx/5xx (e.g. an unknown id's 404 page):
    // Chromium logs their status as a console error, which the spec asked for. (Judged at
    // teardown: the message arrives before page.goto returns the response.)
    const provoked = new Set<string>();
    page.on("pageerror", (err) => errors.push(`pageerror: ${err.message}`));
    page.on("console", (msg) => {
      if (msg.type() === "error") consoleErrors.push({ text: msg.text(), url: msg.location().url });
    });
    const goto = page.goto.bind(page);
    page.goto = async (url, options) => {
      const response = await goto(url, options);
      if (response && response.status() >= 400) provoked.add(response.url());
      if ((response?.headers()["content-type"] ?? "").includes("text/html")) {
        await page.locator('html[data-hydrated="true"]').waitFor({ state: "attached", timeout: 20_000 });
      }
      return response;
    };
    await use(page);
    for (const { text, url } of consoleErrors) {
      if (FAILED_LOAD.test(text) && provoked.has(url)) continue;
      // Patterns see the message with the resource it is about, as the report prints it.
      const line = `${text} (${url})`;
      if ([...ALWAYS_ALLOWED, ...allowPageErrors].some((re) => re.test(line))) continue;
      errors.push(`console.error: ${line}`);
    }
    if (errors.length > 0) await testInfo.attach("page errors", { body: errors.join("\n") });
    expect(errors, "no uncaught page error and no console error").toEqual([]);
  },
  signInPage: async ({ page }, use) => {
    await use(new SignInPage(page));
  },
  userMenu: async ({ page }, use) => {
    await use(new UserMenu(page));
  },
  ttlPage: async ({ page }, use) => {
    await use(new TtlPage(page));
  },
  keysPage: async ({ page }, use) => {
    await use(new KeysPage(page));
  },
  opsPage: async ({ page }, use) => {
    await use(new OpsPage(page));
  },
  demo: async ({}, use) => {
    await use(handle(e2eEnv.demoRedisPort));
  },
  chaos: async ({}, use) => {
    const port = e2eEnv.chaosRedisPort;
    const chaos: ChaosRedis = {
      ...handle(port),
      stop() {
        killQuietly(readState().chaosRedisPid, "SIGKILL");
      },
      async start() {
        const child = await spawnRedis(port, path.join(e2eEnv.workDir, "redis-chaos"), chaosRedisArgs);
        writeFileSync(stateFile(), JSON.stringify({ ...readState(), chaosRedisPid: child.pid ?? 0 }));
      },
    };
    await use(chaos);
    // Leave it running for the next spec, whatever this one did.
    if (!isUp(port)) await chaos.start();
  },
});

export { expect };

/**
 * Starts a fast scan of the instance and waits until it is done. 409 (a scheduled scan is already
 * running): the latest done one will do once the review answers.
 */
export async function scanNow(api: Api, instance: string, timeoutMs = 30_000): Promise<void> {
  const started = await api.post<{ id: string }>(`/api/instances/${instance}/scans`, { mode: "fast" });
  expect([202, 409]).toContain(started.status);
  const id = started.status === 202 ? started.body.id : undefined;
  await expect
    .poll(
      async () => {
        if (id) return (await api.get<{ status: string }>(`/api/scans/${id}`)).body.status;
        return (await api.get(`/api/instances/${instance}/review`)).status === 200 ? "done" : "running";
      },
      { timeout: timeoutMs },
    )
    .toBe("done");
}

/** The status of the instance's latest scan ("running", "done", …), or undefined before any. */
export async function latestScanStatus(api: Api, instance: string): Promise<string | undefined> {
  return (await api.get<{ scans: { status: string }[] }>(`/api/instances/${instance}/scans?limit=1`)).body
    .scans[0]?.status;
}

/** Waits until no scan of the instance is running (a scheduled one started earlier ends first). */
export async function scanSettled(api: Api, instance: string): Promise<void> {
  await expect.poll(() => latestScanStatus(api, instance), { timeout: 60_000 }).not.toBe("running");
}

/** A finished fast scan that started after now (one that is running, e.g. scheduled, ends first). */
export async function freshScan(api: Api, instance: string): Promise<void> {
  await scanSettled(api, instance);
  await fastScan(api, instance);
}

/** Starts a fast scan (none may be running) and waits until it is done. */
export async function fastScan(api: Api, instance: string): Promise<void> {
  const started = await api.post<{ id: string }>(`/api/instances/${instance}/scans`, { mode: "fast" });
  expect(started.status).toBe(202);
  await expect
    .poll(
      async () => (await api.get<{ status: string }>(`/api/scans/${started.body.id}?lists=0`)).body.status,
      { timeout: 60_000 },
    )
    .toBe("done");
}
