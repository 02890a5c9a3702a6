// The connection layer for the three deployment kinds against real servers: a 3-master/3-replica
// cluster whose nodes require an ACL user, and a master + replica + 3 sentinels that need their own
// password. What is checked here is lib/redis's side only (connect, route, list nodes, fail fast);
// scans, key pages, actions and metrics over these deployments have their own test files.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InstanceConfig } from "@/lib/config";
import { loadConfig } from "@/lib/config/load";
import { closeAllConnections, withRedis } from "@/lib/redis/connection";
import { RedisError } from "@/lib/redis/errors";
import { allNodes, groupByNode, keyspaceNodes, sentinelView, slotCount } from "@/lib/redis/topology";
import { startRedisCluster, type RedisCluster } from "../helpers/redis-cluster";
import { startRedisSentinel, type RedisSentinelSet } from "../helpers/redis-sentinel";
import { makeTlsFiles } from "../helpers/tls";

const ACL = "user isl-console on >console-pw ~* &* +@all";

let cluster: RedisCluster;
let sentinels: RedisSentinelSet;
let dir: string;
let ids = 0;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "isl-cluster-conn-"));
  [cluster, sentinels] = await Promise.all([
    startRedisCluster({ aclUsers: [ACL], requirepass: "admin-pw" }),
    startRedisSentinel({ requirepass: "data-pw", sentinelPassword: "sentinel-pw" }),
  ]);
}, 180_000);

afterAll(async () => {
  await closeAllConnections();
  await Promise.all([cluster?.stop(), sentinels?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

function instancesFile(entries: unknown[]): string {
  const file = path.join(dir, `instances-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(entries));
  return file;
}

function clusterInstance(
  over: Record<string, unknown> = {},
  env: Record<string, string> = {},
): InstanceConfig {
  const nodes = cluster.seeds.slice(0, 2).map((u) => u.replace("redis://", "redis://isl-console@"));
  const file = instancesFile([
    {
      id: `prod-${++ids}`,
      kind: "cluster",
      name: "Prod",
      environment: "production",
      nodes,
      passwordEnv: "PROD_PW",
      ...over,
    },
  ]);
  return loadConfig({ ISL_INSTANCES_FILE: file, PROD_PW: "console-pw", ...env })
    .instances[0] as InstanceConfig;
}

function sentinelInstance(
  over: Record<string, unknown> = {},
  env: Record<string, string> = {},
): InstanceConfig {
  const file = instancesFile([
    {
      id: `staging-${++ids}`,
      kind: "sentinel",
      name: "Staging",
      environment: "staging",
      sentinels: sentinels.sentinelAddresses,
      masterName: sentinels.masterName,
      passwordEnv: "DATA_PW",
      sentinelPasswordEnv: "SENTINEL_PW",
      ...over,
    },
  ]);
  return loadConfig({ ISL_INSTANCES_FILE: file, DATA_PW: "data-pw", SENTINEL_PW: "sentinel-pw", ...env })
    .instances[0] as InstanceConfig;
}

describe("a cluster instance", () => {
  it("signs in as the seed URL's ACL user on every node and routes key commands by slot", async () => {
    const instance = clusterInstance();
    const keys = Array.from({ length: 60 }, (_, i) => `isl:result:${i.toString(16).padStart(16, "0")}`);
    await withRedis(instance, async (redis) => {
      expect(await redis.call("ACL", "WHOAMI")).toBe("isl-console");
      for (const key of keys) await redis.set(key, "x", "EX", 600);
      for (const key of keys) expect(await redis.get(key)).toBe("x");
      // A pipeline per node group: the cluster refuses one that spans nodes.
      const groups = groupByNode(redis, keys, (k) => k);
      expect(groups.length).toBe(3);
      for (const group of groups) {
        const p = redis.pipeline();
        for (const key of group) p.ttl(key);
        const results = await p.exec();
        expect(results?.every(([err, ttl]) => err === null && Number(ttl) > 0)).toBe(true);
      }
    });
    // Every key is on the master the cluster itself names for it.
    for (const key of keys.slice(0, 6)) {
      const owner = await cluster.nodeForKey(key);
      expect(await cluster.cli(owner, "GET", key)).toBe("x\n");
    }
  });

  it("lists its masters with slot ranges covering all 16384 slots, and every node", async () => {
    const instance = clusterInstance();
    const masters = await keyspaceNodes(instance);
    expect(masters).toHaveLength(3);
    expect(masters.every((m) => m.role === "master")).toBe(true);
    expect(masters.reduce((n, m) => n + slotCount(m.slots), 0)).toBe(16384);
    const truth = await cluster.masters();
    expect(masters.map((m) => m.address).sort()).toEqual(
      truth.map((m) => `127.0.0.1:${m.server.port}`).sort(),
    );
    for (const m of masters)
      expect(await m.client.call("ROLE").then((r) => (r as string[])[0])).toBe("master");

    const nodes = await allNodes(instance);
    expect(nodes).toHaveLength(6);
    expect(
      nodes.filter((n) => n.role === "replica").every((n) => masters.some((m) => m.address === n.master)),
    ).toBe(true);
  });

  it("scans replicas with READONLY when scanFrom is replicas", async () => {
    const instance = clusterInstance({ scanFrom: "replicas" });
    const nodes = await keyspaceNodes(instance, { purpose: "scan" });
    expect(nodes).toHaveLength(3);
    expect(nodes.every((n) => n.role === "replica" && n.master !== undefined)).toBe(true);
    const [first] = nodes;
    // A replica that was sent READONLY answers reads of the slots it replicates instead of MOVED.
    const key = "isl:result:0000000000000000";
    const owner = `127.0.0.1:${(await cluster.nodeForKey(key)).port}`;
    const replica = nodes.find((n) => n.master === owner) ?? first;
    expect(await replica?.client.get(key)).toBe("x");
  });

  it("fails fast with a classified error on a wrong password and on seeds that do not answer", async () => {
    const wrong = clusterInstance({}, { PROD_PW: "wrong" });
    const err = await withRedis(wrong, (r) => r.get("k")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedisError);
    expect((err as RedisError).kind).toMatch(/auth|unreachable/);

    const dead = loadConfig({ REDIS_KIND: "cluster", REDIS_URL: "redis://127.0.0.1:1,redis://127.0.0.1:2" })
      .instances[0] as InstanceConfig;
    const down = await withRedis({ ...dead, id: "dead" }, (r) => r.get("k")).catch((e: unknown) => e);
    expect(down).toBeInstanceOf(RedisError);
    expect((down as RedisError).kind).toBe("unreachable");
  });
});

describe("a sentinel instance", () => {
  it("reaches the master the sentinels name, with the sentinels' own password", async () => {
    const instance = sentinelInstance();
    const master = await sentinels.currentMaster();
    await withRedis(instance, async (redis) => {
      await redis.set("isl:ident:00000000000000aa", "v", "EX", 600);
      expect(await redis.call("ROLE").then((r) => (r as string[])[0])).toBe("master");
    });
    const [node] = await keyspaceNodes(instance);
    expect(node?.address).toBe(`${master.host}:${master.port}`);

    const view = await sentinelView(instance);
    expect(view).toMatchObject({ master: `${master.host}:${master.port}`, sentinels: 3 });
    expect(view.replicas).toHaveLength(1);
    const nodes = await allNodes(instance);
    expect(nodes.map((n) => n.role)).toEqual(["master", "replica"]);
    await sentinels.waitForReplicaSync();
    expect(await nodes[1]?.client.get("isl:ident:00000000000000aa")).toBe("v");
  });

  it("reads from a replica for scans when scanFrom is replicas", async () => {
    const instance = sentinelInstance({ scanFrom: "replicas" });
    const [node] = await keyspaceNodes(instance, { purpose: "scan" });
    const role = (await node?.client.call("ROLE")) as string[];
    expect(role[0]).toBe("slave");
  });

  it("a wrong sentinel password is a classified error, not a hang", async () => {
    const instance = sentinelInstance({}, { SENTINEL_PW: "wrong" });
    const err = await sentinelView(instance).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedisError);
    expect((err as RedisError).kind).toBe("auth");
  });
});

describe("a cluster over TLS", () => {
  it("connects to every node with the instance's CA, ACL user and passwordEnv, and routes keys", async () => {
    const tls = makeTlsFiles();
    const secure = await startRedisCluster({
      masters: 3,
      replicasPerMaster: 0,
      tls,
      aclUsers: [ACL],
      requirepass: "admin-pw",
    });
    try {
      expect(secure.seeds.every((u) => u.startsWith("rediss://"))).toBe(true);
      const file = instancesFile([
        {
          id: "tls-cluster",
          kind: "cluster",
          name: "TLS",
          environment: "production",
          nodes: [secure.seeds[0]?.replace("rediss://", "rediss://isl-console@")],
          tls: { caFile: tls.caCert },
          passwordEnv: "TLS_PW",
        },
      ]);
      const instance = loadConfig({ ISL_INSTANCES_FILE: file, TLS_PW: "console-pw" })
        .instances[0] as InstanceConfig;
      const keys = Array.from(
        { length: 30 },
        (_, i) => `isl:ident:${(i + 0xabc).toString(16).padStart(16, "0")}`,
      );
      await withRedis(instance, async (redis) => {
        for (const key of keys) await redis.set(key, "t", "EX", 600);
        expect(await Promise.all(keys.map((k) => redis.get(k)))).toEqual(keys.map(() => "t"));
      });
      const masters = await keyspaceNodes(instance);
      expect(masters).toHaveLength(3);
      const sizes = await Promise.all(masters.map((m) => m.client.dbsize()));
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(30);
    } finally {
      await secure.stop();
      rmSync(tls.dir, { recursive: true, force: true });
    }
  }, 120_000);
});
