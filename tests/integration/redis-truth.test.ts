// A Redis error never becomes data. Against a real redis-server whose console users each lack one
// command (as operators really configure ACLs), every feature either works or answers 403
// redis_permission naming the command: no 500, no scan "done" with existing keys counted as
// vanished, no alert cleared by a scan that could not read TTLs. A stalled Redis (DEBUG SLEEP)
// answers 503 within the command timeout, never 404, and never turns a failed scan into a verdict.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "@/lib/policy/access";
import type { ScanJob } from "@/lib/schemas/scans";
import { authedRequest } from "../helpers/auth";
import { startRedisServer, type RedisServer } from "../helpers/redis-server";

type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
interface Answer {
  status: number;
  body: Record<string, unknown> & { error?: { code: string; message: string; details?: { command?: string } } };
}

const PASSWORD = "truth-test-password-5c1e";
/** The console's Redis users: each lacks one command (or, isl-only, every key outside isl:). */
const USERS: Record<string, string> = {
  full: "~* &* +@all",
  "no-ttl": "~* &* +@all -ttl",
  "no-memory": "~* &* +@all -memory",
  "no-type": "~* &* +@all -type",
  "no-client": "~* &* +@all -client",
  "no-slowlog": "~* &* +@all -slowlog",
  "no-expire": "~* &* +@all -expire",
  "no-unlink": "~* &* +@all -unlink",
  "no-getrange": "~* &* +@all -getrange",
  "no-eval-ro": "~* &* +@all -eval_ro -evalsha_ro",
  "isl-only": "~isl:* &* +@all",
  "no-select": "~* &* +@all -select",
};
const hex = (n: number) => n.toString(16).padStart(16, "0");
const b64 = (s: string) => Buffer.from(s).toString("base64");
const b64url = (s: string) => Buffer.from(s).toString("base64url");
const RESULT_KEYS = 300;
const NO_TTL_KEYS = 5;
const ALL_KEYS = RESULT_KEYS + NO_TTL_KEYS + 1; // + one key outside isl:

let server: RedisServer;
let dataDir: string;
const routes: Record<string, Record<string, Handler>> = {};
const savedEnv = { ...process.env };

async function call(
  file: string,
  method: string,
  url: string,
  params: Record<string, string>,
  { role = "admin", body }: { role?: Role; body?: unknown } = {},
): Promise<Answer> {
  const handler = routes[file]?.[method];
  if (!handler) throw new Error(`no ${method} in ${file}`);
  const res = await handler(authedRequest(`http://localhost${url}`, { role, method, body }), {
    params: Promise.resolve(params),
  });
  const text = await res.text();
  let parsed: Answer["body"];
  try {
    parsed = JSON.parse(text) as Answer["body"];
  } catch {
    throw new Error(`${method} ${url} answered ${res.status} without JSON: ${text.slice(0, 200)}`);
  }
  return { status: res.status, body: parsed };
}

const keys = (id: string, match = "isl:*") =>
  call("keys", "GET", `/api/instances/${id}/keys?match=${encodeURIComponent(match)}&count=1000`, { id });
const detail = (id: string, key: string) =>
  call("key", "GET", `/api/instances/${id}/keys/${b64url(key)}`, { id, keyBase64url: b64url(key) });
const act = (id: string, body: unknown) =>
  call("actions", "POST", `/api/instances/${id}/actions`, { id }, { body, role: "admin" });

async function scan(id: string, mode: "fast" | "gentle" = "fast"): Promise<ScanJob> {
  const started = await call("scans", "POST", `/api/instances/${id}/scans`, { id }, { body: { mode } });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  const scanId = started.body.id as string;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const job = await call("scan", "GET", `/api/scans/${scanId}?lists=1`, { scanId });
    const s = job.body as unknown as ScanJob;
    if (s.status !== "running") return s;
    if (Date.now() > deadline) throw new Error(`scan ${scanId} of ${id} still running`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** 403 redis_permission naming `command` (as Redis names it in ACL rules). */
function expectDenied(answer: Answer, command: string): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(403);
  expect(answer.body.error?.code).toBe("redis_permission");
  expect(answer.body.error?.details?.command).toBe(command);
  expect(answer.body.error?.message).toContain(command.toUpperCase().replace("|", " "));
}

beforeAll(async () => {
  server = await startRedisServer({
    config: { "enable-debug-command": "local" },
    aclUsers: Object.entries(USERS).map(([name, rules]) => `user ${name} on >${PASSWORD} ${rules}`),
  });
  await server.cli(
    "EVAL",
    `for i = 0, ${RESULT_KEYS - 1} do redis.call('SET', string.format('isl:result:%016x', i), '{}', 'EX', 3600) end
     for i = 0, ${NO_TTL_KEYS - 1} do redis.call('SET', string.format('isl:ident:%016x', i), '{}') end
     redis.call('SET', 'plot:session:42', 'x')`,
    "0",
  );
  dataDir = mkdtempSync(path.join(os.tmpdir(), "isl-truth-"));
  const instancesFile = path.join(dataDir, "instances.json");
  writeFileSync(
    instancesFile,
    JSON.stringify([
      ...Object.keys(USERS).map((user) => ({
        id: user,
        name: user,
        environment: "staging",
        url: `redis://${user}@127.0.0.1:${server.port}/0`,
        passwordEnv: "ISL_TRUTH_PASSWORD",
      })),
      {
        id: "no-select-db3",
        name: "no-select-db3",
        environment: "staging",
        url: `redis://no-select@127.0.0.1:${server.port}/3`,
        passwordEnv: "ISL_TRUTH_PASSWORD",
      },
      {
        id: "stall",
        name: "stall",
        environment: "staging",
        url: `redis://full@127.0.0.1:${server.port}/1`,
        passwordEnv: "ISL_TRUTH_PASSWORD",
      },
    ]),
  );
  for (const name of Object.keys(process.env)) if (/^(REDIS_|ISL_|CONSOLE_DATA)/.test(name)) delete process.env[name];
  Object.assign(process.env, {
    ISL_INSTANCES_FILE: instancesFile,
    ISL_TRUTH_PASSWORD: PASSWORD,
    CONSOLE_DATA_DIR: dataDir,
    SCAN_INTERVAL_MINUTES: "0",
  });
  (await import("@/lib/config")).resetConfigForTests();
  const load = async (name: string, file: string) => {
    routes[name] = (await import(file)) as unknown as Record<string, Handler>;
  };
  await load("keys", "@/app/api/instances/[id]/keys/route");
  await load("key", "@/app/api/instances/[id]/keys/[keyBase64url]/route");
  await load("actions", "@/app/api/instances/[id]/actions/route");
  await load("scans", "@/app/api/instances/[id]/scans/route");
  await load("scan", "@/app/api/scans/[scanId]/route");
  await load("clients", "@/app/api/instances/[id]/clients/route");
  await load("slowlog", "@/app/api/instances/[id]/slowlog/route");
  await load("overview", "@/app/api/instances/[id]/overview/route");
}, 120_000);

afterAll(async () => {
  const { closeAllConnections } = await import("@/lib/redis/connection");
  await closeAllConnections();
  await server.stop();
  process.env = savedEnv;
  (await import("@/lib/config")).resetConfigForTests();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("a console Redis user lacking one command", () => {
  it("signs in as the ACL user named in the URL, with the password from passwordEnv", async () => {
    const { withRedis } = await import("@/lib/redis/connection");
    const { findInstance } = await import("@/lib/config");
    const instance = findInstance("no-ttl");
    if (!instance) throw new Error("no instance");
    expect(await withRedis(instance, (r) => r.call("ACL", "WHOAMI"))).toBe("no-ttl");
  });

  it("full permissions: every feature works and the scan sees every key", async () => {
    expect((await keys("full")).body.keys).toHaveLength(RESULT_KEYS + NO_TTL_KEYS);
    expect((await detail("full", `isl:result:${hex(1)}`)).status).toBe(200);
    const job = await scan("full");
    expect(job).toMatchObject({ status: "done", result: { keys: ALL_KEYS, vanished: 0, unknown: 0, classes: { noTtl: NO_TTL_KEYS } } });
    expect((await call("clients", "GET", "/api/instances/full/clients", { id: "full" })).status).toBe(200);
  });

  it("without TTL: the key list, key detail and scan refuse naming TTL; the scan fails, it counts no key as vanished", async () => {
    expectDenied(await keys("no-ttl"), "ttl");
    expectDenied(await detail("no-ttl", `isl:result:${hex(1)}`), "ttl");
    const job = await scan("no-ttl");
    expect(job.status).toBe("failed");
    expect(job.error).toMatch(/may not run TTL \(NOPERM\).*grant \+ttl/);
    expect(job.result).toBeUndefined();
    // A fix of named keys needs no TTL read on Redis 7 (EXPIRE NX/LT): it works.
    const fixed = await act("no-ttl", { action: "fix-ttl", keys: [b64(`isl:ident:${hex(0)}`)] });
    expect(fixed.status).toBe(200);
    expect((await server.cli("TTL", `isl:ident:${hex(0)}`)).trim()).toBe("21600");
    await server.cli("PERSIST", `isl:ident:${hex(0)}`);
  });

  it("without MEMORY: sizes are unknown, never 0 bytes, and the scan says why", async () => {
    const list = await keys("no-memory");
    expect(list.status).toBe(200);
    const items = list.body.keys as { bytes: number | null }[];
    expect(items).toHaveLength(RESULT_KEYS + NO_TTL_KEYS);
    expect(items.every((k) => k.bytes === null)).toBe(true);
    expect((await detail("no-memory", `isl:result:${hex(1)}`)).body).toMatchObject({ bytes: null });
    const job = await scan("no-memory");
    expect(job).toMatchObject({ status: "done", result: { keys: ALL_KEYS, bytes: 0, sizeUnknown: ALL_KEYS, vanished: 0 } });
    expect(job.result?.problems[0]).toMatchObject({ kind: "permission", command: "memory|usage", affects: "size", keys: ALL_KEYS });
    expect(job.result?.lists.noTtl.every((e) => e.bytes === null)).toBe(true);
  });

  it("without TYPE: the key list, detail and scan refuse naming TYPE", async () => {
    expectDenied(await keys("no-type"), "type");
    expectDenied(await detail("no-type", `isl:result:${hex(1)}`), "type");
    const job = await scan("no-type");
    expect(job.status).toBe("failed");
    expect(job.error).toMatch(/may not run TYPE/);
  });

  it("without CLIENT or SLOWLOG: those ops reads refuse naming the command; the rest works", async () => {
    expectDenied(await call("clients", "GET", "/api/instances/no-client/clients", { id: "no-client" }), "client|list");
    expect((await keys("no-client")).status).toBe(200);
    expectDenied(await call("slowlog", "GET", "/api/instances/no-slowlog/slowlog", { id: "no-slowlog" }), "slowlog|get");
    expect((await scan("no-slowlog")).status).toBe("done");
  });

  it("without EXPIRE or UNLINK: the actions refuse naming the command and change nothing", async () => {
    const key = `isl:ident:${hex(1)}`;
    expectDenied(await act("no-expire", { action: "expire", keys: [b64(key)], ttlSeconds: 60 }), "expire");
    expectDenied(await act("no-expire", { action: "fix-ttl", keys: [b64(key)] }), "expire");
    expect((await server.cli("TTL", key)).trim()).toBe("-1");
    expectDenied(await act("no-unlink", { action: "delete", keys: [b64(key)] }), "unlink");
    expect((await server.cli("EXISTS", key)).trim()).toBe("1");
    // Refusals by Redis are audited as errors with the reason.
    const { listAuditEntries } = await import("@/lib/store/audit");
    const { getStore } = await import("@/lib/store");
    const [outcome] = await listAuditEntries(getStore(), { instance: "no-unlink", limit: 1 });
    expect(outcome).toMatchObject({ outcome: "error", detail: expect.stringMatching(/403 redis_permission: .*UNLINK/) });
  });

  it("without GETRANGE: a string's detail refuses naming GETRANGE; the list works", async () => {
    expect((await keys("no-getrange")).status).toBe(200);
    expectDenied(await detail("no-getrange", `isl:result:${hex(1)}`), "getrange");
  });

  it("without EVAL_RO: the scan falls back to EVALSHA and sees every key", async () => {
    const job = await scan("no-eval-ro");
    expect(job).toMatchObject({ status: "done", result: { keys: ALL_KEYS, vanished: 0, unknown: 0 } });
  });

  it("limited to isl:* keys: keys outside are unknown (listed, with the reason), never vanished or missing", async () => {
    const list = await keys("isl-only", "*");
    expect(list.status).toBe(200);
    expect(list.body.keys).toHaveLength(RESULT_KEYS + NO_TTL_KEYS);
    expect(list.body).toMatchObject({ unreadable: 1, unreadableReason: expect.stringMatching(/ACL key patterns/) });
    const denied = await detail("isl-only", "plot:session:42");
    expect(denied.status).toBe(403);
    expect(denied.body.error?.code).toBe("redis_permission");
    const job = await scan("isl-only");
    expect(job).toMatchObject({
      status: "done",
      result: { keys: RESULT_KEYS + NO_TTL_KEYS, vanished: 0, unknown: 1, classes: { noTtl: NO_TTL_KEYS, foreign: 0 } },
    });
    expect(job.result?.lists.unknown.map((e) => e.key)).toEqual(["plot:session:42"]);
    expect(job.result?.problems[0]).toMatchObject({ kind: "permission", affects: "unknown", keys: 1 });
  });
});

describe("a console Redis user that may not SELECT its database", () => {
  it("is refused naming SELECT, never silently served database 0", async () => {
    expectDenied(await keys("no-select-db3"), "select");
    expectDenied(await detail("no-select-db3", `isl:result:${hex(1)}`), "select");
  });
});

describe("a scan that could not read TTLs never clears the keys-without-TTL alert", () => {
  let sampler: { sampleOnce(id: string): Promise<unknown> } | undefined;
  async function overviewAlerts(id: string) {
    const { samplerFromConfig } = await import("@/lib/metrics/service");
    sampler ??= samplerFromConfig();
    expect(await sampler.sampleOnce(id)).toBe("sampled");
    const res = await call("overview", "GET", `/api/instances/${id}/overview`, { id }, { role: "viewer" });
    expect(res.status).toBe(200);
    return res.body.alerts as { rule: string; state: string; value: number; summary: string }[];
  }

  it("a failed scan after one that found keys without TTL: the alert stays, and compliance is unknown since the failure", async () => {
    // The instance's history: a complete scan that found 5 keys without TTL (as the full user saw them) ...
    const { getStore } = await import("@/lib/store");
    const { finishScan, getScan, insertScan } = await import("@/lib/store/scans");
    const full = await scan("full");
    const db = getStore();
    await insertScan(db, { id: "history-1", instance: "no-ttl", match: "*", mode: "fast", trigger: "manual", startedAt: full.startedAt, total: ALL_KEYS });
    await finishScan(db, "history-1", {
      status: "done",
      finishedAt: full.finishedAt ?? new Date().toISOString(),
      progress: full.progress,
      result: (await getScan(db, full.id))?.result,
    });
    expect((await overviewAlerts("no-ttl")).find((a) => a.rule === "keys-without-ttl")).toMatchObject({ state: "firing", value: 5 });
    // ... then a scan by a user who may not read TTLs.
    expect((await scan("no-ttl")).status).toBe("failed");
    const alerts = await overviewAlerts("no-ttl");
    expect(alerts.find((a) => a.rule === "keys-without-ttl")).toMatchObject({ state: "firing", value: 5 });
    expect(alerts.find((a) => a.rule === "ttl-compliance-unknown")?.summary).toMatch(
      /^TTL compliance unknown since .* UTC: the last scan failed: the console's Redis user may not run TTL/,
    );
  });

  it("before any scan finished, the overview says compliance is unknown instead of no alerts", async () => {
    const alerts = await overviewAlerts("no-client");
    expect(alerts.map((a) => a.rule)).toContain("ttl-compliance-unknown");
  });
});

describe("a stalled Redis (DEBUG SLEEP)", () => {
  it("answers 503 within the command timeout for key detail, key list and an action; a running scan fails, no verdict changes", async () => {
    await server.cli("-n", "1", "DEBUG", "POPULATE", "200000", "isl:result:stall");
    await server.cli("-n", "1", "SET", "isl:ident:0000000000000001", "v");
    const running = await call("scans", "POST", "/api/instances/stall/scans", { id: "stall" }, { body: { mode: "gentle" } });
    expect(running.status).toBe(202);
    const scanId = running.body.id as string;
    // Let the scan get going, then stall the server for longer than the 5 s command timeout.
    for (let i = 0; i < 100; i++) {
      const s = (await call("scan", "GET", `/api/scans/${scanId}`, { scanId })).body as unknown as ScanJob;
      if (s.progress.scanned > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const SLEEP_S = 12;
    // The console's connection is up (a fresh one would wait for Redis's handshake: 503 unavailable).
    expect((await detail("stall", "isl:ident:0000000000000001")).status).toBe(200);
    const sleeping = server.cli("DEBUG", "SLEEP", String(SLEEP_S));
    await new Promise((r) => setTimeout(r, 300));
    const t0 = performance.now();
    const [d, l, a] = await Promise.all([
      detail("stall", "isl:ident:0000000000000001"),
      keys("stall"),
      act("stall", { action: "expire", keys: [b64("isl:ident:0000000000000001")], ttlSeconds: 60 }),
    ]);
    const elapsed = performance.now() - t0;
    for (const answer of [d, l, a]) {
      expect(answer.status, JSON.stringify(answer.body)).toBe(503);
      expect(answer.body.error?.code).toBe("redis_timeout");
    }
    // Answered while Redis still slept: the command timeout (5 s), not the stall, bounds the wait.
    expect(elapsed).toBeLessThan(SLEEP_S * 1000 - 1000);
    await sleeping;
    const deadline = Date.now() + 30_000;
    let job: ScanJob;
    do {
      job = (await call("scan", "GET", `/api/scans/${scanId}`, { scanId })).body as unknown as ScanJob;
      if (job.status !== "running") break;
      await new Promise((r) => setTimeout(r, 100));
    } while (Date.now() < deadline);
    expect(job.status).toBe("failed");
    expect(job.error).toMatch(/Redis stopped answering after \d+ of ~200001 keys/);
    expect(job.result).toBeUndefined();
    // The key still exists: a stall is never "no such key".
    expect((await detail("stall", "isl:ident:0000000000000001")).status).toBe(200);
    const { listAuditEntries } = await import("@/lib/store/audit");
    const { getStore } = await import("@/lib/store");
    const [outcome] = await listAuditEntries(getStore(), { instance: "stall", action: "expire", limit: 1 });
    expect(outcome).toMatchObject({ outcome: "error", detail: expect.stringMatching(/503 redis_timeout: .*may still have run/) });
  }, 90_000);
});
