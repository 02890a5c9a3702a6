// The metrics sampler against real redis-servers, driven sample by sample through its API
// (sampleOnce) on a clock the test moves, so no test waits for time to pass: evictions and the
// memory alert, hit rate against INFO deltas, a restart as a gap, the unreachable overview, the
// lease, viewers causing no Redis calls, and the loop arming each next sample an interval later.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { InstanceConfig } from "@/lib/config";
import { MetricsSampler, type SamplerOptions } from "@/lib/metrics/sampler";
import { getMetrics, getOverview, type ReadSettings } from "@/lib/metrics/service";
import { defaultAlertThresholds } from "@/lib/policy/alerts";
import { closeAllConnections, withRedis } from "@/lib/redis/connection";
import { parseInfo, summarizeInfo } from "@/lib/redis/info";
import { readSample } from "@/lib/redis/sample";
import { openStore, type Db } from "@/lib/store/db";
import { latestSample } from "@/lib/store/samples";
import { startRedisServer, type RedisServer } from "../helpers/redis-server";

const INTERVAL_MS = 300;
const settings: ReadSettings = { intervalMs: INTERVAL_MS, thresholds: defaultAlertThresholds };

function instanceFor(id: string, server: RedisServer): InstanceConfig {
  return { id, name: id, environment: "staging", url: server.url, readOnly: false };
}

/** A sampler of one instance at INTERVAL_MS as owner "test-a", unless `options` say otherwise. */
function samplerFor(db: Db, inst: InstanceConfig, options: Partial<SamplerOptions> = {}) {
  return new MetricsSampler({
    db,
    instances: [inst],
    intervalMs: INTERVAL_MS,
    thresholds: defaultAlertThresholds,
    rawRetentionMs: 48 * 3_600_000,
    rollupRetentionMs: 14 * 86_400_000,
    owner: "test-a",
    ...options,
  });
}

async function info(server: RedisServer) {
  return summarizeInfo(parseInfo(await server.cli("INFO")));
}

describe("metrics sampler against a real redis-server", () => {
  let full: RedisServer;
  let plain: RedisServer;
  let noConfig: RedisServer;
  let dir: string;
  let db: Db;

  beforeAll(async () => {
    [full, plain, noConfig] = await Promise.all([
      startRedisServer({ config: { maxmemory: "20mb", "maxmemory-policy": "volatile-lru" } }),
      startRedisServer(),
      startRedisServer({ config: { "rename-command": ["CONFIG", '""'], maxmemory: "64mb" } }),
    ]);
    dir = mkdtempSync(path.join(os.tmpdir(), "isl-metrics-"));
    db = openStore(dir);
  });

  afterAll(async () => {
    await closeAllConnections();
    await db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    await Promise.all([full?.stop(), plain?.stop(), noConfig?.stop()]);
  });

  it("writing 60 MB into a 20 MB volatile-lru instance shows evictions/min and a pending memory alert matching INFO", async () => {
    const inst = instanceFor("full", full);
    let clock = Date.now();
    const sampler = samplerFor(db, inst, { now: () => clock });
    expect(await sampler.sampleOnce("full")).toBe("sampled");
    const value = "x".repeat(10_000);
    await withRedis(inst, async (redis) => {
      for (let batch = 0; batch < 12; batch++) {
        const p = redis.pipeline();
        for (let i = 0; i < 500; i++)
          p.set(`isl:result:${batch.toString(16)}${i.toString(16).padStart(15, "0")}`, value, "EX", 3600);
        await p.exec();
      }
    });
    clock += INTERVAL_MS;
    expect(await sampler.sampleOnce("full")).toBe("sampled");
    const after = await info(full);
    const overview = await getOverview(inst, db, settings, clock);

    expect(after.evictedKeys).toBeGreaterThan(0);
    expect(overview.reachable).toBe(true);
    expect(overview.evictionsPerMinute).toBeGreaterThan(0);
    expect(overview.memory.maxBytes).toBe(20 * 1024 * 1024);
    const alert = overview.alerts.find((a) => a.rule === "memory");
    expect(alert).toMatchObject({ state: "pending", threshold: 0.8 });
    // The alert's value is used/max from the sampled INFO, and INFO read just after agrees.
    const stored = await latestSample(db, "full");
    expect(alert?.value).toBe((stored?.usedBytes ?? 0) / (stored?.maxBytes ?? 1));
    expect(alert?.value).toBeCloseTo(after.usedMemoryBytes / after.maxMemoryBytes, 2);
    expect(alert?.value).toBeGreaterThan(0.8);
    expect(alert?.runbook.check.some((s) => s.href === "/i/full/review")).toBe(true);
    await sampler.stop();
  });

  it("GETs of present and missing keys give the hit rate of INFO's counter deltas", async () => {
    const inst = instanceFor("hits", plain);
    let clock = Date.now();
    const sampler = samplerFor(db, inst, { now: () => clock });
    expect(await sampler.sampleOnce("hits")).toBe("sampled");
    const before = await info(plain);
    await withRedis(inst, async (redis) => {
      await redis.set("isl:beliefs:0123456789abcdef", "v", "EX", 600);
      const p = redis.pipeline();
      for (let i = 0; i < 37; i++) p.get("isl:beliefs:0123456789abcdef");
      for (let i = 0; i < 13; i++) p.get(`isl:beliefs:missing${i}`);
      await p.exec();
    });
    const after = await info(plain);
    clock += INTERVAL_MS;
    expect(await sampler.sampleOnce("hits")).toBe("sampled");
    const hits = after.keyspaceHits - before.keyspaceHits;
    const misses = after.keyspaceMisses - before.keyspaceMisses;
    expect([hits, misses]).toEqual([37, 13]);
    const overview = await getOverview(inst, db, settings, clock);
    expect(overview.hitRate).toBe(hits / (hits + misses));
    const series = await getMetrics(inst, "15m", db, settings, clock);
    const rates = series.points.map((p) => p.hitRate).filter((v) => v !== null);
    expect(rates).toContain(hits / (hits + misses));
    await sampler.stop();
  });

  it("a restart is a gap: no negative and no spiking rate, and the overview says unreachable meanwhile", async () => {
    // A simulated clock at the default 10 s interval, so each sample gets its own chart bucket.
    let clock = Date.now() - 10 * 60_000;
    const tenSeconds: ReadSettings = { intervalMs: 10_000, thresholds: defaultAlertThresholds };
    const inst = instanceFor("restart", plain);
    const sampler = samplerFor(db, inst, { intervalMs: 10_000, owner: "restart", now: () => clock });
    const tick = async () => {
      clock += 10_000;
      return sampler.sampleOnce("restart");
    };
    const load = async (n: number) =>
      withRedis(inst, async (redis) => {
        const p = redis.pipeline();
        for (let i = 0; i < n; i++) p.get(`isl:result:k${i % 50}`);
        await p.exec();
      });
    await tick();
    // Make the counters large, so a naive rate across the reset would be hugely negative.
    for (let i = 0; i < 3; i++) {
      await load(20_000);
      await tick();
    }
    const lastGood = await latestSample(db, "restart");

    const exited = new Promise((resolve) => plain.process.once("exit", resolve));
    plain.process.kill("SIGKILL");
    await exited;
    expect(await tick()).toBe("unreachable");
    const down = await getOverview(inst, db, tenSeconds, clock);
    expect(down.reachable).toBe(false);
    expect(down.unreachableSince).toBe(new Date(clock).toISOString());
    expect(down.sampledAt).toBe(new Date(lastGood?.t ?? 0).toISOString());
    expect(down.memory.usedBytes).toBe(lastGood?.usedBytes);
    expect(down.error).toMatch(/refused|closed|not connected|connect/i);

    await plain.restart();
    // The client reconnects on its own schedule: sample (10 s apart on the clock) until it answers.
    await vi.waitFor(async () => expect(await tick()).toBe("sampled"), { timeout: 15_000, interval: 200 });
    expect((await latestSample(db, "restart"))?.deltas).toBeNull();
    for (let i = 0; i < 3; i++) {
      await load(100);
      await tick();
    }
    const up = await getOverview(inst, db, tenSeconds, clock);
    expect(up.reachable).toBe(true);
    expect(up.unreachableSince).toBeUndefined();

    const points = (await getMetrics(inst, "15m", db, tenSeconds, clock)).points;
    for (const p of points) {
      for (const v of [p.opsPerSecond, p.evictionsPerMinute, p.hitRate])
        if (v !== null) expect(v).toBeGreaterThanOrEqual(0);
      // 20,000 GETs per 10 s before, 100 after: nothing near the ~-6,000/s a naive delta across the reset gives.
      if (p.opsPerSecond !== null) expect(p.opsPerSecond).toBeLessThan(2_100);
    }
    // The reset is a gap in the rate series, with rates on both sides of it.
    const gap = points.findIndex((p, i) => i > 0 && p.opsPerSecond === null);
    expect(gap).toBeGreaterThan(0);
    expect(points.slice(0, gap).some((p) => p.opsPerSecond !== null)).toBe(true);
    expect(points.slice(gap).some((p) => p.opsPerSecond !== null)).toBe(true);
    await sampler.stop();
  });

  it("only one sampler per instance per store: a second process stands by until the lease is released or expires", async () => {
    const inst = instanceFor("lease", full);
    let clock = Date.now();
    const a = samplerFor(db, inst, { owner: "process-a", now: () => clock });
    const b = samplerFor(db, inst, { owner: "process-b", now: () => clock });
    expect(await a.sampleOnce("lease")).toBe("sampled");
    expect(await b.sampleOnce("lease")).toBe("standby");
    clock += INTERVAL_MS;
    expect(await a.sampleOnce("lease")).toBe("sampled");
    expect(await b.sampleOnce("lease")).toBe("standby");
    // A hangs: once its lease expires, B takes over, and A then stands by.
    clock += a.leaseMs + 1;
    expect(await b.sampleOnce("lease")).toBe("sampled");
    expect(await a.sampleOnce("lease")).toBe("standby");
    // B stops cleanly: A may sample again at once.
    await b.stop();
    expect(await a.sampleOnce("lease")).toBe("sampled");
    await a.stop();
  });

  it("viewers never cause Redis calls: the APIs answer from the store", async () => {
    const inst = instanceFor("viewers", full);
    const sampler = samplerFor(db, inst);
    await sampler.sampleOnce("viewers");
    const before = (await info(full)).totalCommandsProcessed;
    for (let i = 0; i < 200; i++) {
      await getOverview(inst, db, settings);
      await getMetrics(inst, i % 2 ? "1h" : "7d", db, settings);
    }
    const after = (await info(full)).totalCommandsProcessed;
    // Only the first redis-cli INFO itself.
    expect(after - before).toBeLessThanOrEqual(1);
    await sampler.stop();
  });

  it("reads maxmemory from INFO when CONFIG is disabled, without failing", async () => {
    const inst = instanceFor("noconfig", noConfig);
    expect(await noConfig.cli("CONFIG", "GET", "maxmemory")).toMatch(/unknown command/i);
    const sample = await readSample(inst);
    expect(sample.maxBytes).toBe(64 * 1024 * 1024);
    expect(sample.maxClients).toBeGreaterThan(0);
    const sampler = samplerFor(db, inst);
    expect(await sampler.sampleOnce("noconfig")).toBe("sampled");
    await sampler.stop();
  });

  it("runs on its own at the configured interval once started", async () => {
    const inst = instanceFor("loop", full);
    const start = Date.now();
    let clock = start;
    // The loop's armed samples, on the test's clock: the test moves the clock to each and runs it.
    const armed: { at: number; run: () => void }[] = [];
    const delays: number[] = [];
    const sampler = samplerFor(db, inst, {
      now: () => clock,
      setTimer: (run, delayMs) => {
        const timer = { at: clock + delayMs, run };
        armed.push(timer);
        delays.push(delayMs);
        return () => {
          const i = armed.indexOf(timer);
          if (i >= 0) armed.splice(i, 1);
        };
      },
    });
    sampler.start();
    // Five intervals: each sample, once stored, arms the next one.
    for (;;) {
      await vi.waitFor(() => expect(armed).toHaveLength(1), { timeout: 10_000, interval: 5 });
      const next = armed.shift();
      if (!next || next.at > start + INTERVAL_MS * 5) break;
      clock = next.at;
      next.run();
    }
    await sampler.stop();
    const count = (await db
      .prepare("SELECT COUNT(*) AS n FROM metric_samples WHERE instance_id = 'loop'")
      .get()) as { n: number };
    expect(count.n).toBeGreaterThanOrEqual(3);
    expect(count.n).toBeLessThanOrEqual(7);
    // At once on start, then one interval after each sample (which took no time on this clock).
    expect(delays).toEqual([0, ...Array<number>(6).fill(INTERVAL_MS)]);
    const times = (await db
      .prepare("SELECT t FROM metric_samples WHERE instance_id = 'loop' ORDER BY t")
      .all()) as { t: number }[];
    expect(times.map((r) => r.t - start)).toEqual([0, 1, 2, 3, 4, 5].map((i) => i * INTERVAL_MS));
  });
});
