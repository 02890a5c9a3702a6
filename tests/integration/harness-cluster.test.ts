// The cluster and sentinel test helpers against real processes: a 3-master/3-replica Redis
// Cluster that spreads keys over all masters and still serves them through an ioredis Cluster
// client after a master is killed and its replica takes over (and the killed node rejoins as a
// replica), and a master + replica + 3 sentinels whose ioredis client follows a failover.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// eslint-disable-next-line no-restricted-imports -- checks the spawned topologies with plain clients; lib/redis has no Cluster or Sentinel client
import { Cluster, Redis } from "ioredis";
import { keySlot, pollUntil, startRedisCluster, type RedisCluster } from "../helpers/redis-cluster";
import { startRedisSentinel, type RedisSentinelSet } from "../helpers/redis-sentinel";

const TIMEOUT_MS = 180_000;
/** A loaded machine can stall a failover: a sentinel in TILT mode does nothing for 30 s. */
const FAILOVER_DEADLINE_MS = 60_000;

/** Reads every key once; the values and the errors of the keys that failed. */
async function readAll(
  client: Cluster,
  keys: string[],
): Promise<{ values: (string | null)[]; errors: string[] }> {
  const results = await Promise.allSettled(keys.map((k) => client.get(k)));
  const values: (string | null)[] = [];
  const errors: string[] = [];
  for (const result of results) {
    if (result.status === "fulfilled") values.push(result.value);
    else errors.push(result.reason instanceof Error ? result.reason.message : String(result.reason));
  }
  return { values, errors };
}

describe("redis cluster helper", () => {
  let cluster: RedisCluster | undefined;
  let client: Cluster | undefined;
  const clientErrors: string[] = [];

  beforeAll(async () => {
    const started = performance.now();
    cluster = await startRedisCluster({ masters: 3, replicasPerMaster: 1 });
    console.info(`cluster of 6 nodes healthy after ${Math.round(performance.now() - started)} ms`);
  }, TIMEOUT_MS);

  afterAll(async () => {
    client?.disconnect();
    await cluster?.stop();
  }, TIMEOUT_MS);

  it(
    "spreads keys over every master and serves all of them after a master fails over",
    async () => {
      if (!cluster) throw new Error("no cluster");
      const c = cluster;
      const [first] = c.nodes;
      if (!first) throw new Error("no node");
      for (const key of ["harness:1", "{user:7}:a", "x{}y", "{}", "a{b"]) {
        expect(keySlot(key)).toBe(Number(await c.cli(first, "CLUSTER", "KEYSLOT", key)));
      }

      client = new Cluster(c.nodes.map((n) => ({ host: n.host, port: n.port })));
      client.on("error", (e: Error) => clientErrors.push(e.message));
      const keys = Array.from({ length: 200 }, (_, i) => `harness:${i}`);
      await Promise.all(keys.map((k) => client?.set(k, `value:${k}`)));

      const masters = await c.masters();
      expect(masters).toHaveLength(3);
      expect((await c.replicas()).length).toBe(3);
      const sizes = await Promise.all(masters.map(async (m) => Number(await c.cli(m.server, "DBSIZE"))));
      for (const size of sizes) expect(size).toBeGreaterThan(0);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(200);
      await c.waitForReplicaSync();

      const victim = await c.nodeForKey(keys[0] ?? "");
      expect(masters.map((m) => m.server)).toContain(victim);
      const killedAt = performance.now();
      await c.kill(victim);
      const successor = await c.waitForFailover(victim, FAILOVER_DEADLINE_MS);
      const failedOverAt = performance.now();
      expect(successor).not.toBe(victim);
      expect((await c.masters()).map((m) => m.server)).toContain(successor);

      // The client may still hold the old slot map: poll until every key reads back.
      let attempts = 0;
      const readErrors = new Set<string>();
      const values = await pollUntil("all keys readable through the client", 60_000, async () => {
        attempts++;
        const read = await readAll(client as Cluster, keys);
        for (const e of read.errors) readErrors.add(e);
        return read.errors.length === 0 ? read.values : { notYet: `${read.errors.length} reads failed` };
      });
      const readAt = performance.now();
      expect(values).toEqual(keys.map((k) => `value:${k}`));
      console.info(
        `cluster failover: ${Math.round(failedOverAt - killedAt)} ms until the cluster reported it, ` +
          `${Math.round(readAt - failedOverAt)} ms more until ioredis read all keys (${attempts} attempts; ` +
          `read errors: ${JSON.stringify([...readErrors])}; client errors: ${JSON.stringify([...new Set(clientErrors)])})`,
      );

      const restartedAt = performance.now();
      await c.restart(victim);
      await c.waitForHealthy();
      console.info(`killed node rejoined after ${Math.round(performance.now() - restartedAt)} ms`);
      const rejoined = (await c.replicas()).find((r) => r.server === victim);
      expect(rejoined?.masterId).toBe(c.idOf(successor));
    },
    TIMEOUT_MS,
  );
});

describe("redis sentinel helper", () => {
  let set: RedisSentinelSet | undefined;
  let client: Redis | undefined;
  const clientErrors: string[] = [];

  beforeAll(async () => {
    const started = performance.now();
    set = await startRedisSentinel({ replicas: 1, sentinels: 3 });
    console.info(`master + replica + 3 sentinels ready after ${Math.round(performance.now() - started)} ms`);
  }, TIMEOUT_MS);

  afterAll(async () => {
    client?.disconnect();
    await set?.stop();
  }, TIMEOUT_MS);

  it(
    "fails over to the replica and the ioredis client follows",
    async () => {
      if (!set) throw new Error("no sentinel set");
      const s = set;
      expect(await s.currentMaster()).toEqual({ host: "127.0.0.1", port: s.master.port });

      client = new Redis({
        sentinels: s.sentinels.map((x) => ({ host: x.host, port: x.port })),
        name: s.masterName,
      });
      client.on("error", (e: Error) => clientErrors.push(e.message));
      await client.set("harness:before", "1");
      await s.waitForReplicaSync();

      const killedAt = performance.now();
      const old = await s.killMaster();
      expect(old).toBe(s.master);
      const promoted = await s.waitForFailover(old.port, FAILOVER_DEADLINE_MS);
      const failedOverAt = performance.now();
      expect(promoted.port).toBe(s.replicas[0]?.port);

      await client.set("harness:after", "2");
      const wroteAt = performance.now();
      expect(await client.get("harness:before")).toBe("1");
      expect(await client.get("harness:after")).toBe("2");
      expect(await client.config("GET", "port")).toEqual(["port", String(promoted.port)]);
      console.info(
        `sentinel failover: ${Math.round(failedOverAt - killedAt)} ms until the sentinels reported it, ` +
          `${Math.round(wroteAt - failedOverAt)} ms more until ioredis wrote; client errors: ${JSON.stringify([...new Set(clientErrors)])}`,
      );
    },
    TIMEOUT_MS,
  );
});
