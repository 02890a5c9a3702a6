// The ops APIs against real redis-servers: the config checklist on a compliant and a
// non-compliant server and on one with CONFIG renamed away; the slow log with hidden arguments;
// clients grouped by name and address; per-minute latency from the store.
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/lib/config";
import { getStore } from "@/lib/store";
import { listAuditEntries } from "@/lib/store/audit";
import { closeAllConnections } from "@/lib/redis/connection";
import {
  clientsResponseSchema,
  configResponseSchema,
  latencyResponseSchema,
  slowlogResponseSchema,
  type ConfigResponse,
} from "@/lib/schemas/ops";
import { startRedisServer, type RedisServer } from "../helpers/redis-server";
import { makeTlsFiles, type TlsFiles } from "../helpers/tls";

type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

const savedEnv = { ...process.env };
const dataDir = mkdtempSync(path.join(os.tmpdir(), "isl-ops-api-"));
let tls: TlsFiles;
let compliant: RedisServer;
let plain: RedisServer;
let renamed: RedisServer;
const handlers: Record<string, Handler> = {};
const TOKENS = { viewer: "viewer-token-for-ops-tests", admin: "admin-token-for-ops-tests" };
const sha = (t: string) => createHash("sha256").update(t).digest("hex");

type What = "config" | "slowlog" | "clients" | "latency" | "config/apply" | "slowlog/reset";

function call(
  what: What,
  id: string,
  query = "",
  role: "viewer" | "admin" = "viewer",
  body?: unknown,
): Promise<Response> {
  const req = new NextRequest(`http://localhost/api/instances/${id}/${what}${query}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${TOKENS[role]}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const handler = handlers[what];
  if (!handler) throw new Error(`no handler ${what}`);
  return handler(req, { params: Promise.resolve({ id }) });
}

async function config(id: string): Promise<ConfigResponse> {
  const res = await call("config", id);
  expect(res.status).toBe(200);
  return configResponseSchema.parse(await res.json());
}

const statuses = (body: ConfigResponse) => Object.fromEntries(body.checks.map((c) => [c.id, c.status]));

beforeAll(async () => {
  tls = makeTlsFiles();
  [compliant, plain, renamed] = await Promise.all([
    startRedisServer({
      tls,
      requirepass: "s3cret",
      config: {
        maxmemory: "2gb",
        "maxmemory-policy": "volatile-lru",
        save: "900 1 300 10 60 10000",
        "notify-keyspace-events": "Eg$lshz",
        "latency-tracking-info-percentiles": "50 95 99 99.9",
      },
    }),
    startRedisServer(),
    startRedisServer({ config: { "rename-command": ["CONFIG", ""], "maxmemory-policy": "volatile-lru" } }),
  ]);
  const file = path.join(dataDir, "instances.json");
  writeFileSync(
    file,
    JSON.stringify([
      {
        id: "good",
        name: "Compliant staging",
        environment: "staging",
        url: compliant.url,
        passwordEnv: "OPS_TEST_PASSWORD",
        tls: { caFile: tls.caCert },
      },
      { id: "bad", name: "Default config", environment: "staging", url: plain.url },
      { id: "managed", name: "CONFIG renamed", environment: "production", url: renamed.url },
      { id: "frozen", name: "Read-only", environment: "staging", url: plain.url, readOnly: true },
    ]),
  );
  for (const name of Object.keys(process.env))
    if (/^(REDIS_|ISL_|CONSOLE_)/.test(name)) delete process.env[name];
  Object.assign(process.env, {
    ISL_INSTANCES_FILE: file,
    OPS_TEST_PASSWORD: "s3cret",
    CONSOLE_DATA_DIR: dataDir,
    CONSOLE_API_TOKENS: `ops-viewer:viewer:${sha(TOKENS.viewer)},ops-admin:admin:${sha(TOKENS.admin)}`,
  });
  resetConfigForTests();
  for (const what of ["config", "slowlog", "clients", "latency"]) {
    const mod = (await import(`@/app/api/instances/[id]/${what}/route`)) as unknown as { GET: Handler };
    handlers[what] = mod.GET;
  }
  for (const what of ["config/apply", "slowlog/reset"]) {
    const mod = (await import(`@/app/api/instances/[id]/${what}/route`)) as unknown as { POST: Handler };
    handlers[what] = mod.POST;
  }
});

afterAll(async () => {
  await closeAllConnections();
  await Promise.all([compliant?.stop(), plain?.stop(), renamed?.stop()]);
  process.env = savedEnv;
  resetConfigForTests();
  rmSync(dataDir, { recursive: true, force: true });
  if (tls) rmSync(tls.dir, { recursive: true, force: true });
});

describe("GET /api/instances/{id}/config", () => {
  it("passes every check on a staging server provisioned by the guide", async () => {
    const body = await config("good");
    expect(body.source).toBe("config");
    expect(statuses(body)).toEqual({
      maxmemory: "pass",
      "maxmemory-policy": "pass",
      save: "pass",
      maxclients: "pass",
      tls: "pass",
      auth: "pass",
      version: "pass",
      "notify-keyspace-events": "pass",
      "latency-tracking": "pass",
      persistence: "pass",
    });
    expect(body.recommended).toEqual([]);
  });

  it("fails the guide's settings, TLS and auth on a default staging server, with the fix lines", async () => {
    const body = await config("bad");
    expect(statuses(body)).toEqual({
      maxmemory: "fail",
      "maxmemory-policy": "fail",
      save: "fail",
      maxclients: "pass",
      tls: "fail",
      auth: "fail",
      version: "pass",
      "notify-keyspace-events": "fail",
      "latency-tracking": "fail",
      persistence: "pass",
    });
    const policy = body.checks.find((c) => c.id === "maxmemory-policy");
    expect(policy).toMatchObject({
      actual: "noeviction",
      fix: "redis-cli CONFIG SET maxmemory-policy volatile-lru",
    });
    expect(body.checks.find((c) => c.id === "maxmemory")?.fix).toBe("redis-cli CONFIG SET maxmemory 2gb");
    expect(body.recommended.map((r) => r.name)).toEqual([
      "maxmemory",
      "maxmemory-policy",
      "save",
      "notify-keyspace-events",
      "latency-tracking-info-percentiles",
    ]);
  });

  it("falls back to INFO when CONFIG is renamed away: policy judged, save unknown, no error", async () => {
    const body = await config("managed");
    expect(body.source).toBe("info");
    expect(body.configDisabled).toBe(true);
    const s = statuses(body);
    expect(s["maxmemory-policy"]).toBe("pass");
    expect(s.maxmemory).toBe("fail"); // INFO says 0: no limit, production wants 4 GB
    expect(s.save).toBe("unknown");
    expect(body.checks.find((c) => c.id === "save")?.advice).toMatch(/CONFIG is disabled/);
    expect(body.recommended).toEqual([]);
  });

  it("is 404 for an unknown instance and 401 without a token", async () => {
    expect((await call("config", "nope")).status).toBe(404);
    const req = new NextRequest("http://localhost/api/instances/bad/config");
    expect((await handlers.config?.(req, { params: Promise.resolve({ id: "bad" }) }))?.status).toBe(401);
  });

  it("applies the recommended settings for an admin only, refuses where CONFIG is disabled", async () => {
    expect((await call("config/apply", "bad", "", "viewer", {})).status).toBe(403);
    expect((await call("config/apply", "managed", "", "admin", {})).status).toBe(409);
    expect((await call("config/apply", "frozen", "", "admin", {})).status).toBe(409);
    expect((await call("slowlog/reset", "frozen", "", "admin", {})).status).toBe(409);
    const [rejected] = await listAuditEntries(getStore(), {
      instance: "frozen",
      action: "config-set",
      limit: 1,
    });
    expect(rejected).toMatchObject({
      outcome: "denied",
      detail: expect.stringMatching(/^409 read_only: instance frozen is read-only/),
    });
    const res = await call("config/apply", "bad", "", "admin", { reason: "provisioning checklist" });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { applied: { name: string }[] }).applied.map((a) => a.name)).toEqual([
      "maxmemory",
      "maxmemory-policy",
      "save",
      "notify-keyspace-events",
      "latency-tracking-info-percentiles",
    ]);
    const s = statuses(await config("bad"));
    expect([s.maxmemory, s["maxmemory-policy"], s.save]).toEqual(["pass", "pass", "pass"]);
    const [outcome] = await listAuditEntries(getStore(), {
      action: "config-set",
      actor: "ops-admin",
      limit: 1,
    });
    expect(outcome).toMatchObject({
      outcome: "ok",
      affected: 5,
      detail: expect.stringContaining("maxmemory-policy=volatile-lru"),
    });
  });
});

describe("GET /api/instances/{id}/slowlog", () => {
  it("lists slow commands with their client but without arguments", async () => {
    await plain.cli("CONFIG", "SET", "slowlog-log-slower-than", "0");
    await plain.cli("SLOWLOG", "RESET");
    await plain.cli("CLIENT", "SETNAME", "ops-test");
    await plain.cli("SET", "isl:beliefs:user_123", '{"user_id":"user_123"}');
    const res = await call("slowlog", "bad");
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain("user_123");
    const body = slowlogResponseSchema.parse(JSON.parse(text));
    expect(body.revealed).toBe(false);
    expect(body.slowerThanMicros).toBe(0);
    const set = body.entries.find((e) => e.command === "SET");
    expect(set).toMatchObject({ args: null, argCount: 2 });
    expect(set?.client.addr).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(set?.time).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it("refuses to reveal arguments to a viewer, and audits the attempt", async () => {
    const res = await call("slowlog", "bad", "?reveal=1");
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain("user_123");
    const [denied] = await listAuditEntries(getStore(), { action: "slowlog-reveal", limit: 10 });
    expect(denied).toMatchObject({ actor: "ops-viewer", instance: "bad", outcome: "denied" });
  });

  it("reveals arguments to an admin, escaped, and audits the reveal", async () => {
    const res = await call("slowlog", "bad", "?reveal=1", "admin");
    expect(res.status).toBe(200);
    const body = slowlogResponseSchema.parse(await res.json());
    expect(body.revealed).toBe(true);
    expect(body.entries.find((e) => e.command === "SET")?.args).toEqual([
      "isl:beliefs:user_123",
      '{\\"user_id\\":\\"user_123\\"}',
    ]);
    const entries = await listAuditEntries(getStore(), {
      action: "slowlog-reveal",
      actor: "ops-admin",
      limit: 10,
    });
    expect(entries.map((e) => [e.kind, e.outcome])).toEqual([
      ["outcome", "ok"],
      ["intent", null],
    ]);
    expect(body.auditId).toBe(entries[1]?.id);
  });

  it("lets an admin reset the slow log (audited) but not a viewer", async () => {
    expect((await call("slowlog/reset", "bad", "", "viewer", {})).status).toBe(403);
    const res = await call("slowlog/reset", "bad", "", "admin", { reason: "clean slate for the test" });
    expect(res.status).toBe(200);
    expect(Number(await plain.cli("SLOWLOG", "LEN"))).toBeLessThanOrEqual(1);
    const [outcome] = await listAuditEntries(getStore(), {
      action: "slowlog-reset",
      actor: "ops-admin",
      limit: 1,
    });
    expect(outcome).toMatchObject({ outcome: "ok", reason: "clean slate for the test" });
  });
});

describe("GET /api/instances/{id}/clients", () => {
  it("groups connections by name and address against maxclients", async () => {
    const res = await call("clients", "bad");
    expect(res.status).toBe(200);
    const body = clientsResponseSchema.parse(await res.json());
    expect(body.maxClients).toBe(10000);
    expect(body.connected).toBeGreaterThanOrEqual(1);
    expect(body.byName.find((g) => g.key === "isl-console-main")?.count).toBe(1);
    expect(body.byAddress.find((g) => g.key === "127.0.0.1")?.count).toBe(body.connected);
    expect(body.oldest).not.toBeNull();
    expect(body.busiest).not.toBeNull();
  });
});

describe("GET /api/instances/{id}/latency", () => {
  it("answers per-minute buckets and the latency monitor state", async () => {
    await plain.cli("CONFIG", "SET", "latency-monitor-threshold", "1");
    // A 50 ms busy script (DEBUG SLEEP is disabled by default from Redis 7).
    const spin =
      "local s=redis.call('TIME') local t0=s[1]*1000000+s[2] " +
      "while true do local n=redis.call('TIME') if n[1]*1000000+n[2]-t0 > 50000 then break end end return 1";
    await plain.cli("EVAL", spin, "0");
    const res = await call("latency", "bad", "?minutes=5");
    expect(res.status).toBe(200);
    const body = latencyResponseSchema.parse(await res.json());
    expect(body.minutes.length).toBeGreaterThanOrEqual(5);
    expect(body.monitorThresholdMs).toBe(1);
    expect(body.events.find((e) => e.event === "command")?.maxMs).toBeGreaterThanOrEqual(40);
  });
});
