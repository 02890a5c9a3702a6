// The keyspace scanner against spawned redis-servers: planted cases of every class compared with
// what redis-cli --scan plus TTL report for the same server, binary names, vanished keys,
// cancel of a 1M-key scan within 1 s, and a Redis restart during a scan.
import type { NextRequest } from "next/server";
import type { Role } from "@/lib/policy/access";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/lib/config";
import { classifyKey, compilePolicy } from "@/lib/policy/classify";
import { defaultPolicy } from "@/lib/policy/default-policy";
import { policySchema } from "@/lib/policy/types";
import { closeAllConnections, getClient } from "@/lib/redis/connection";
import { runScan } from "@/lib/scan/connection-scan";
import { scanJobSchema, type ScanJob, type ScanResult } from "@/lib/schemas/scans";
import { authedRequest } from "../helpers/auth";
import { consoleEnv, type ConsoleEnv } from "../helpers/console-env";
import { cliScan, startRedisServer, type RedisServer } from "../helpers/redis-server";
import { teardown } from "../helpers/teardown";

type Redis = Awaited<ReturnType<typeof getClient>>;

/** A test's own client (tests do not import ioredis: lib/redis owns it). */
function connect(server: RedisServer, id: string): Promise<Redis> {
  return getClient({ id, name: id, environment: "development", url: server.url, readOnly: false });
}

function inc(counts: Record<string, number>, name: string): void {
  counts[name] = (counts[name] ?? 0) + 1;
}

function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error("expected a value");
  return value;
}

const policy = policySchema.parse(defaultPolicy);
const compiled = compilePolicy(policy);
const HEX = "0123456789abcdef";
const hex = (i: number) => i.toString(16).padStart(16, "0");
const B = (s: string) => Buffer.from(s, "latin1");

interface Reference {
  classes: Record<string, number>;
  patterns: Record<string, number>;
  lists: Record<string, Set<string>>;
}

/** What the guide's procedure reports: redis-cli --scan, then TTL of each key, classified by the policy. */
async function reference(server: RedisServer, redis: Redis): Promise<Reference> {
  const keys = await cliScan(server);
  const pipeline = redis.pipeline();
  for (const k of keys) pipeline.ttl(k);
  const ttls = ((await pipeline.exec()) ?? []).map(([, v]) => Number(v));
  const ref: Reference = {
    classes: { ok: 0, noTtl: 0, aboveStandard: 0, unknownPattern: 0, foreign: 0, possiblePii: 0 },
    patterns: Object.fromEntries(policy.patterns.map((p) => [p.name, 0])),
    lists: {
      noTtl: new Set(),
      aboveStandard: new Set(),
      unknownPattern: new Set(),
      foreign: new Set(),
      possiblePii: new Set(),
    },
  };
  keys.forEach((key, i) => {
    const ttl = ttls[i] as number;
    if (ttl === -2) return;
    const v = classifyKey(compiled, key, ttl);
    inc(ref.classes, v.class);
    if (v.pattern) inc(ref.patterns, v.pattern);
    if (v.class !== "ok") ref.lists[v.class]?.add(key.toString("base64"));
    if (v.possiblePii) {
      inc(ref.classes, "possiblePii");
      ref.lists.possiblePii?.add(key.toString("base64"));
    }
  });
  return ref;
}

const INVALID_UTF8 = Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x01, 0x3a, 0x62]);
/** redis-cli --scan prints keys with printf("%s"): it cuts this one at the NUL, so the reference misses it. */
const NUL_KEY = Buffer.from("bin:\x00:nul", "latin1");

async function plant(redis: Redis): Promise<void> {
  const p = redis.pipeline();
  // ok, every type
  for (let i = 0; i < 40; i++) p.set(`isl:result:${hex(i)}`, "r".repeat(200), "EX", 3600);
  for (let i = 0; i < 10; i++)
    p.hset(`isl:beliefs:${hex(i)}`, "a", "1", "b", "2").expire(`isl:beliefs:${hex(i)}`, 3600);
  for (let i = 0; i < 5; i++)
    p.zadd(`isl:sensitivity:${hex(i)}`, 1, "x", 2, "y").expire(`isl:sensitivity:${hex(i)}`, 60);
  for (let i = 0; i < 5; i++) p.xadd(`isl:ident:${hex(i)}`, "*", "f", "v").expire(`isl:ident:${hex(i)}`, 600);
  // no TTL (a list and a set), above standard (ident's standard is 6 h)
  for (let i = 100; i < 107; i++) p.rpush(`isl:result:${hex(i)}`, "1", "2", "3");
  for (let i = 100; i < 103; i++) p.sadd(`isl:beliefs:${hex(i)}`, "a", "b");
  for (let i = 100; i < 104; i++) p.set(`isl:ident:${hex(i)}`, "i", "EX", 86_400);
  // unknown pattern, foreign, possible PII, binary names
  p.set("isl:tmp:scratch", "t");
  p.set("isl:session:user_42", "s", "EX", 60);
  p.set("sess:1", "f");
  p.lpush("queue:jobs", "a", "b");
  p.set("isl:beliefs:user_123", "b", "EX", 100);
  p.set("isl:result:alice@example.com", "r");
  p.set(INVALID_UTF8, "bin");
  p.set(NUL_KEY, "nul");
  p.set(Buffer.concat([B("isl:result:"), Buffer.from([0xff, 0x80, 0x22, 0x5c])]), "bin", "EX", 100);
  // enough ok keys to make a gentle scan take a while
  for (let i = 1000; i < 6000; i++) p.set(`isl:ident:${hex(i)}`, "v", "EX", 3600);
  await p.exec();
}

afterAll(async () => {
  await closeAllConnections();
});

describe("scan against redis-cli --scan plus TTL", () => {
  let server: RedisServer;
  let redis: Redis;
  let result: ScanResult;
  let ref: Reference;
  let expiringSeen: number;

  beforeAll(async () => {
    server = await startRedisServer();
    redis = await connect(server, "ref1");
    await plant(redis);
    // Keys that expire while the (gentle, ~55 batch) scan runs.
    const p = redis.pipeline();
    for (let i = 0; i < 300; i++) p.set(`isl:result:${HEX[i % 16]}e${hex(i).slice(2)}`, "x", "PX", 5 + i);
    await p.exec();
    ({ result } = await runScan(redis, { policy: compiled, mode: "gentle" }));
    await new Promise((r) => setTimeout(r, 350));
    ref = await reference(server, redis);
    expiringSeen = must(result.patterns.find((p) => p.name === "result")).keys - must(ref.patterns.result);
  }, 60_000);

  afterAll(async () => {
    await server.stop();
  });

  it("counts every class as redis-cli plus TTL does", () => {
    expect(expiringSeen).toBeGreaterThanOrEqual(0);
    expect(expiringSeen + result.vanished).toBeLessThanOrEqual(300);
    expect({
      ...result.classes,
      ok: result.classes.ok - expiringSeen,
      foreign: result.classes.foreign - 1,
    }).toEqual(ref.classes);
    // and as planted (the NUL key is the one foreign key redis-cli --scan cannot show)
    expect(result.classes).toMatchObject({
      noTtl: 11,
      aboveStandard: 4,
      unknownPattern: 2,
      foreign: 4,
      possiblePii: 4,
    });
    expect(result.classes.ok - expiringSeen).toBe(40 + 10 + 5 + 5 + 5000 + 2);
  });

  it("counts every pattern as redis-cli plus TTL does", () => {
    for (const p of result.patterns) {
      expect(p.keys - (p.name === "result" ? expiringSeen : 0), p.name).toBe(ref.patterns[p.name]);
    }
    const beliefs = must(result.patterns.find((p) => p.name === "beliefs"));
    expect(beliefs).toMatchObject({ keys: 14, noTtl: 3, possiblePii: 1 });
    expect(beliefs.ttlHistogram.reduce((n, b) => n + b.count, 0)).toBe(11);
    expect(beliefs.ttlHistogram.find((b) => b.le === 3600)?.count).toBe(10);
  });

  it("lists exactly the keys redis-cli plus TTL flags", () => {
    for (const name of ["noTtl", "aboveStandard", "unknownPattern", "foreign", "possiblePii"] as const) {
      const expected = new Set(ref.lists[name]);
      if (name === "foreign") expected.add(NUL_KEY.toString("base64"));
      expect(new Set(result.lists[name].map((e) => e.keyBase64)), name).toEqual(expected);
      expect(result.listTotals[name]).toBe(expected.size);
    }
    const list = result.lists.noTtl.find((e) => e.key === `isl:result:${hex(100)}`);
    expect(list).toMatchObject({ type: "list", ttl: -1, pattern: "result" });
    expect(must(list).bytes).toBeGreaterThan(0);
    expect(result.lists.aboveStandard.every((e) => (e.ttl ?? 0) > 21_600 && e.pattern === "ident")).toBe(true);
  });

  it("shows a key with invalid UTF-8 once, with its exact bytes", () => {
    const all = Object.values(result.lists).flat();
    const hits = result.lists.foreign.filter((e) => e.keyBase64 === INVALID_UTF8.toString("base64"));
    expect(hits).toHaveLength(1);
    expect(must(hits[0]).key).toBe("\\xff\\xfe\\xc3(\\x01:b");
    expect(result.lists.foreign.filter((e) => e.key === "bin:\\x00:nul")).toHaveLength(1);
    expect(all.filter((e) => e.keyBase64 === INVALID_UTF8.toString("base64"))).toHaveLength(1);
    expect(result.lists.possiblePii.some((e) => e.key === 'isl:result:\\xff\\x80\\"\\\\')).toBe(true);
  });

  it("ranks the biggest keys by memory and collections by length", () => {
    expect(result.biggest.byMemory).toHaveLength(50);
    const sizes = result.biggest.byMemory.map((e) => e.bytes ?? -1);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    expect(sizes.every((b) => b > 0)).toBe(true);
    expect(result.biggest.byLength[0]).toMatchObject({ type: "list", length: 3 });
    expect(result.biggest.byLength.every((e) => e.type !== "string")).toBe(true);
  });

  it("groups unknown-pattern and foreign keys by prefix", () => {
    expect(result.prefixes.foreign.map((p) => p.prefix).sort()).toEqual(
      ["\\xff\\xfe\\xc3(\\x01:", "bin:\\x00:", "queue:", "sess:"].sort(),
    );
    expect(result.prefixes.unknownPattern.map((p) => p.prefix).sort()).toEqual(["isl:session:", "isl:tmp:"]);
  });
});

describe("keys that vanish between SCAN and TTL", () => {
  it("are skipped and counted", async () => {
    const server = await startRedisServer();
    const redis = await connect(server, "ref2");
    try {
      for (let i = 0; i < 500; i++) await redis.set(`isl:result:${hex(i)}`, "v", "EX", 100);
      // Every key SCAN returns is deleted before the metadata call reads it.
      const deleting = new Proxy(redis, {
        get(target, prop, receiver) {
          if (prop !== "callBuffer") return Reflect.get(target, prop, receiver);
          return async (...args: Parameters<Redis["callBuffer"]>) => {
            const reply = await target.callBuffer(...args);
            if (String(args[0]).toUpperCase() !== "SCAN") return reply;
            const [, keys] = reply as [Buffer, Buffer[]];
            for (const k of keys.slice(0, Math.ceil(keys.length / 2))) await target.del(k);
            return reply;
          };
        },
      });
      // Gentle: SCAN and the metadata call are separate commands (a fast scan reads the keys in the
      // same call as SCAN, where nothing can come between them).
      const { result } = await runScan(deleting, { policy: compiled, mode: "gentle" });
      expect(result.vanished).toBeGreaterThan(200);
      expect(result.keys + result.vanished).toBe(500);
      expect(result.classes.ok).toBe(result.keys);
    } finally {
      await server.stop();
    }
  });
});

describe("scan jobs through the API", () => {
  type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
  let post: Handler;
  let list: Handler;
  let get: Handler;
  let del: Handler;
  let server: RedisServer;
  let env: ConsoleEnv | undefined;

  async function call(
    handler: Handler,
    method: string,
    url: string,
    params: Record<string, string>,
    body?: unknown,
    role: Role = "viewer",
  ) {
    // As a viewer by default: a gentle scan only reads, so every role may run one.
    const req = authedRequest(url, { role, method, body });
    const res = await handler(req, { params: Promise.resolve(params) });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }
  const start = (body?: unknown, role: Role = "viewer") =>
    call(post, "POST", "http://localhost/api/instances/scan1/scans", { id: "scan1" }, body, role);
  const job = async (id: string) =>
    scanJobSchema.parse((await call(get, "GET", `http://localhost/api/scans/${id}`, { scanId: id })).json);
  async function until(id: string, done: (j: ScanJob) => boolean, timeoutMs = 30_000): Promise<ScanJob> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const j = await job(id);
      if (done(j) || Date.now() > deadline) return j;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  beforeAll(async () => {
    server = await startRedisServer({ config: { "enable-debug-command": "local" } });
    env = await consoleEnv("scan", {
      REDIS_URL: server.url,
      REDIS_INSTANCE_ID: "scan1",
      SCAN_INTERVAL_MINUTES: "0",
      ISL_INSTANCES_FILE: undefined,
    });
    ({ POST: post, GET: list } = (await import("@/app/api/instances/[id]/scans/route")) as unknown as {
      POST: Handler;
      GET: Handler;
    });
    ({ GET: get, DELETE: del } = (await import("@/app/api/scans/[scanId]/route")) as unknown as {
      GET: Handler;
      DELETE: Handler;
    });
  });

  afterAll(() => teardown(env, server));

  it("runs a scan to done, stores it, refuses a second one while running, validates input", async () => {
    await server.cli("SET", "isl:result:nottl", "x");
    expect((await start({ mode: "slow" })).status).toBe(400);
    expect(
      (await call(post, "POST", "http://localhost/api/instances/nope/scans", { id: "nope" })).status,
    ).toBe(404);
    // A fast scan loads Redis like a maintenance job: operators and admins only, refusal audited.
    expect((await start({ match: "isl:*", mode: "fast" })).status).toBe(403);
    const first = await start({ match: "isl:*", mode: "fast" }, "operator");
    expect(first.status).toBe(202);
    const id = first.json.id as string;
    const done = await until(id, (j) => j.status !== "running");
    expect(done).toMatchObject({
      status: "done",
      match: "isl:*",
      mode: "fast",
      progress: { scanned: 1, fraction: 1 },
    });
    expect(done.result?.lists.noTtl.map((e) => e.key)).toEqual(["isl:result:nottl"]);
    const listed = await call(list, "GET", "http://localhost/api/instances/scan1/scans?limit=5", {
      id: "scan1",
    });
    expect((listed.json.scans as { id: string }[])[0]?.id).toBe(id);
    expect((await call(get, "GET", "http://localhost/api/scans/none", { scanId: "none" })).status).toBe(404);
  });

  it("cancels a running scan of 1M keys within 1 s", async () => {
    await server.cli("DEBUG", "POPULATE", "1000000", "isl:result");
    const started = await start();
    expect(started.status).toBe(202);
    const id = started.json.id as string;
    const running = await until(id, (j) => j.progress.scanned > 0);
    expect(running.status).toBe("running");
    expect(running.progress.total).toBe(1_000_001);
    expect((await start()).status).toBe(409);
    const t0 = performance.now();
    const cancelled = await call(del, "DELETE", `http://localhost/api/scans/${id}`, { scanId: id });
    const elapsed = performance.now() - t0;
    expect(cancelled.json.status).toBe("cancelled");
    expect(elapsed).toBeLessThan(1000);
    expect((await job(id)).progress.scanned).toBeLessThan(1_000_001);
  }, 60_000);

  it("the scheduler starts a gentle scan when the last one is older than SCAN_INTERVAL_MINUTES", async () => {
    const { runDueScans, cancelScan } = await import("@/lib/scan/jobs");
    process.env.SCAN_INTERVAL_MINUTES = "60";
    resetConfigForTests();
    try {
      // The last scan (the cancelled one above) started moments ago: not due yet.
      expect(await runDueScans()).toEqual([]);
      // Due, but another console process holds the instance's sampler lease: its scheduler scans it.
      const { getStore } = await import("@/lib/store");
      const { acquireLease, releaseLease } = await import("@/lib/store/sampler-leases");
      const later = Date.now() + 61 * 60_000;
      expect(await acquireLease(getStore(), "scan1", "another-replica", later, 60_000)).toBe(true);
      expect(await runDueScans(later)).toEqual([]);
      await releaseLease(getStore(), "scan1", "another-replica");
      const [id] = await runDueScans(Date.now() + 61 * 60_000);
      expect(id).toBeDefined();
      const scheduled = await job(must(id));
      expect(scheduled).toMatchObject({ trigger: "scheduled", mode: "gentle", match: "*" });
      // One at a time: a running scan is never doubled.
      expect(await runDueScans(Date.now() + 61 * 60_000)).toEqual([]);
      const operator = {
        name: "test-operator",
        role: "operator" as const,
        method: "token" as const,
        source: "test",
      };
      expect((await cancelScan(operator, must(id))).status).toBe("cancelled");
    } finally {
      process.env.SCAN_INTERVAL_MINUTES = "0";
      resetConfigForTests();
    }
  });

  it("marks a scan failed with a clear error when Redis restarts, and keeps serving", async () => {
    const started = await start();
    const id = started.json.id as string;
    await until(id, (j) => j.progress.scanned > 0);
    await server.restart();
    const failed = await until(id, (j) => j.status !== "running", 10_000);
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(/lost the connection to Redis after \d+ of ~1000001 keys/);
    // The console still answers, and a new scan runs once Redis is back (empty after the restart).
    await server.cli("SET", "isl:ident:0123456789abcdef", "v");
    let again = await start({ mode: "fast" }, "operator");
    for (let i = 0; again.status === 503 && i < 40; i++) {
      await new Promise((r) => setTimeout(r, 100));
      again = await start({ mode: "fast" }, "operator");
    }
    expect(again.status).toBe(202);
    const done = await until(again.json.id as string, (j) => j.status !== "running");
    expect(done.status).toBe("done");
    expect(done.result?.keys).toBe(1);
  }, 60_000);
});
