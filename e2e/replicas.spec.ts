// Two console processes (the built app, `next start`) on one PostgreSQL store (DATABASE_URL, a
// fresh database dropped afterwards) and two Redis instances of their own, as replicas behind a
// load balancer run: the instances' leases are shared between them, and each instance is sampled
// by exactly one process (Redis's INFO call counts as the proof); a session signed in on A works on B and signing out on B ends it on A; the sign-in
// limit counts failures on both; audit entries written through both at once stay one intact chain
// (`npm run audit:verify` against PostgreSQL); a scan and a bulk job started through A are seen and
// cancelled through B; and when the process holding the leases is killed (SIGKILL), the other takes its
// instances over within the lease time and one interval.
import { execFile, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test } from "@playwright/test";
import { createTestDatabase } from "../tests/helpers/postgres";
import { freePort } from "../tests/helpers/free-port";
import { e2eEnv, e2eTokens, e2eAccessEnv, e2eUsers } from "./support/env";
import { killQuietly, spawnConsole, spawnRedis } from "./support/processes";
import { waitFor } from "./support/wait";

const run = promisify(execFile);
test.describe.configure({ mode: "serial" });

const SAMPLE_SECONDS = 1;
const workDir = path.join(e2eEnv.workDir, "replicas");
const consoles: { name: string; port: number; child: ChildProcess }[] = [];
const redis: { id: string; port: number; child: ChildProcess }[] = [];
let dropDatabase: (() => Promise<void>) | undefined;
let databaseUrl = "";
/** INFO calls per second on each instance while both replicas run (the first test measures them). */
let bothRates: Record<string, number> = {};

const base = (i: number) => `http://127.0.0.1:${consoles[i]?.port}`;
const admin = { authorization: `Bearer ${e2eTokens.admin}` };

async function api(i: number, pathname: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${base(i)}${pathname}`, { ...init, headers: { ...admin, ...init.headers } });
}

interface Health {
  store?: { kind: string };
  leases?: { held: string[] };
}

async function health(i: number): Promise<Health> {
  return (await (await fetch(`${base(i)}/api/health`)).json()) as Health;
}

/** INFO calls Redis has counted since it started (INFO commandstats). */
async function infoCalls(port: number): Promise<number> {
  const { stdout } = await run("redis-cli", ["-p", String(port), "INFO", "commandstats"]);
  return Number(/cmdstat_info:calls=(\d+)/.exec(stdout)?.[1] ?? 0);
}

/** INFO calls per second on each instance over `seconds`. */
async function infoRates(seconds: number): Promise<Record<string, number>> {
  const before = await Promise.all(redis.map((r) => infoCalls(r.port)));
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const after = await Promise.all(redis.map((r) => infoCalls(r.port)));
  return Object.fromEntries(redis.map((r, i) => [r.id, ((after[i] ?? 0) - (before[i] ?? 0)) / seconds]));
}

function cookieOf(res: Response): string {
  const set = res.headers.get("set-cookie") ?? "";
  return set.split(";")[0] ?? "";
}

test.beforeAll(async () => {
  test.setTimeout(240_000);
  mkdirSync(workDir, { recursive: true });
  const db = await createTestDatabase();
  dropDatabase = db.drop;
  databaseUrl = db.url;
  for (const id of ["r1", "r2"]) {
    const port = await freePort();
    redis.push({ id, port, child: await spawnRedis(port, path.join(workDir, `redis-${id}`)) });
  }
  const instancesFile = path.join(workDir, "instances.json");
  writeFileSync(
    instancesFile,
    JSON.stringify(
      redis.map((r) => ({ id: r.id, name: r.id, environment: "development", url: `redis://127.0.0.1:${r.port}/0` })),
    ),
  );
  for (const name of ["A", "B"]) {
    const port = await freePort();
    const child = await spawnConsole({
      port,
      logFile: path.join(workDir, `console-${name}.log`),
      env: {
        DATABASE_URL: databaseUrl,
        ISL_INSTANCES_FILE: instancesFile,
        // Unused with DATABASE_URL; each replica its own, as on separate machines.
        CONSOLE_DATA_DIR: path.join(workDir, `data-${name}`),
        NEXT_DIST_DIR: e2eEnv.distDir,
        SAMPLE_INTERVAL_SECONDS: String(SAMPLE_SECONDS),
        SCAN_INTERVAL_MINUTES: "0",
        NEXT_TELEMETRY_DISABLED: "1",
        ...e2eAccessEnv(),
      },
    });
    consoles.push({ name, port, child });
  }
  // Both serve, and between them every instance is sampled.
  await waitFor("both replicas healthy, every instance leased", async () => {
    const [a, b] = await Promise.all([health(0), health(1)]);
    const held = [...(a.leases?.held ?? []), ...(b.leases?.held ?? [])].sort();
    return held.join() === "r1,r2" ? true : undefined;
  });
});

test.afterAll(async () => {
  for (const c of consoles) killQuietly(c.child.pid, "SIGKILL");
  for (const r of redis) killQuietly(r.child.pid, "SIGKILL");
  await dropDatabase?.();
});

test("both replicas say they use PostgreSQL, share the instances, and each instance is sampled by exactly one of them", async () => {
  // The replica that started first took both leases; the other's share (one) is handed over.
  const [a, b] = await waitFor("one instance each", async () => {
    const both = await Promise.all([health(0), health(1)]);
    return both.every((h) => h.leases?.held.length === 1) ? both : undefined;
  });
  expect(a.store?.kind).toBe("postgres");
  expect(b.store?.kind).toBe("postgres");
  const heldA = a.leases?.held ?? [];
  const heldB = b.leases?.held ?? [];
  expect(heldA.filter((id) => heldB.includes(id))).toEqual([]);
  expect([...heldA, ...heldB].sort()).toEqual(["r1", "r2"]);
  // INFO per instance per second while both run; compared below with one process alone.
  const rates = await infoRates(8);
  console.log(`replicas: A holds [${heldA.join(", ")}], B holds [${heldB.join(", ")}]; INFO calls/s with both: ${JSON.stringify(rates)}`);
  for (const r of redis) expect(rates[r.id]).toBeGreaterThan(0);
  bothRates = rates;
});

test("a session signed in on A works on B, and signing out on B ends it on A", async () => {
  const { username, password } = e2eUsers.viewer;
  const login = await fetch(`${base(0)}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: base(0) },
    body: JSON.stringify({ username, password }),
  });
  expect(login.status).toBe(200);
  const cookie = cookieOf(login);
  const me = async (i: number) => (await fetch(`${base(i)}/api/auth/me`, { headers: { cookie } })).status;
  expect(await me(1)).toBe(200);
  const out = await fetch(`${base(1)}/api/auth/logout`, {
    method: "POST",
    headers: { cookie, origin: base(1) },
  });
  expect(out.status).toBeLessThan(300);
  expect(await me(0)).toBe(401);
  expect(await me(1)).toBe(401);
});

test("the sign-in limit counts failures on both replicas", async () => {
  const username = `nobody-${Date.now()}`;
  const attempt = (i: number) =>
    fetch(`${base(i)}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: base(i) },
      body: JSON.stringify({ username, password: "wrong" }),
    });
  // Five failures, alternating replicas: the user's limit (5 in 15 min) is reached across both.
  for (let n = 0; n < 5; n++) expect((await attempt(n % 2)).status).toBe(401);
  const sixth = await attempt(0);
  expect(sixth.status).toBe(429);
  expect((await attempt(1)).status).toBe(429);
});

test("audit entries written through both replicas at once stay one intact chain", async () => {
  const before = (await (await api(0, "/api/audit?limit=1")).json()) as { entries: { id: number }[] };
  const startId = before.entries[0]?.id ?? 0;
  // 100 refused actions through each, interleaved: each writes an intent and an outcome.
  const bad = (i: number) =>
    api(i, "/api/instances/r1/actions", {
      method: "POST",
      headers: { "content-type": "application/json", origin: base(i) },
      body: JSON.stringify({ action: "expire", keys: [], ttlSeconds: -5, reason: "replicas test" }),
    }).then((r) => r.status);
  const statuses = await Promise.all(Array.from({ length: 200 }, (_, n) => bad(n % 2)));
  expect(statuses.every((s) => s === 400)).toBe(true);
  const { stdout } = await run(process.execPath, ["node_modules/tsx/dist/cli.mjs", "--conditions=react-server", "scripts/audit-verify.ts"], {
    env: { ...process.env, DATABASE_URL: databaseUrl, ISL_INSTANCES_FILE: path.join(workDir, "instances.json") },
  });
  console.log(`replicas: ${stdout.trim()}`);
  expect(stdout).toMatch(/chain intact/);
  const checked = Number(/audit:verify: (\d+) entries/.exec(stdout)?.[1]);
  expect(checked).toBeGreaterThanOrEqual(startId + 400);
  const after = (await (await api(1, "/api/audit?limit=1000")).json()) as { entries: { id: number }[] };
  const ids = after.entries.map((e) => e.id).filter((id) => id > startId).sort((x, y) => x - y);
  expect(ids.length).toBeGreaterThanOrEqual(400);
  // No gap and no fork: consecutive ids.
  expect(ids.every((id, n) => n === 0 || id === (ids[n - 1] ?? 0) + 1)).toBe(true);
});

test("a scan started through A is seen running and cancelled through B", async () => {
  const r1 = redis.find((r) => r.id === "r1");
  // Enough keys that a gentle scan takes a while (DEBUG is off on the spawned Redis: a Lua loop).
  await run("redis-cli", [
    "-p",
    String(r1?.port),
    "EVAL",
    "for i=1,300000 do redis.call('SET', 'isl:result:'..i, 'v') end return redis.call('DBSIZE')",
    "0",
  ]);
  expect(Number((await run("redis-cli", ["-p", String(r1?.port), "DBSIZE"])).stdout)).toBeGreaterThanOrEqual(300_000);
  const started = await api(0, "/api/instances/r1/scans", {
    method: "POST",
    headers: { "content-type": "application/json", origin: base(0) },
    body: JSON.stringify({ mode: "gentle" }),
  });
  expect(started.status).toBe(202);
  const { id } = (await started.json()) as { id: string };
  const seen = await waitFor("B sees the scan running with progress", async () => {
    const job = (await (await api(1, `/api/scans/${id}?lists=0`)).json()) as {
      status: string;
      progress: { scanned: number; total: number };
    };
    return job.status === "running" && job.progress.scanned > 0 ? job : undefined;
  });
  console.log(`replicas: B sees scan ${id} running, ${seen.progress.scanned} of ~${seen.progress.total} keys`);
  expect(seen.progress.scanned).toBeGreaterThan(0);
  const cancel = await api(1, `/api/scans/${id}`, { method: "DELETE", headers: { origin: base(1) } });
  expect(cancel.status).toBe(200);
  console.log(`replicas: cancel through B answered ${((await cancel.json()) as { status: string }).status}`);
  const done = await waitFor("the scan cancelled", async () => {
    const job = (await (await api(0, `/api/scans/${id}?lists=0`)).json()) as { status: string };
    return job.status === "cancelled" ? job : undefined;
  });
  expect(done.status).toBe("cancelled");
});

test("a bulk fix-ttl started through A shows its progress and is cancelled through B", async () => {
  // r1 still holds the scan test's 300,000 keys without TTL: a job that runs for a while.
  const started = await api(0, "/api/instances/r1/actions", {
    method: "POST",
    headers: { "content-type": "application/json", origin: base(0) },
    body: JSON.stringify({ action: "fix-ttl", match: "isl:result:*", reason: "replicas test" }),
  });
  expect(started.status).toBe(202);
  const { id } = (await started.json()) as { id: string };
  const seen = await waitFor("B sees the job running with progress", async () => {
    const job = (await (await api(1, `/api/actions/${id}`)).json()) as {
      status: string;
      progress: { scanned: number; total: number };
    };
    return job.status === "running" && job.progress.scanned > 0 ? job : undefined;
  });
  console.log(`replicas: B sees bulk job ${id} running, ${seen.progress.scanned} of ~${seen.progress.total} keys`);
  const cancel = await api(1, `/api/actions/${id}`, { method: "DELETE", headers: { origin: base(1) } });
  expect(cancel.status).toBe(200);
  const done = await waitFor("A says the job cancelled", async () => {
    const job = (await (await api(0, `/api/actions/${id}`)).json()) as { status: string };
    return job.status === "cancelled" ? job : undefined;
  });
  expect(done.status).toBe("cancelled");
});

test("killing the replica that holds leases hands its instances to the other within the lease time", async () => {
  const [a, b] = await Promise.all([health(0), health(1)]);
  const victim = (a.leases?.held.length ?? 0) >= (b.leases?.held.length ?? 0) ? 0 : 1;
  const survivor = 1 - victim;
  const victimHeld = (victim === 0 ? a : b).leases?.held ?? [];
  expect(victimHeld.length).toBeGreaterThan(0);
  const killedAt = Date.now();
  killQuietly(consoles[victim]?.child.pid, "SIGKILL");
  // The lease outlives a few missed samples (maxGap + 5 s); then the survivor's next sample takes it.
  await waitFor(
    "the survivor holds every instance",
    async () => ((await health(survivor)).leases?.held.sort().join() === "r1,r2" ? true : undefined),
    90_000,
  );
  const tookMs = Date.now() - killedAt;
  const aloneRates = await infoRates(8);
  console.log(
    `replicas: ${consoles[victim]?.name} killed; ${consoles[survivor]?.name} held [${victimHeld.join(", ")}] after ${tookMs} ms; INFO calls/s alone: ${JSON.stringify(aloneRates)} (with both: ${JSON.stringify(bothRates)})`,
  );
  // The lease time (lib/metrics/sampler.ts: the longest gap between samples, max(3 intervals,
  // an interval + 5 s), plus 5 s: 11 s at 1 s) plus one interval, plus slack for the health poll
  // and a loaded machine.
  const leaseSeconds = Math.max(3 * SAMPLE_SECONDS, SAMPLE_SECONDS + 5) + 5;
  expect(tookMs).toBeLessThan((leaseSeconds + SAMPLE_SECONDS) * 1000 + 15_000);
  // The proof of one sampler per instance: with two processes running, Redis saw no more INFO
  // calls per second than with one alone (two samplers would double them).
  for (const r of redis) expect(bothRates[r.id] ?? Infinity).toBeLessThan((aloneRates[r.id] ?? 0) * 1.5);
});
