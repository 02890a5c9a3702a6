// The built console on a PostgreSQL server of the spec's own, which it stops and starts. Started
// while its database is down, the console serves: health and the API answer 503 store_unavailable
// (naming the database to an authenticated caller), and once the database answers it migrates,
// takes its instance's lease and serves as usual, without a restart. An outage while it runs: a
// signed-in browser gets a 503 page that says so (not the sign-in page), the API 503, and after the
// outage the same session works again.
import type { ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { freePort } from "../tests/helpers/free-port";
import { startPostgresServer, type PostgresServer } from "../tests/helpers/postgres-server";
import { e2eEnv, e2eTokens, e2eAccessEnv, e2eUsers } from "./support/env";
import { killQuietly, spawnConsole, spawnRedis } from "./support/processes";
import { waitFor } from "./support/wait";

test.describe.configure({ mode: "serial" });

const workDir = path.join(e2eEnv.workDir, "store-outage");
const token = { authorization: `Bearer ${e2eTokens.admin}` };
let postgres: PostgresServer | undefined;
let consoleProcess: ChildProcess | undefined;
let redisProcess: ChildProcess | undefined;
let origin = "";

interface ErrorBody {
  error?: { code: string; message: string };
}
interface Health {
  store?: { kind: string };
  leases?: { held: string[] };
}

async function get(pathname: string, headers: Record<string, string> = token): Promise<Response> {
  return fetch(`${origin}${pathname}`, { headers });
}

/** Waits until the route answers 503 store_unavailable; answers the error. */
async function expectUnavailable(pathname: string, headers?: Record<string, string>): Promise<ErrorBody> {
  return waitFor(`${pathname} -> 503 store_unavailable`, async () => {
    const res = await get(pathname, headers);
    if (res.status !== 503) return undefined;
    const body = (await res.json()) as ErrorBody;
    return body.error?.code === "store_unavailable" ? body : undefined;
  });
}

test.beforeAll(async () => {
  test.setTimeout(240_000);
  mkdirSync(workDir, { recursive: true });
  postgres = await startPostgresServer();
  await postgres.stop();
  const redisPort = await freePort();
  redisProcess = await spawnRedis(redisPort, path.join(workDir, "redis"));
  const instancesFile = path.join(workDir, "instances.json");
  writeFileSync(
    instancesFile,
    JSON.stringify([
      { id: "r1", name: "r1", environment: "development", url: `redis://127.0.0.1:${redisPort}/0` },
    ]),
  );
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  consoleProcess = await spawnConsole({
    port,
    logFile: path.join(workDir, "console.log"),
    env: {
      DATABASE_URL: postgres.url(),
      ISL_INSTANCES_FILE: instancesFile,
      CONSOLE_DATA_DIR: path.join(workDir, "data"),
      NEXT_DIST_DIR: e2eEnv.distDir,
      SAMPLE_INTERVAL_SECONDS: "1",
      SCAN_INTERVAL_MINUTES: "0",
      NEXT_TELEMETRY_DISABLED: "1",
      ...e2eAccessEnv(),
    },
  });
});

test.afterAll(async () => {
  killQuietly(consoleProcess?.pid, "SIGKILL");
  killQuietly(redisProcess?.pid, "SIGKILL");
  await postgres?.cleanup();
});

test("started while its database is down, the console answers 503 store_unavailable, then serves once it is up", async () => {
  test.setTimeout(240_000);
  const pg = postgres as PostgresServer;
  // Public: says the store cannot be reached, never where it is.
  const health = await expectUnavailable("/api/health", {});
  expect(health.error?.message).toMatch(/store cannot be reached/);
  expect(health.error?.message).not.toContain(String(pg.port));
  // Authenticated: names the database (host, port, name), never a password.
  const audit = await expectUnavailable("/api/audit");
  expect(audit.error?.message).toContain(`postgres://127.0.0.1:${pg.port}/`);
  // The process is alive and keeps serving what needs no store.
  expect((await get("/api/instances")).status).toBe(200);

  const startedAt = Date.now();
  await pg.start();
  const up = await waitFor(
    "health 200 with the instance's lease held",
    async () => {
      const res = await get("/api/health", {});
      if (res.status !== 200) return undefined;
      const body = (await res.json()) as Health;
      return body.leases?.held.includes("r1") ? body : undefined;
    },
    90_000,
  );
  console.log(
    `store-outage: database started; the console serves and holds r1 ${Date.now() - startedAt} ms later`,
  );
  expect(up.store?.kind).toBe("postgres");
  expect((await get("/api/audit")).status).toBe(200);
});

test("an outage while it runs: a signed-in browser gets a 503 page, keeps its session, and works again after", async ({
  browser,
}) => {
  test.setTimeout(240_000);
  const pg = postgres as PostgresServer;
  const { username, password } = e2eUsers.viewer;
  const login = await fetch(`${origin}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", origin },
    body: JSON.stringify({ username, password }),
  });
  expect(login.status).toBe(200);
  const value = /isl_session=([^;]*)/.exec(login.headers.get("set-cookie") ?? "")?.[1] ?? "";
  expect(value).not.toBe("");
  const context = await browser.newContext({ baseURL: origin });
  await context.addCookies([{ name: "isl_session", value, url: origin }]);
  const page = await context.newPage();
  try {
    const before = await page.goto("/i/r1");
    expect(before?.status()).toBe(200);

    await pg.stop();
    const during = await page.goto("/i/r1");
    expect(during?.status()).toBe(503);
    expect(page.url()).toBe(`${origin}/i/r1`);
    await expect(page.getByRole("heading", { name: "The console cannot check your session" })).toBeVisible();
    await expect(
      page.getByText(/session store cannot be read \(its database is down or unreachable\)/),
    ).toBeVisible();
    await expect(page.getByText(/Checked at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/)).toBeVisible();
    const me = await expectUnavailable("/api/auth/me", { cookie: `isl_session=${value}` });
    expect(me.error?.message).toMatch(/session store cannot be read/);
    await expectUnavailable("/api/health", {});

    const startedAt = Date.now();
    await pg.start();
    await waitFor(
      "the page served again with the same session",
      async () => {
        const res = await page.reload();
        return res?.status() === 200 ? true : undefined;
      },
      90_000,
    );
    console.log(`store-outage: database restarted; the page served again ${Date.now() - startedAt} ms later`);
    await expect(page.getByRole("heading", { name: "The console cannot check your session" })).toHaveCount(0);
    expect(page.url()).toBe(`${origin}/i/r1`);
    expect((await get("/api/auth/me", { cookie: `isl_session=${value}` })).status).toBe(200);
  } finally {
    await context.close();
  }
});
