// Per-pattern cache effectiveness against spawned redis-servers: one pattern's keys read a few
// seconds after the write, another's never, a third's "old" keys read just now (written with a TTL
// near its end), then the scan's shares and the review's recommendations; the same through the
// per-key pipelines and under an LFU policy; a second scan does not see the first scan's reads;
// a Redis user without OBJECT gets the scan done with the figures unknown.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildReview } from "@/lib/review/build";
import { compilePolicy } from "@/lib/policy/classify";
import { defaultPolicy } from "@/lib/policy/default-policy";
import { policySchema } from "@/lib/policy/types";
import { closeAllConnections, getClient, isCluster } from "@/lib/redis/connection";
import { FixedThrottle } from "@/lib/redis/walk";
import { ScanAggregator } from "@/lib/scan/aggregate";
import { runScan, scanInto } from "@/lib/scan/connection-scan";
import { reviewSchema } from "@/lib/schemas/review";
import type { ScanEffectiveness, ScanResult } from "@/lib/schemas/scans";
import { startRedisServer, type RedisServer } from "../helpers/redis-server";

type Redis = Awaited<ReturnType<typeof getClient>>;

const compiled = compilePolicy(policySchema.parse(defaultPolicy));
const HOUR = 3600;
const STD = { result: 2 * HOUR, ident: 6 * HOUR, beliefs: 24 * HOUR };
const N = 40;
/** Shares are exact in principle; a key whose read fell on a clock edge may land on the other side. */
const TOLERANCE = 0.1;
const hex = (prefix: number, i: number) => (prefix * 1_000_000 + i).toString(16).padStart(16, "0");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function connect(server: RedisServer, id: string): Promise<Redis> {
  return getClient({ id, name: id, environment: "development", url: server.url, readOnly: false });
}

function eff(result: ScanResult, name: string): ScanEffectiveness {
  const e = result.patterns.find((p) => p.name === name)?.effectiveness;
  if (!e) throw new Error(`no effectiveness for ${name}`);
  return e;
}

/**
 * result keys (A): written with the standard TTL, read ~4.5 s later; ident keys (B): written with
 * the standard TTL, never read; beliefs keys (C): written with 5 % of the standard left (as if
 * written 23 h ago) and read now: last read at 95 % of their life. One hash under result: not judged.
 */
async function plant(redis: Redis): Promise<void> {
  const p = redis.pipeline();
  for (let i = 0; i < N; i++) {
    p.set(`isl:result:${hex(1, i)}`, JSON.stringify({ i }), "EX", STD.result);
    p.set(`isl:ident:${hex(2, i)}`, JSON.stringify({ i }), "EX", STD.ident);
  }
  p.hset(`isl:result:${hex(9, 0)}`, "a", "1");
  p.expire(`isl:result:${hex(9, 0)}`, STD.result);
  await p.exec();
  await sleep(4500);
  const r = redis.pipeline();
  for (let i = 0; i < N; i++) {
    // Twice: under LFU the first read of a key whose counter decayed only restores it.
    r.get(`isl:result:${hex(1, i)}`);
    r.get(`isl:result:${hex(1, i)}`);
    r.set(`isl:beliefs:${hex(3, i)}`, "{}", "EX", Math.round(STD.beliefs * 0.05));
    r.get(`isl:beliefs:${hex(3, i)}`);
  }
  await r.exec();
  await sleep(3000);
}

function expectShares(result: ScanResult, mode: "idle" | "freq"): void {
  const a = eff(result, "result");
  const b = eff(result, "ident");
  console.log(
    `${mode}: result read ${(a.readShare ?? NaN).toFixed(2)} (${a.read}/${a.judged}), ident never read ${(b.neverReadShare ?? NaN).toFixed(2)} (${b.neverRead}/${b.judged})`,
  );
  expect(a).toMatchObject({ mode, judged: N });
  expect(a.notJudged.notString).toBe(1);
  expect(a.readShare).toBeGreaterThanOrEqual(1 - TOLERANCE);
  expect(b).toMatchObject({ mode, judged: N });
  expect(b.neverReadShare).toBeGreaterThanOrEqual(1 - TOLERANCE);
}

function review(result: ScanResult) {
  const startedAt = new Date().toISOString();
  return reviewSchema.parse(
    buildReview({
      instance: { id: "eff", name: "eff", environment: "development" },
      scan: {
        id: "s1",
        instance: "eff",
        match: "*",
        mode: "fast",
        trigger: "manual",
        status: "done",
        startedAt,
        finishedAt: startedAt,
        progress: { scanned: result.keys, total: result.keys, fraction: 1, keysPerSecond: 0 },
        result,
      },
      baseline: null,
      memory: { points: [], maxBytes: null },
      now: Date.now(),
    }),
  );
}

describe("under volatile-lru (idle time)", () => {
  let server: RedisServer;
  let redis: Redis;
  let first: ScanResult;
  let firstVia: string;

  beforeAll(async () => {
    server = await startRedisServer({ config: { "maxmemory-policy": "volatile-lru" } });
    redis = await connect(server, "eff-lru");
    await plant(redis);
    const out = await runScan(redis, { policy: compiled, mode: "fast" });
    first = out.result;
    firstVia = out.via;
  }, 60_000);

  afterAll(async () => {
    await closeAllConnections();
    await server?.stop();
  });

  it("the fast scan (SCAN and metadata in one call) gives the read and never-read shares", () => {
    expect(firstVia).toMatch(/scan\+meta/);
    expect(first.nodes?.[0]?.access).toEqual({ policy: "volatile-lru", mode: "idle" });
    expectShares(first, "idle");
    const c = eff(first, "beliefs");
    expect(c.read).toBeGreaterThanOrEqual(N * (1 - TOLERANCE));
    expect(c.lastReadHistogram?.[9]?.count).toBe(c.read);
  });

  it("the review recommends for the never-read and the late-read patterns, not for the read one", () => {
    const r = review(first);
    const recs = Object.fromEntries(r.patterns.map((p) => [p.name, p.recommendations.map((x) => x.kind)]));
    expect(recs).toMatchObject({ result: [], ident: ["never-read"], beliefs: ["late-reads"] });
    const ident = r.patterns.find((p) => p.name === "ident")?.recommendations[0];
    expect(ident?.text).toMatch(/^\d+ % of ident keys are never read again: their memory buys no hits$/);
    const beliefs = r.patterns.find((p) => p.name === "beliefs")?.recommendations[0];
    expect(beliefs?.text).toMatch(/still read in the last 10 % of their life.*the guide suggests 48 h/);
    expect(r.effectivenessNote).toMatch(/OBJECT IDLETIME under maxmemory-policy volatile-lru/);
  });

  it("a second scan does not see the first scan's reads (strings), nor does the gentle two-step walk differ", async () => {
    // Long enough after the first scan that a read by it would show as a read.
    await sleep(3000);
    const again = await runScan(redis, { policy: compiled, mode: "gentle" });
    expect(again.via).not.toMatch(/scan\+meta/);
    expectShares(again.result, "idle");
  }, 60_000);

  it("the per-key pipelines read the same figures", async () => {
    if (isCluster(redis)) throw new Error("one server expected");
    const agg = new ScanAggregator(compiled);
    const out = await scanInto(redis, agg, {
      compiled,
      match: "*",
      throttle: new FixedThrottle(100, 50),
      reader: "pipeline",
    });
    expect(out).toMatchObject({ via: "pipeline", access: "idle", policy: "volatile-lru" });
    expectShares(agg.result(0), "idle");
  }, 60_000);

  it("a sample (one string key in 4, as on a large keyspace) gives the same shares, through both calls", async () => {
    if (isCluster(redis)) throw new Error("one server expected");
    for (const [reader, throttle] of [
      ["script", new FixedThrottle(100, 50)],
      ["pipeline", new FixedThrottle(100, 50)],
    ] as const) {
      const agg = new ScanAggregator(compiled);
      await scanInto(redis, agg, { compiled, match: "*", throttle, reader, accessSampleEvery: 4 });
      const r = agg.result(0);
      const a = eff(r, "result");
      const b = eff(r, "ident");
      console.log(
        `${reader} sample 1/4: result ${a.read}/${a.judged} read, ident ${b.neverRead}/${b.judged} never read`,
      );
      expect(a.sampleEvery).toBe(4);
      expect(a.judged).toBeGreaterThanOrEqual(N / 8);
      expect(a.judged).toBeLessThanOrEqual(N / 2);
      expect(a.judged + a.notJudged.notSampled).toBe(N);
      expect(a.readShare).toBeGreaterThanOrEqual(1 - TOLERANCE);
      expect(b.neverReadShare).toBeGreaterThanOrEqual(1 - TOLERANCE);
      expect(r.problems).toEqual([]);
    }
  }, 60_000);
});

describe("under allkeys-lfu (the LFU counter)", () => {
  let server: RedisServer;

  beforeAll(async () => {
    // No decay: with the default lfu-decay-time 1 the counter loses one per clock minute passed, so
    // a single read across a minute boundary can be taken back (the UI says the share is an upper bound).
    server = await startRedisServer({ config: { "maxmemory-policy": "allkeys-lfu", "lfu-decay-time": "0" } });
  });
  afterAll(async () => {
    await closeAllConnections();
    await server?.stop();
  });

  it("reads OBJECT FREQ: read and never-read shares, no time of last read, a matching review", async () => {
    const redis = await connect(server, "eff-lfu");
    await plant(redis);
    const { result, via } = await runScan(redis, { policy: compiled, mode: "fast" });
    expect(via).toMatch(/scan\+meta/);
    expect(result.nodes?.[0]?.access).toEqual({ policy: "allkeys-lfu", mode: "freq" });
    expectShares(result, "freq");
    expect(eff(result, "result").lastReadHistogram).toBeNull();
    expect(eff(result, "result").reason).toMatch(/LFU/);
    const r = review(result);
    const ident = r.patterns.find((p) => p.name === "ident");
    expect(ident?.recommendations.map((x) => x.kind)).toEqual(["never-read"]);
    expect(ident?.recommendations[0]?.text).toMatch(/show no recent read \(LFU counter/);
    expect(r.patterns.find((p) => p.name === "beliefs")?.recommendations).toEqual([]);
    // The scan read no key: a second one sees the same counters.
    const again = await runScan(redis, { policy: compiled, mode: "fast" });
    expectShares(again.result, "freq");
  }, 60_000);
});

describe("a Redis user without OBJECT", () => {
  let server: RedisServer;

  beforeAll(async () => {
    server = await startRedisServer({
      config: { "maxmemory-policy": "volatile-lru" },
      aclUsers: ["user noobject on >pw ~* &* +@all -object"],
    });
  });
  afterAll(async () => {
    await closeAllConnections();
    await server?.stop();
  });

  it("gets the scan done, the figures unknown (never 'never read') and the reason named", async () => {
    const admin = await connect(server, "eff-acl-admin");
    const p = admin.pipeline();
    for (let i = 0; i < 30; i++) p.set(`isl:result:${hex(1, i)}`, "{}", "EX", STD.result);
    await p.exec();
    const url = server.url.replace("redis://", "redis://noobject:pw@");
    const redis = await getClient({
      id: "eff-acl",
      name: "eff-acl",
      environment: "development",
      url,
      readOnly: false,
    });
    for (const mode of ["fast", "gentle"] as const) {
      const { result } = await runScan(redis, { policy: compiled, mode });
      expect(result.keys).toBe(30);
      const e = eff(result, "result");
      expect(e).toMatchObject({ mode: null, judged: 0, neverReadShare: null });
      expect(e.notJudged.unknown).toBe(30);
      expect(result.problems).toEqual([
        expect.objectContaining({ affects: "access", kind: "permission", keys: 30 }),
      ]);
    }
  }, 60_000);
});

describe("a scan on a replica", () => {
  let master: RedisServer;
  let replica: RedisServer;

  beforeAll(async () => {
    master = await startRedisServer({ config: { "maxmemory-policy": "volatile-lru" } });
    replica = await startRedisServer({
      config: { "maxmemory-policy": "volatile-lru", replicaof: ["127.0.0.1", String(master.port)] },
    });
  });
  afterAll(async () => {
    await closeAllConnections();
    await replica?.stop();
    await master?.stop();
  });

  it("reads no access figure there (it does not see its master's reads) and says so", async () => {
    const m = await connect(master, "eff-master");
    const p = m.pipeline();
    for (let i = 0; i < 30; i++) p.set(`isl:result:${hex(1, i)}`, "{}", "EX", STD.result);
    await p.exec();
    const r = await connect(replica, "eff-replica");
    const deadline = Date.now() + 30_000;
    while ((await r.dbsize()) < 30 && Date.now() < deadline) await sleep(100);
    const { result } = await runScan(r, { policy: compiled, mode: "fast" });
    expect(result.keys).toBe(30);
    expect(result.nodes?.[0]?.access).toMatchObject({ mode: "none", note: expect.stringMatching(/replica/) });
    expect(eff(result, "result")).toMatchObject({ mode: null, judged: 0, readShare: null });
    expect(review(result).effectivenessNote).toMatch(/replica/);
  }, 60_000);
});
