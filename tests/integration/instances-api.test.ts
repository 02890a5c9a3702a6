// GET /api/instances and GET /api/health, called as Next calls them, against spawned redis-servers.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/lib/config";
import { closeAllConnections } from "@/lib/redis/connection";
import { healthResponseSchema, instancesResponseSchema } from "@/lib/schemas/instances";
import { authedRequest } from "../helpers/auth";
import { startRedisServer, type RedisServer } from "../helpers/redis-server";

const PASSWORD = "Pw-for-api-test-7c1e";
const ctx = { params: Promise.resolve({}) };

type Handler = (req: NextRequest, context: typeof ctx) => Promise<Response>;
let instancesGet: Handler;
let healthGet: Handler;

async function call(handler: Handler, url: string): Promise<{ status: number; text: string; json: unknown }> {
  const res = await handler(authedRequest(url), ctx);
  const text = await res.text();
  return { status: res.status, text, json: JSON.parse(text) };
}

const getInstances = () => call(instancesGet, "http://localhost/api/instances");
const getHealth = () => call(healthGet, "http://localhost/api/health");

/** The response must never carry a credential or a connection URL. */
function expectNoSecret(text: string): void {
  expect(text).not.toContain(PASSWORD);
  expect(text).not.toMatch(/rediss?:\/\//);
}

const savedEnv = { ...process.env };
let dataDir: string;

function setEnv(values: Record<string, string>): void {
  for (const name of ["REDIS_URL", "REDIS_INSTANCE_ID", "ISL_INSTANCES_FILE", "API_TEST_PASSWORD"]) {
    delete process.env[name];
  }
  Object.assign(process.env, { CONSOLE_DATA_DIR: dataDir, ...values });
  resetConfigForTests();
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), "isl-api-"));
  ({ GET: instancesGet } = await import("@/app/api/instances/route"));
  ({ GET: healthGet } = await import("@/app/api/health/route"));
});

afterAll(async () => {
  await closeAllConnections();
  process.env = savedEnv;
  resetConfigForTests();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("single instance from REDIS_URL with a password in the URL", () => {
  let server: RedisServer;

  beforeAll(async () => {
    server = await startRedisServer({ requirepass: PASSWORD, config: { maxmemory: "20mb" } });
    await server.cli("MSET", "isl:result:0000000000000001", "a", "isl:ident:0000000000000002", "b");
    await server.cli("-n", "1", "SET", "other-db", "c");
    setEnv({ REDIS_URL: `redis://:${PASSWORD}@127.0.0.1:${server.port}/0`, REDIS_INSTANCE_ID: "api-single" });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it("GET /api/instances reports the instance reachable with version, memory and keys of its db", async () => {
    const { status, text, json } = await getInstances();
    expect(status).toBe(200);
    const body = instancesResponseSchema.parse(json);
    expect(body.instances).toHaveLength(1);
    const [inst] = body.instances;
    const version = (await server.cli("INFO", "server")).match(/redis_version:(\S+)/)?.[1];
    expect(inst).toMatchObject({
      id: "api-single",
      name: "api-single",
      environment: "development",
      readOnly: false,
      reachable: true,
      address: `127.0.0.1:${server.port}/0`,
      tls: false,
      redisVersion: version,
      role: "master",
      keys: 2,
    });
    expect(inst?.error).toBeUndefined();
    expect(inst?.memory?.maxBytes).toBe(20 * 1024 * 1024);
    expect(inst?.memory?.usedBytes).toBeGreaterThan(100_000);
    expectNoSecret(text);
  });

  it("GET /api/health says ok with the instance reachable", async () => {
    const { status, text, json } = await getHealth();
    expect(status).toBe(200);
    expect(healthResponseSchema.parse(json)).toEqual({
      status: "ok",
      uptimeSeconds: expect.any(Number),
      instances: [{ id: "api-single", reachable: true }],
      store: { kind: "sqlite" },
      // No sampler runs in this process yet: it holds no lease.
      leases: { held: [] },
    });
    expectNoSecret(text);
  });

  it("GET /api/health names the store's kind, never its file, and the leases this process's sampler holds", async () => {
    const { startMetricsSampler, stopMetricsSampler } = await import("@/lib/metrics/service");
    const { getStore } = await import("@/lib/store");
    const { acquireLease, leaseOwner, leasesHeldBy } = await import("@/lib/store/sampler-leases");
    const held = async () => healthResponseSchema.parse((await getHealth()).json).leases.held;
    const sampler = startMetricsSampler();
    const db = getStore();
    try {
      // The sampler's first sample takes the instance's lease.
      await expect.poll(held, { timeout: 20_000, interval: 100 }).toEqual(["api-single"]);
      // Another process's live lease, and an expired one of this process, are not held here.
      expect(await acquireLease(db, "api-elsewhere", "another-console", Date.now(), 60_000)).toBe(true);
      expect(await acquireLease(db, "api-expired", sampler.owner, Date.now() - 120_000, 60_000)).toBe(true);
      const { status, text, json } = await getHealth();
      expect(status).toBe(200);
      const body = healthResponseSchema.parse(json);
      expect(body.store).toEqual({ kind: "sqlite" });
      expect(body.leases.held).toEqual(["api-single"]);
      expect(await leasesHeldBy(db, "another-console", Date.now())).toEqual(["api-elsewhere"]);
      expect(text).not.toContain(dataDir);
      expect(text).not.toContain("console.sqlite");
      expectNoSecret(text);
    } finally {
      await stopMetricsSampler();
    }
    // A stopped sampler gives its leases back.
    expect(await leaseOwner(db, "api-single", Date.now())).toBeNull();
    expect(await leasesHeldBy(db, sampler.owner, Date.now())).toEqual([]);
    expect(await held()).toEqual([]);
  });

  it("after SIGKILL of Redis both answer within 3 s: unreachable, with an error, still no secret", async () => {
    server.process.kill("SIGKILL");
    await new Promise((resolve) => server.process.once("exit", resolve));

    let started = Date.now();
    const instances = await getInstances();
    expect(Date.now() - started).toBeLessThan(3000);
    expect(instances.status).toBe(200);
    const [inst] = instancesResponseSchema.parse(instances.json).instances;
    expect(inst).toMatchObject({ id: "api-single", reachable: false });
    expect(inst?.error).toMatch(/^(connection refused|connection lost|not connected|connection timed out)/);
    expect(inst?.redisVersion).toBeUndefined();
    expectNoSecret(instances.text);

    started = Date.now();
    const health = await getHealth();
    expect(Date.now() - started).toBeLessThan(3000);
    expect(health.status).toBe(200);
    const body = healthResponseSchema.parse(health.json);
    expect(body.status).toBe("degraded");
    expect(body.instances[0]).toMatchObject({ id: "api-single", reachable: false });
    expect(body.instances[0]?.error).toMatch(
      /^(connection refused|connection lost|not connected|connection timed out)/,
    );
    expectNoSecret(health.text);
  });
});

describe("several instances from ISL_INSTANCES_FILE, password from passwordEnv", () => {
  let server: RedisServer;
  let file: string;

  beforeAll(async () => {
    server = await startRedisServer({ requirepass: PASSWORD });
    await server.cli("-n", "3", "SET", "isl:beliefs:0000000000000009", "x");
    file = path.join(dataDir, "instances.json");
    writeFileSync(
      file,
      JSON.stringify([
        {
          id: "api-up",
          name: "Staging cache",
          environment: "staging",
          url: `redis://127.0.0.1:${server.port}/3`,
          passwordEnv: "API_TEST_PASSWORD",
          readOnly: true,
        },
        {
          id: "api-wrongpw",
          name: "Wrong password",
          environment: "production",
          url: `redis://:nope@127.0.0.1:${server.port}/0`,
        },
        { id: "api-down", name: "Nobody home", environment: "development", url: "redis://127.0.0.1:1/0" },
      ]),
    );
    setEnv({ ISL_INSTANCES_FILE: file, API_TEST_PASSWORD: PASSWORD });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it("lists every instance in file order, each reachable or with its own error, within 3 s", async () => {
    const started = Date.now();
    const { status, text, json } = await getInstances();
    expect(Date.now() - started).toBeLessThan(3000);
    expect(status).toBe(200);
    const { instances } = instancesResponseSchema.parse(json);
    expect(instances.map((i) => [i.id, i.environment, i.readOnly, i.reachable])).toEqual([
      ["api-up", "staging", true, true],
      ["api-wrongpw", "production", false, false],
      ["api-down", "development", false, false],
    ]);
    expect(instances[0]).toMatchObject({
      name: "Staging cache",
      keys: 1,
      address: `127.0.0.1:${server.port}/3`,
    });
    expect(instances[1]?.error).toBe("authentication failed: wrong username or password");
    expect(instances[2]?.error).toMatch(/^(connection refused|not connected|connection timed out)/);
    expectNoSecret(text);
    expect(text).not.toContain(":nope@");
  });

  it("GET /api/health is degraded while one instance is down, and lists each", async () => {
    const { json, text } = await getHealth();
    const body = healthResponseSchema.parse(json);
    expect(body.status).toBe("degraded");
    expect(body.instances.map((i) => [i.id, i.reachable])).toEqual([
      ["api-up", true],
      ["api-wrongpw", false],
      ["api-down", false],
    ]);
    expectNoSecret(text);
  });
});
