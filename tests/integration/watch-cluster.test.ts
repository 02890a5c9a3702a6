// The live TTL watch on a real 3-master Redis Cluster: keyspace notifications are node-local, so
// the watch subscribes to every master; a key written without TTL on each master is found, and
// its TTL is read through the cluster (pipelines grouped per node).
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { WatchService } from "@/lib/watch/service";
import { startRedisCluster, type RedisCluster } from "../helpers/redis-cluster";

let cluster: RedisCluster;
let dataDir: string;
let service: WatchService | undefined;
let closeAll: () => Promise<void>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  cluster = await startRedisCluster({
    masters: 3,
    replicasPerMaster: 0,
    config: { "notify-keyspace-events": "Eg$lshz" },
  });
  dataDir = mkdtempSync(path.join(os.tmpdir(), "isl-watch-cluster-"));
  Object.assign(process.env, {
    REDIS_KIND: "cluster",
    REDIS_URL: cluster.seeds.join(","),
    REDIS_INSTANCE_ID: "wc",
    CONSOLE_DATA_DIR: dataDir,
    SCAN_INTERVAL_MINUTES: "0",
  });
  delete process.env.ISL_INSTANCES_FILE;
  delete process.env.ISL_POLICY_FILE;
  (await import("@/lib/config")).resetConfigForTests();
  closeAll = (await import("@/lib/redis/connection")).closeAllConnections;
}, 120_000);

afterAll(async () => {
  await service?.stop();
  await closeAll?.();
  await cluster?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  for (const name of ["REDIS_KIND", "REDIS_URL", "REDIS_INSTANCE_ID"]) delete process.env[name];
});

it("subscribes to every master and finds a key without TTL written to each", async () => {
  const config = await import("@/lib/config");
  const { WatchService, watchStatus } = await import("@/lib/watch/service");
  const { getStore } = await import("@/lib/store");
  const { currentFindings } = await import("@/lib/store/watch");
  const instance = config.getConfig().instances[0];
  if (!instance) throw new Error("no instance");
  service = new WatchService({
    db: getStore(),
    instances: [instance],
    maxReadsPerSecond: 500,
    isLeader: () => true,
  });
  service.start();
  for (const deadline = Date.now() + 30_000; (await watchStatus(instance)).state !== "on";) {
    if (Date.now() > deadline) throw new Error(`watch not on: ${JSON.stringify(await watchStatus(instance))}`);
    await sleep(100);
  }
  expect((await watchStatus(instance)).nodes).toHaveLength(3);

  // One key per master, written on that master.
  const masters = await cluster.masters();
  const byPort = new Map<number, string>();
  for (let i = 1; byPort.size < masters.length && i < 10_000; i++) {
    const key = `isl:ident:${i.toString(16).padStart(16, "0")}`;
    const node = await cluster.nodeForKey(key);
    if (!byPort.has(node.port)) byPort.set(node.port, key);
  }
  expect(byPort.size).toBe(3);
  const t0 = Date.now();
  for (const [port, key] of byPort) {
    const server = cluster.nodes.find((n) => n.port === port);
    if (!server) throw new Error(`no node on ${port}`);
    await cluster.cli(server, "SET", key, "v");
  }
  const wanted = [...byPort.values()].map((k) => Buffer.from(k).toString("base64"));
  for (const deadline = Date.now() + 30_000; ;) {
    const found = new Set((await currentFindings(getStore(), instance.id)).map((f) => f.keyBase64));
    if (wanted.every((k) => found.has(k))) break;
    if (Date.now() > deadline) throw new Error(`found only ${[...found].length} of 3`);
    await sleep(50);
  }
  console.log(`watch (cluster): 3 keys without TTL, one per master, found in ${Date.now() - t0} ms`);
  const findings = await currentFindings(getStore(), instance.id);
  expect(new Set(findings.map((f) => f.node)).size).toBe(3);
}, 120_000);
