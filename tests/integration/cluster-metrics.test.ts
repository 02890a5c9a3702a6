// The metrics sampler against a real 3-master / 3-replica Redis Cluster: a reading per node for all
// six nodes, totals that are the sums of the nodes' own figures, the memory alert of one master at
// ~95 % naming it while the cluster's total is far lower, a killed master named unreachable in the
// node table (and its replica's promotion recorded as a failover), cluster_state fail as a critical
// alert once a master and its replica are both down, and node="host:port" series in Prometheus.
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InstanceConfig } from "@/lib/config";
import { renderMetrics } from "@/lib/metrics/prometheus";
import type { MetricsSampler } from "@/lib/metrics/sampler";
import { getOverview, type ReadSettings } from "@/lib/metrics/service";
import { defaultAlertThresholds, type AlertThresholds } from "@/lib/policy/alerts";
import { withRedis } from "@/lib/redis/connection";
import { parseInfo, summarizeInfo } from "@/lib/redis/info";
import { probeInstance } from "@/lib/metrics/instance-status";
import type { Db } from "@/lib/store/db";
import { latestNodeSet, type StoredNodeSample } from "@/lib/store/node-samples";
import { latestSample } from "@/lib/store/samples";
import {
  clusterInstance,
  keySlot,
  pollUntil,
  startRedisCluster,
  type RedisCluster,
} from "../helpers/redis-cluster";
import type { RedisServer } from "../helpers/redis-server";
import { openSamplerEnv, type SamplerEnv } from "../helpers/sampler-env";
import { teardown } from "../helpers/teardown";

const TIMEOUT_MS = 120_000;
const INTERVAL_MS = 500;
/** Short alert windows: the memory alert fires once the condition held for one second. */
const thresholds: AlertThresholds = { ...defaultAlertThresholds, memoryForMs: 1000 };
const settings: ReadSettings = { intervalMs: INTERVAL_MS, thresholds };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const address = (s: RedisServer) => `127.0.0.1:${s.port}`;

async function nodeInfo(c: RedisCluster, s: RedisServer) {
  return summarizeInfo(parseInfo(await c.cli(s, "INFO")));
}

/** Each stored node row against the node's own INFO; returns the masters' key count from INFO. */
async function expectReadingsMatchInfo(c: RedisCluster, rows: StoredNodeSample[]): Promise<number> {
  let keys = 0;
  for (const server of c.nodes) {
    const row = rows.find((n) => n.node === address(server));
    if (!row) throw new Error(`no reading for ${address(server)}`);
    const info = await nodeInfo(c, server);
    const infoKeys = info.keyspace.db0?.keys ?? 0;
    expect(row.role).toBe(info.role === "slave" ? "replica" : "master");
    expect(row.keys).toBe(infoKeys);
    expect(row.maxBytes ?? 0).toBe(info.maxMemoryBytes);
    expect(Math.abs((row.usedBytes ?? 0) - info.usedMemoryBytes)).toBeLessThan(info.usedMemoryBytes * 0.2);
    if (row.role === "master") keys += infoKeys;
  }
  return keys;
}

describe("metrics of a real 3-master / 3-replica cluster", () => {
  let cluster: RedisCluster;
  let instance: InstanceConfig;
  let env: SamplerEnv | undefined;
  let db: Db;
  let sampler: MetricsSampler;
  /** The master filled to ~95 % of its maxmemory, and the one killed later. */
  let full: RedisServer;
  let victim: RedisServer;

  const sample = async () => {
    const outcome = await sampler.sampleOnce(instance.id);
    await sleep(INTERVAL_MS);
    return outcome;
  };

  beforeAll(async () => {
    cluster = await startRedisCluster({ masters: 3, replicasPerMaster: 1 });
    instance = clusterInstance(cluster, "cl");
    env = await openSamplerEnv("cluster-metrics", [instance], { ...settings, owner: "cluster-test" });
    ({ db, sampler } = env);
    const masters = await cluster.masters();
    const [first, second] = masters;
    if (!first || !second) throw new Error("no masters");
    full = first.server;
    victim = second.server;
    // Every master gets a large limit (the one filled later gets a small one): the cluster's total
    // stays far under the threshold.
    for (const m of masters) await cluster.cli(m.server, "CONFIG", "SET", "maxmemory", "1gb");
  }, TIMEOUT_MS);

  afterAll(() => teardown(env, cluster), TIMEOUT_MS);

  it(
    "stores a reading for each of the 6 nodes and totals that are the sums of the nodes' own",
    async () => {
      await withRedis(instance, async (redis) => {
        await Promise.all(
          Array.from({ length: 300 }, (_, i) => redis.set(`isl:result:${i}`, "v", "EX", 600)),
        );
      });
      await cluster.waitForReplicaSync();
      expect(await sample()).toBe("sampled");
      expect(await sample()).toBe("sampled");
      const nodes = await latestNodeSet(db, instance.id);
      expect(nodes.map((n) => n.node).sort()).toEqual(cluster.nodes.map(address).sort());
      expect(nodes.every((n) => n.reachable)).toBe(true);
      expect(nodes.filter((n) => n.role === "master")).toHaveLength(3);
      expect(nodes.filter((n) => n.role === "replica")).toHaveLength(3);

      const totals = await latestSample(db, instance.id);
      const masters = nodes.filter((n) => n.role === "master");
      const sum = (list: typeof nodes, f: (n: (typeof nodes)[number]) => number | null) =>
        list.reduce((a, n) => a + (f(n) ?? 0), 0);
      expect(totals?.usedBytes).toBe(sum(masters, (n) => n.usedBytes));
      expect(totals?.keys).toBe(sum(masters, (n) => n.keys));
      expect(totals?.maxBytes).toBe(sum(masters, (n) => n.maxBytes));
      expect(totals?.connectedClients).toBe(sum(nodes, (n) => n.connectedClients));
      expect(totals?.deltas?.commands).toBe(sum(nodes, (n) => n.deltas?.commands ?? null));
      expect(totals?.topology).toMatchObject({ kind: "cluster", nodes: 6, unanswered: [], clusterNotOk: [] });

      // Each node's reading against the node's own INFO: keys and limits exactly, memory closely.
      const keys = await expectReadingsMatchInfo(cluster, nodes);
      expect(keys).toBe(300);
      expect(totals?.keys).toBe(300);

      const overview = await getOverview(instance, db, settings);
      expect(overview.kind).toBe("cluster");
      expect(overview.reachable).toBe(true);
      expect(overview.keys).toBe(300);
      expect(overview.nodes).toHaveLength(6);
      expect(overview.coverage).toMatchObject({ nodes: 6, answered: 6, unanswered: [] });
      expect(overview.cluster).toMatchObject({ state: "ok", masters: 3, replicas: 3 });
      expect(overview.nodes?.filter((n) => n.role === "master").reduce((a, n) => a + n.slotCount, 0)).toBe(
        16384,
      );
      for (const n of overview.nodes ?? []) {
        expect(n.status).toBe("ok");
        if (n.role === "replica") expect(n.replication.linkStatus).toBe("up");
      }
    },
    TIMEOUT_MS,
  );

  it(
    "one master at ~95 % of its maxmemory fires the memory alert naming it while the cluster's total is far lower",
    async () => {
      const masters = await cluster.masters();
      const own = masters.find((m) => m.server === full);
      const [from, to] = own?.slots[0] ?? [0, 0];
      let tag = "";
      for (let i = 0; !tag; i++) {
        const slot = keySlot(`{fill${i}}`);
        if (slot >= from && slot <= to) tag = `{fill${i}}`;
      }
      const base = (await nodeInfo(cluster, full)).usedMemoryBytes;
      const limit = base + 8 * 1024 * 1024;
      await cluster.cli(full, "CONFIG", "SET", "maxmemory-policy", "noeviction");
      await cluster.cli(full, "CONFIG", "SET", "maxmemory", String(limit));
      const value = "x".repeat(50_000);
      for (let batch = 0; ; batch++) {
        const info = await nodeInfo(cluster, full);
        if (info.usedMemoryBytes / info.maxMemoryBytes > 0.93) break;
        if (batch > 400)
          throw new Error(
            `could not fill ${address(full)}: ${info.usedMemoryBytes} of ${info.maxMemoryBytes}`,
          );
        await withRedis(instance, async (redis) => {
          const p = redis.pipeline();
          for (let i = 0; i < 8; i++) p.set(`isl:result:${tag}${batch}:${i}`, value, "EX", 3600);
          await p.exec();
        });
      }
      expect(await sample()).toBe("sampled");
      await sleep(1100);
      expect(await sample()).toBe("sampled");
      const overview = await getOverview(instance, db, settings);
      const alert = overview.alerts.find((a) => a.rule === "memory");
      expect(alert).toMatchObject({ node: address(full), state: "firing", threshold: 0.8 });
      expect(alert?.summary).toContain(address(full));
      expect(alert?.value).toBeGreaterThan(0.9);
      expect(overview.alerts.filter((a) => a.rule === "memory")).toHaveLength(1);
      // The cluster's total: far under the threshold (the other masters have 1 GB each).
      expect(overview.memory.ratio).toBeLessThan(0.5);
      const row = overview.nodes?.find((n) => n.address === address(full));
      expect(row?.status).toBe("bad");
      expect(row?.statusText).toMatch(/memory 9\d %/);
    },
    TIMEOUT_MS,
  );

  it(
    'has node="host:port" series for every node next to the totals in the Prometheus output',
    async () => {
      const { text } = await renderMetrics([instance], { db, settings });
      for (const server of cluster.nodes) {
        expect(text).toMatch(
          new RegExp(`isl_node_up\\{instance_id="cl",node="${address(server)}",role="(master|replica)"\\} 1`),
        );
        expect(text).toMatch(
          new RegExp(
            `isl_node_memory_used_bytes\\{instance_id="cl",node="${address(server)}",role="[a-z]+"\\} \\d+`,
          ),
        );
      }
      expect(text).toContain(
        `isl_node_memory_max_bytes{instance_id="cl",node="${address(full)}",role="master"}`,
      );
      expect(text).toMatch(/^isl_redis_up\{instance_id="cl"\} 1$/m);
      expect(text).toMatch(/^isl_memory_used_ratio\{instance_id="cl"\} 0\.\d+/m);
      expect(text).toMatch(/^isl_alert_state\{instance_id="cl",rule="memory"\} 2$/m);
      expect(text).toMatch(/^isl_cluster_state_ok\{instance_id="cl"\} 1$/m);
      const promtool = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
      if (promtool.error) console.info("promtool not installed: exposition not checked by it");
      else expect(promtool.stdout + promtool.stderr).toBe("");
    },
    TIMEOUT_MS,
  );

  it(
    "a killed master shows unreachable by name, the totals say they miss it, and its replica's promotion is a failover",
    async () => {
      await cluster.kill(victim);
      const down = await pollUntil("the killed master unreachable in the node table", 30_000, async () => {
        await sample();
        const o = await getOverview(instance, db, settings);
        const row = o.nodes?.find((n) => n.address === address(victim));
        return row && !row.reachable ? o : { notYet: `row ${JSON.stringify(row?.statusText)}` };
      });
      const row = down.nodes?.find((n) => n.address === address(victim));
      console.info(
        `killed ${address(victim)}: ${row?.statusText}; instance ${down.reachable ? "reachable" : `unreachable: ${down.error}`}`,
      );
      expect(row?.status).toBe("bad");
      expect(row?.statusText).toMatch(/^unreachable: /);
      expect(down.reachable).toBe(true);
      expect(down.coverage?.unanswered).toContain(address(victim));
      expect(down.coverage?.answered).toBe(5);
      // The instances page and /api/health say the same: reachable, with the node that is not answering.
      const status = await probeInstance(instance);
      expect(status).toMatchObject({ reachable: true, kind: "cluster" });
      expect(status.nodes?.unanswered).toEqual([address(victim)]);
      expect(status.error).toContain(address(victim));

      const successor = await cluster.waitForFailover(victim);
      const after = await pollUntil("the promotion recorded as a failover", 30_000, async () => {
        await sample();
        const o = await getOverview(instance, db, settings);
        return o.failovers?.some((f) => f.to === address(successor))
          ? o
          : { notYet: JSON.stringify(o.failovers) };
      });
      // Still named after the slot map dropped it: the cluster flags it failed.
      const gone = after.nodes?.find((n) => n.address === address(victim));
      expect(gone?.reachable).toBe(false);
      expect(after.nodes?.find((n) => n.address === address(successor))?.role).toBe("master");
      expect(after.failovers?.find((f) => f.to === address(successor))?.from).toBe(address(victim));
      console.info(
        `failover ${address(victim)} -> ${address(successor)} recorded at ${after.failovers?.at(-1)?.at}`,
      );
    },
    TIMEOUT_MS,
  );

  it(
    "a master and its replica both down make cluster_state fail: a critical alert with a runbook",
    async () => {
      const masters = await cluster.masters();
      const replicas = await cluster.replicas();
      // The promoted replica has no replica of its own any more: killing it leaves its slots unserved.
      const lone = masters.find(
        (m) => !m.failing && !replicas.some((r) => r.masterId === m.id && !r.failing),
      );
      if (!lone) throw new Error("no master without a replica");
      await cluster.kill(lone.server);
      const overview = await pollUntil("cluster_state alert", 60_000, async () => {
        await sample();
        const o = await getOverview(instance, db, settings);
        return o.alerts.some((a) => a.rule === "cluster-state")
          ? o
          : { notYet: `cluster ${JSON.stringify(o.cluster)}` };
      });
      const alert = overview.alerts.find((a) => a.rule === "cluster-state");
      expect(alert).toMatchObject({ severity: "critical", state: "firing" });
      expect(alert?.summary).toMatch(/cluster_state fail/);
      expect(alert?.runbook.do.length).toBeGreaterThan(0);
      expect(overview.cluster?.state).toBe("fail");
      expect(overview.nodes?.find((n) => n.address === address(lone.server))?.reachable).toBe(false);
      const { text } = await renderMetrics([instance], { db, settings });
      expect(text).toMatch(/^isl_alert_state\{instance_id="cl",rule="cluster-state"\} 2$/m);
      expect(text).toMatch(/^isl_cluster_state_ok\{instance_id="cl"\} 0$/m);
      expect(text).toMatch(
        new RegExp(`isl_node_up\\{instance_id="cl",node="${address(lone.server)}",role="master"\\} 0`),
      );
    },
    TIMEOUT_MS,
  );
});
