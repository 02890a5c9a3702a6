// Cache effectiveness over a Redis Cluster: every master read with the combined SCAN-and-metadata
// call (cross-slot), the per-node policy recorded, and the per-pattern shares merged across the
// masters as one server would give them.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findInstance, resetConfigForTests, type InstanceConfig } from "@/lib/config";
import { compilePolicy } from "@/lib/policy/classify";
import { defaultPolicy } from "@/lib/policy/default-policy";
import { policySchema } from "@/lib/policy/types";
import { closeAllConnections, getClient } from "@/lib/redis/connection";
import { scanInstance } from "@/lib/scan/instance";
import { startRedisCluster, type RedisCluster } from "../helpers/redis-cluster";

const TIMEOUT_MS = 120_000;
const N = 60;
const compiled = compilePolicy(policySchema.parse(defaultPolicy));
const hex = (prefix: number, i: number) => (prefix * 1_000_000 + i).toString(16).padStart(16, "0");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("cache effectiveness on a cluster", () => {
  const savedEnv = { ...process.env };
  let cluster: RedisCluster;
  let instance: InstanceConfig;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), "isl-eff-cluster-"));
    cluster = await startRedisCluster({
      masters: 3,
      replicasPerMaster: 0,
      config: { "maxmemory-policy": "volatile-lru" },
    });
    Object.assign(process.env, {
      REDIS_KIND: "cluster",
      REDIS_URL: cluster.seeds.join(","),
      REDIS_INSTANCE_ID: "effcl",
      CONSOLE_DATA_DIR: dataDir,
      SCAN_INTERVAL_MINUTES: "0",
    });
    delete process.env.ISL_INSTANCES_FILE;
    resetConfigForTests();
    const found = findInstance("effcl");
    if (!found) throw new Error("no cluster instance");
    instance = found;
    const client = await getClient(instance, { timeoutMs: 10_000 });
    for (let i = 0; i < N; i++) {
      await client.set(`isl:result:${hex(1, i)}`, "{}", "EX", 7200);
      await client.set(`isl:ident:${hex(2, i)}`, "{}", "EX", 21600);
    }
    await sleep(4500);
    for (let i = 0; i < N; i++) await client.get(`isl:result:${hex(1, i)}`);
    await sleep(3000);
  }, TIMEOUT_MS);

  afterAll(async () => {
    await closeAllConnections();
    await cluster?.stop();
    process.env = savedEnv;
    resetConfigForTests();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, TIMEOUT_MS);

  it(
    "reads every master with the combined call and merges the shares",
    async () => {
      const out = await scanInstance(instance, { policy: compiled, mode: "fast" });
      expect(out.status).toBe("done");
      expect(out.via).toMatch(/scan\+meta/);
      expect(out.result.nodes).toHaveLength(3);
      for (const node of out.result.nodes ?? [])
        expect(node.access).toEqual({ policy: "volatile-lru", mode: "idle" });
      const a = out.result.patterns.find((p) => p.name === "result")?.effectiveness;
      const b = out.result.patterns.find((p) => p.name === "ident")?.effectiveness;
      console.log(
        `cluster: result read ${a?.read}/${a?.judged}, ident never read ${b?.neverRead}/${b?.judged}`,
      );
      expect(a).toMatchObject({ mode: "idle", judged: N });
      expect(a?.readShare).toBeGreaterThanOrEqual(0.9);
      expect(b).toMatchObject({ mode: "idle", judged: N });
      expect(b?.neverReadShare).toBeGreaterThanOrEqual(0.9);
    },
    TIMEOUT_MS,
  );
});
