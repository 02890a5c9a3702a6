// GET /api/metrics against a real redis-server and a temporary store: the scan's findings and the
// sampler's figures as isl_* series, `promtool check metrics` on the output, `promtool check rules`
// and `promtool test rules` on deploy/prometheus, and a token required.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getConfig, resetConfigForTests } from "@/lib/config";
import { MetricsSampler } from "@/lib/metrics/sampler";
import { scanStateInput } from "@/lib/metrics/scan-input";
import { closeAllConnections } from "@/lib/redis/connection";
import { runReview } from "@/lib/review/cli";
import { getStore } from "@/lib/store";
import { startRedisServer, type RedisServer } from "../helpers/redis-server";

type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

const savedEnv = { ...process.env };
const dataDir = mkdtempSync(path.join(os.tmpdir(), "isl-prom-"));
const TOKEN = "prometheus-token-for-tests";
const rules = path.resolve("deploy/prometheus/isl-console-rules.yml");
let server: RedisServer;
let get: Handler;

const hex16 = (i: number) => createHash("sha256").update(String(i)).digest("hex").slice(0, 16);

function scrape(token: string | null = TOKEN): Promise<Response> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  return get(new NextRequest("http://localhost/api/metrics", { headers }), { params: Promise.resolve({}) });
}

/** The value of one series in the exposition text, or undefined when absent. */
function series(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`)) continue;
    const inside = line.slice(name.length + 1, line.indexOf("}"));
    const have = inside.split(",");
    if (wanted.every((w) => have.includes(w)) && have.length === wanted.length) {
      return Number(line.slice(line.indexOf("}") + 1).trim());
    }
  }
  return undefined;
}

beforeAll(async () => {
  server = await startRedisServer({ config: { maxmemory: "64mb", "maxmemory-policy": "volatile-lru" } });
  for (let i = 0; i < 3; i++) await server.cli("SET", `isl:ident:${hex16(i)}`, "v");
  for (let i = 3; i < 8; i++) await server.cli("SET", `isl:ident:${hex16(i)}`, "v", "EX", "600");
  await server.cli("SET", `isl:result:${hex16(9)}`, "v", "EX", "99999");
  await server.cli("SET", "isl:beliefs:user_123", "v", "EX", "600");
  await server.cli("SET", "isl:tmp:x", "v", "EX", "60");
  await server.cli("SET", "sess:abc", "v");
  for (const name of Object.keys(process.env))
    if (/^(REDIS_|ISL_|CONSOLE_|SAMPLE_)/.test(name)) delete process.env[name];
  Object.assign(process.env, {
    REDIS_URL: server.url,
    REDIS_INSTANCE_ID: "prom1",
    REDIS_INSTANCE_NAME: "Prometheus test",
    REDIS_ENVIRONMENT: "staging",
    CONSOLE_DATA_DIR: dataDir,
    CONSOLE_API_TOKENS: `prometheus:viewer:${createHash("sha256").update(TOKEN).digest("hex")}`,
    SAMPLE_INTERVAL_SECONDS: "1",
  });
  resetConfigForTests();
  const config = getConfig();
  const instance = config.instances[0];
  if (!instance) throw new Error("no instance");
  await runReview({ instance, policy: config.policy, match: "*", mode: "fast", dataDir, save: true });
  // A sampler with the configured interval, thresholds and retention, on a clock that ends now: two
  // samples one interval apart give the rates an interval to cover without the test waiting one out.
  const { metrics } = config;
  let clock = Date.now() - metrics.sampleIntervalMs;
  const sampler = new MetricsSampler({
    db: getStore(),
    instances: config.instances,
    intervalMs: metrics.sampleIntervalMs,
    thresholds: metrics.alerts,
    rawRetentionMs: metrics.rawRetentionMs,
    rollupRetentionMs: metrics.rollupRetentionMs,
    scanState: scanStateInput,
    now: () => clock,
  });
  await sampler.sampleOnce("prom1");
  clock += metrics.sampleIntervalMs;
  await sampler.sampleOnce("prom1");
  ({ GET: get } = (await import("@/app/api/metrics/route")) as unknown as { GET: Handler });
});

afterAll(async () => {
  await closeAllConnections();
  await server?.stop();
  process.env = savedEnv;
  resetConfigForTests();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("GET /api/metrics", () => {
  it("is 401 without a token", async () => {
    expect((await scrape(null)).status).toBe(401);
    expect((await scrape("wrong")).status).toBe(401);
  });

  it("shows a scan's 3 keys without TTL under ident as 3 on the matching series", async () => {
    const res = await scrape();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const id = { instance_id: "prom1" };
    expect(series(text, "isl_keys_without_ttl", { ...id, pattern: "ident" })).toBe(3);
    expect(series(text, "isl_keys_without_ttl", { ...id, pattern: "result" })).toBe(0);
    expect(series(text, "isl_keys", { ...id, pattern: "ident" })).toBe(8);
    expect(series(text, "isl_keys_above_standard_ttl", { ...id, pattern: "result" })).toBe(1);
    expect(series(text, "isl_keys_possible_pii", { ...id, pattern: "beliefs" })).toBe(1);
    expect(series(text, "isl_keys_unknown_pattern", id)).toBe(1);
    expect(series(text, "isl_keys_foreign", id)).toBe(1);
    expect(series(text, "isl_redis_up", id)).toBe(1);
    expect(
      series(text, "isl_instance_info", { ...id, name: "Prometheus test", environment: "staging" }),
    ).toBe(1);
    const scanTime = series(text, "isl_scan_last_success_timestamp_seconds", id) ?? 0;
    expect(Math.abs(scanTime - Date.now() / 1000)).toBeLessThan(60);
    expect(series(text, "isl_scan_duration_seconds", id)).toBeGreaterThanOrEqual(0);
    expect(series(text, "isl_memory_used_ratio", id)).toBeGreaterThan(0);
    expect(series(text, "isl_clients_used_ratio", id)).toBeGreaterThan(0);
    expect(series(text, "isl_evictions_per_minute", id)).toBe(0);
    // The no-TTL alert reads the same scan: pending or firing, never inactive.
    expect(series(text, "isl_alert_state", { ...id, rule: "keys-without-ttl" })).toBeGreaterThanOrEqual(1);
    expect(series(text, "isl_alert_state", { ...id, rule: "memory" })).toBe(0);
  });

  it("passes promtool check metrics", async () => {
    const text = await (await scrape()).text();
    const check = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
    expect(check.stdout + check.stderr).toBe("");
    expect(check.status).toBe(0);
  });

  it("makes no Redis call per scrape", async () => {
    const before = await server.cli("INFO", "commandstats");
    for (let i = 0; i < 5; i++) await (await scrape()).text();
    const after = await server.cli("INFO", "commandstats");
    // Only the INFO commandstats calls themselves differ.
    const strip = (s: string) =>
      s
        .split("\n")
        .filter((l) => !l.startsWith("cmdstat_info:"))
        .join("\n");
    expect(strip(after)).toBe(strip(before));
  });
});

describe("deploy/prometheus", () => {
  it("passes promtool check rules and the rules' unit tests", () => {
    expect(execFileSync("promtool", ["check", "rules", rules], { encoding: "utf8" })).toMatch(
      /SUCCESS: 6 rules found/,
    );
    const test = path.resolve("deploy/prometheus/isl-console-rules.test.yml");
    expect(execFileSync("promtool", ["test", "rules", test], { encoding: "utf8" })).toMatch(/SUCCESS/);
  });
});
