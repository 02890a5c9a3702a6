// Persistence health against real redis-servers: one runs as an unprivileged user (nobody) with
// `save "1 1"` and a dump directory it may not write (tests run as root, so the server itself is
// dropped to nobody: a chmod alone does not stop root), so its background saves fail; the other is
// provisioned by the guide and saves fine. The failed bgsave shows as a failing `persistence`
// check and a firing `persistence` alert; the healthy server passes and has no alert.
import { createHash } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getConfig, resetConfigForTests, type InstanceConfig } from "@/lib/config";
import { MetricsSampler } from "@/lib/metrics/sampler";
import { getOverview, type ReadSettings } from "@/lib/metrics/service";
import { defaultAlertThresholds } from "@/lib/policy/alerts";
import { closeAllConnections } from "@/lib/redis/connection";
import { parseInfo, parsePersistence } from "@/lib/redis/info";
import { configResponseSchema, type ConfigResponse } from "@/lib/schemas/ops";
import { getStore } from "@/lib/store";
import { latestSample } from "@/lib/store/samples";
import { startRedisServer, type RedisServer } from "../helpers/redis-server";

type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

const INTERVAL_MS = 500;
const settings: ReadSettings = { intervalMs: INTERVAL_MS, thresholds: defaultAlertThresholds };
const DEADLINE_MS = 60_000;
const TOKEN = "viewer-token-for-persistence-tests";
const savedEnv = { ...process.env };
const dataDir = mkdtempSync(path.join(os.tmpdir(), "isl-persistence-"));
const readOnlyDir = mkdtempSync(path.join(os.tmpdir(), "isl-readonly-dump-"));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let broken: RedisServer;
let healthy: RedisServer;
let sampler: MetricsSampler;
let configGet: Handler;
const instances: Record<string, InstanceConfig> = {};

async function waitFor<T>(what: string, fn: () => Promise<T | null> | T | null): Promise<T> {
  const until = Date.now() + DEADLINE_MS;
  for (;;) {
    const value = await fn();
    if (value !== null) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

async function config(id: string): Promise<ConfigResponse> {
  const req = new NextRequest(`http://localhost/api/instances/${id}/config`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  const res = await configGet(req, { params: Promise.resolve({ id }) });
  expect(res.status).toBe(200);
  return configResponseSchema.parse(await res.json());
}

async function persistenceOf(server: RedisServer) {
  return parsePersistence(parseInfo(await server.cli("INFO", "persistence")));
}

beforeAll(async () => {
  // Readable and enterable by anyone, writable by its owner (root) only.
  chmodSync(readOnlyDir, 0o555);
  [broken, healthy] = await Promise.all([
    startRedisServer({
      runAs: { user: "nobody", group: "nogroup" },
      dumpDir: readOnlyDir,
      config: { save: "1 1" },
    }),
    startRedisServer({ config: { save: "900 1 300 10 60 10000" } }),
  ]);
  const file = path.join(dataDir, "instances.json");
  writeFileSync(
    file,
    JSON.stringify([
      { id: "broken", name: "Unwritable dump dir", environment: "staging", url: broken.url },
      { id: "healthy", name: "Healthy", environment: "staging", url: healthy.url },
    ]),
  );
  for (const name of Object.keys(process.env))
    if (/^(REDIS_|ISL_|CONSOLE_)/.test(name)) delete process.env[name];
  Object.assign(process.env, {
    ISL_INSTANCES_FILE: file,
    CONSOLE_DATA_DIR: dataDir,
    CONSOLE_API_TOKENS: `p-viewer:viewer:${createHash("sha256").update(TOKEN).digest("hex")}`,
  });
  resetConfigForTests();
  for (const i of getConfig().instances) instances[i.id] = i;
  configGet = ((await import("@/app/api/instances/[id]/config/route")) as unknown as { GET: Handler }).GET;
  sampler = new MetricsSampler({
    db: getStore(),
    instances: Object.values(instances),
    intervalMs: INTERVAL_MS,
    thresholds: defaultAlertThresholds,
    rawRetentionMs: 48 * 3_600_000,
    rollupRetentionMs: 14 * 86_400_000,
    owner: "persistence-test",
  });
});

afterAll(async () => {
  await sampler?.stop();
  await closeAllConnections();
  await Promise.all([broken?.stop(), healthy?.stop()]);
  process.env = savedEnv;
  resetConfigForTests();
  rmSync(dataDir, { recursive: true, force: true });
  chmodSync(readOnlyDir, 0o755);
  rmSync(readOnlyDir, { recursive: true, force: true });
});

describe("persistence health", () => {
  it("shows a failed background save as a failing check and a firing alert", async () => {
    const broke = instances.broken;
    if (!broke) throw new Error("no instance");
    await broken.cli("SET", "isl:ident:0123456789abcdef", "v", "EX", "600");
    const t0 = Date.now();
    const info = await waitFor("rdb_last_bgsave_status:err", async () => {
      const p = await persistenceOf(broken);
      return p?.rdbLastBgsaveStatus === "err" ? p : null;
    });
    console.log(`bgsave failed after ${Date.now() - t0} ms; changes pending ${info.rdbChangesSinceLastSave}`);

    const body = await config("broken");
    const check = body.checks.find((c) => c.id === "persistence");
    expect(check).toMatchObject({ status: "fail" });
    expect(check?.advice).toMatch(/rdb_last_bgsave_status:err/);
    expect(check?.advice).toMatch(/CONFIG GET dir/);
    const node = body.nodes?.[0]?.persistence;
    expect(node).toMatchObject({
      status: "fail",
      rdbLastBgsaveStatus: "err",
      save: "1 1",
      aofEnabled: false,
    });
    expect(node?.rdbChangesSinceLastSave).toBeGreaterThan(0);

    const outcome = await sampler.sampleOnce("broken");
    if (outcome !== "sampled") console.log(await latestSample(getStore(), "broken"));
    expect(outcome).toBe("sampled");
    const alert = (await getOverview(broke, getStore(), settings)).alerts.find(
      (a) => a.rule === "persistence",
    );
    // stop-writes-on-bgsave-error is on by default: Redis refuses writes, so the alert is critical.
    expect(alert).toMatchObject({ state: "firing", severity: "critical" });
    expect(alert?.summary).toMatch(/refuses writes \(MISCONF/);
    expect(alert?.summary).toMatch(/the last background save failed/);
    expect(alert?.runbook.check.map((s) => s.text).join(" ")).toMatch(/CONFIG GET dir/);
  }, 90_000);

  it("passes a healthy server and fires nothing", async () => {
    const ok = instances.healthy;
    if (!ok) throw new Error("no instance");
    await healthy.cli("SET", "isl:ident:fedcba9876543210", "v", "EX", "600");
    await healthy.cli("BGSAVE");
    await waitFor("a successful save", async () => {
      const p = await persistenceOf(healthy);
      return p && !p.rdbBgsaveInProgress && p.rdbLastBgsaveStatus === "ok" && p.rdbLastBgsaveTimeSec >= 0
        ? p
        : null;
    });
    const body = await config("healthy");
    expect(body.checks.find((c) => c.id === "persistence")).toMatchObject({ status: "pass" });
    expect(body.nodes?.[0]?.persistence).toMatchObject({ status: "pass", rdbLastBgsaveStatus: "ok" });
    expect(await sampler.sampleOnce("healthy")).toBe("sampled");
    expect((await getOverview(ok, getStore(), settings)).alerts.some((a) => a.rule === "persistence")).toBe(
      false,
    );
  }, 90_000);
});
