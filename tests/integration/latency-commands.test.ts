// Server-side command latency against a real redis-server: a Lua busy loop (no DEBUG SLEEP) of
// ~200 ms per EVAL makes EVAL's windowed p99 (LATENCY HISTOGRAM deltas) exceed the 100 ms threshold
// in the latency API's `commands` and fires the command-latency alert, while quiet GETs stay far
// under; the console's own commands (INFO, PING, LATENCY...) are not listed. A Redis user without
// LATENCY gets INFO latencystats' since-start percentiles, labelled so and never alerted on; with
// latency-tracking off, INFO commandstats gives each interval's average, labelled an average.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
// eslint-disable-next-line no-restricted-imports -- the load is a plain client outside the console's code
import { Redis } from "ioredis";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getConfig, resetConfigForTests, type InstanceConfig } from "@/lib/config";
import { renderMetrics } from "@/lib/metrics/prometheus";
import { MetricsSampler } from "@/lib/metrics/sampler";
import { getOverview, type ReadSettings } from "@/lib/metrics/service";
import { defaultAlertThresholds, type AlertThresholds } from "@/lib/policy/alerts";
import { closeAllConnections } from "@/lib/redis/connection";
import { latencyResponseSchema, type LatencyResponse } from "@/lib/schemas/ops";
import { getStore } from "@/lib/store";
import { startRedisServer, type RedisServer } from "../helpers/redis-server";

type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

const INTERVAL_MS = 500;
/** The latency rule's duration shortened to 2 s; the threshold stays the guide's 100 ms. */
const thresholds: AlertThresholds = { ...defaultAlertThresholds, latencyForMs: 2000 };
const settings: ReadSettings = { intervalMs: INTERVAL_MS, thresholds };
const DEADLINE_MS = 60_000;
const TOKEN = "viewer-token-for-latency-tests";
const savedEnv = { ...process.env };
const dataDir = mkdtempSync(path.join(os.tmpdir(), "isl-latency-cmd-"));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let server: RedisServer;
let untracked: RedisServer;
let noTracking: InstanceConfig;
let instance: InstanceConfig;
let noLatency: InstanceConfig;
let sampler: MetricsSampler;
let latencyGet: Handler;

async function waitFor<T>(
  what: string,
  fn: () => Promise<T | null> | T | null,
  deadlineMs = DEADLINE_MS,
): Promise<T> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const value = await fn();
    if (value !== null) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

async function latencyApi(id = instance.id): Promise<LatencyResponse> {
  const req = new NextRequest(`http://localhost/api/instances/${id}/latency?minutes=15`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  const res = await latencyGet(req, { params: Promise.resolve({ id }) });
  expect(res.status).toBe(200);
  return latencyResponseSchema.parse(await res.json());
}

beforeAll(async () => {
  [server, untracked] = await Promise.all([
    startRedisServer({ aclUsers: ["user nolat on >nolat-pw ~* &* +@all -latency"] }),
    startRedisServer({ config: { "latency-tracking": "no" } }),
  ]);
  const file = path.join(dataDir, "instances.json");
  writeFileSync(
    file,
    JSON.stringify([
      { id: "lat", name: "Latency", environment: "staging", url: server.url },
      {
        id: "nolat",
        name: "No LATENCY",
        environment: "staging",
        url: `redis://nolat@127.0.0.1:${server.port}/0`,
        passwordEnv: "NOLAT_TEST_PASSWORD",
      },
      { id: "notrack", name: "No tracking", environment: "staging", url: untracked.url },
    ]),
  );
  for (const name of Object.keys(process.env))
    if (/^(REDIS_|ISL_|CONSOLE_)/.test(name)) delete process.env[name];
  Object.assign(process.env, {
    ISL_INSTANCES_FILE: file,
    CONSOLE_DATA_DIR: dataDir,
    NOLAT_TEST_PASSWORD: "nolat-pw",
    CONSOLE_API_TOKENS: `lat-viewer:viewer:${createHash("sha256").update(TOKEN).digest("hex")}`,
  });
  resetConfigForTests();
  const found = getConfig().instances.find((i) => i.id === "lat");
  const refused = getConfig().instances.find((i) => i.id === "nolat");
  const off = getConfig().instances.find((i) => i.id === "notrack");
  if (!found || !refused || !off) throw new Error("instance not configured");
  noTracking = off;
  instance = found;
  noLatency = refused;
  latencyGet = ((await import("@/app/api/instances/[id]/latency/route")) as unknown as { GET: Handler }).GET;
  sampler = new MetricsSampler({
    db: getStore(),
    instances: [instance, noLatency, noTracking],
    intervalMs: INTERVAL_MS,
    thresholds,
    rawRetentionMs: 48 * 3_600_000,
    rollupRetentionMs: 14 * 86_400_000,
    owner: "latency-test",
  });
});

afterAll(async () => {
  await sampler?.stop();
  await closeAllConnections();
  await Promise.all([server?.stop(), untracked?.stop()]);
  process.env = savedEnv;
  resetConfigForTests();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("per-command latency from LATENCY HISTOGRAM", () => {
  it("shows EVAL's p99 over 100 ms under a Lua busy loop and fires the alert; GET stays under", async () => {
    const load = new Redis(server.url, { lazyConnect: false, maxRetriesPerRequest: 1 });
    const quiet = new Redis(server.url, { lazyConnect: false, maxRetriesPerRequest: 1 });
    const script = "local i=0 while i<tonumber(ARGV[1]) do i=i+1 end return i";
    // Calibrate the loop to ~200 ms on this machine (it may be loaded: aim between 150 and 300 ms).
    let n = 2_000_000;
    const started = performance.now();
    await load.eval(script, 0, String(n));
    const perIteration = (performance.now() - started) / n;
    n = Math.max(100_000, Math.round(200 / perIteration));
    console.log(`Lua loop: ${n} iterations for ~200 ms (${(perIteration * 1e6).toFixed(1)} ns each)`);

    let stop = false;
    const loadLoop = (async () => {
      while (!stop) await load.eval(script, 0, String(n)).catch(() => undefined);
    })();
    const quietLoop = (async () => {
      await quiet.set("isl:beliefs:0123456789abcdef", "{}", "EX", 600);
      while (!stop) {
        await quiet.get("isl:beliefs:0123456789abcdef");
        await sleep(20);
      }
    })();
    sampler.start();
    try {
      const t0 = Date.now();
      const body = await waitFor("EVAL's p99 over 100 ms in the latency API", async () => {
        const b = await latencyApi();
        const evalRow = b.commands?.find((c) => c.command === "EVAL");
        const getRow = b.commands?.find((c) => c.command === "GET");
        return evalRow?.p99 && evalRow.p99 > 100 && getRow ? b : null;
      });
      console.log(`EVAL p99 over 100 ms in the API after ${Date.now() - t0} ms`);
      const evalRow = body.commands?.find((c) => c.command === "EVAL");
      const getRow = body.commands?.find((c) => c.command === "GET");
      console.log("commands:", JSON.stringify(body.commands));
      expect(evalRow).toMatchObject({ source: "histogram" });
      expect(evalRow?.windowSeconds).toBeGreaterThan(0);
      expect(evalRow?.p50).toBeGreaterThan(50);
      // Server-side, a GET takes microseconds; on a loaded CI machine a preempted call may take longer,
      // so only the threshold is asserted (the figure is printed above).
      expect(getRow?.p99).toBeLessThan(100);
      // The console's own commands are left out.
      const names = (body.commands ?? []).map((c) => c.command);
      for (const own of ["INFO", "PING", "LATENCY|HISTOGRAM", "CONFIG|GET"]) expect(names).not.toContain(own);
      const evalHistory = body.commandHistory?.find((c) => c.command === "EVAL");
      expect(evalHistory?.minutes.some((m) => (m.p99Ms ?? 0) > 100)).toBe(true);

      const alert = await waitFor("the command-latency alert firing", async () => {
        const overview = await getOverview(instance, getStore(), settings);
        const a = overview.alerts.find((x) => x.rule === "command-latency" && x.command === "eval");
        return a?.state === "firing" ? a : null;
      });
      console.log(`command-latency alert firing after ${Date.now() - t0} ms: ${alert.summary}`);
      expect(alert.summary).toMatch(/^EVAL p99 \d+ ms over 100 ms/);
      expect(alert.runbook.check.length).toBeGreaterThan(0);
      const overview = await getOverview(instance, getStore(), settings);
      expect(overview.alerts.some((a) => a.rule === "command-latency" && a.command === "get")).toBe(false);

      const metrics = await renderMetrics([instance], { db: getStore(), settings });
      const promtool = spawnSync("promtool", ["check", "metrics"], { input: metrics.text, encoding: "utf8" });
      if (promtool.error) console.info("promtool not installed: exposition not checked by it");
      else expect(promtool.stdout + promtool.stderr).toBe("");
      const p99Line =
        /^isl_command_latency_seconds\{instance_id="lat",command="EVAL",percentile="p99"\} (\S+)$/m.exec(
          metrics.text,
        );
      // Seconds: over the 100 ms threshold (a loaded machine may put it past 1 s).
      expect(Number(p99Line?.[1])).toBeGreaterThan(0.1);
      expect(metrics.text).toMatch(/isl_alert_state\{instance_id="lat",rule="command-latency"\} 2/);
    } finally {
      stop = true;
      await Promise.all([loadLoop, quietLoop]);
      load.disconnect();
      quiet.disconnect();
    }
  }, 120_000);

  it("falls back to since-start percentiles (INFO latencystats) when LATENCY is refused, never alerting on them", async () => {
    sampler.start();
    const body = await waitFor("since-start figures for EVAL", async () => {
      const b = await latencyApi(noLatency.id);
      return b.commands?.some((c) => c.command === "EVAL") ? b : null;
    });
    const evalRow = body.commands?.find((c) => c.command === "EVAL");
    // The EVALs of the first test ran on the same server: since start, EVAL's p99 is far over 100 ms.
    expect(evalRow).toMatchObject({ source: "latencystats", windowSeconds: null, calls: 0 });
    expect(evalRow?.p99).toBeGreaterThan(100);
    expect(evalRow?.p95).toBeNull();
    const overview = await getOverview(noLatency, getStore(), settings);
    expect(overview.alerts.some((a) => a.rule === "command-latency")).toBe(false);
  }, 90_000);

  it("gives each interval's average from INFO commandstats with latency-tracking off, and alerts on it", async () => {
    const load = new Redis(untracked.url, { maxRetriesPerRequest: 1 });
    const script = "local i=0 while i<tonumber(ARGV[1]) do i=i+1 end return i";
    let n = 2_000_000;
    const started = performance.now();
    await load.eval(script, 0, String(n));
    n = Math.max(100_000, Math.round((200 * n) / (performance.now() - started)));
    let stop = false;
    const loop = (async () => {
      while (!stop) await load.eval(script, 0, String(n)).catch(() => undefined);
    })();
    sampler.start();
    const t0 = Date.now();
    try {
      const body = await waitFor("EVAL's average over 100 ms", async () => {
        const b = await latencyApi(noTracking.id);
        const row = b.commands?.find((c) => c.command === "EVAL");
        return row?.avg && row.avg > 100 ? b : null;
      });
      console.log(`EVAL average over 100 ms in the API after ${Date.now() - t0} ms`);
      const evalRow = body.commands?.find((c) => c.command === "EVAL");
      expect(evalRow).toMatchObject({ source: "commandstats", p50: null, p95: null, p99: null });
      expect(evalRow?.windowSeconds).toBeGreaterThan(0);
      const alert = await waitFor("the command-latency alert on the average", async () => {
        const a = (await getOverview(noTracking, getStore(), settings)).alerts.find(
          (x) => x.rule === "command-latency" && x.command === "eval",
        );
        return a?.state === "firing" ? a : null;
      });
      console.log(
        `command-latency alert on the average firing after ${Date.now() - t0} ms: ${alert.summary}`,
      );
      expect(alert.summary).toMatch(/^EVAL average \d+ ms over 100 ms \(server-side, INFO commandstats/);
    } finally {
      stop = true;
      await loop;
      load.disconnect();
    }
  }, 120_000);
});
