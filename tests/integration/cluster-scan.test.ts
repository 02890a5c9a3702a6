// Scans of a real 3-master / 3-replica Redis Cluster through the product's scan jobs: planted keys
// of every class spread over the masters compared with `redis-cli --scan` on each master plus TTL
// of each key, the per-node breakdown against each master's DBSIZE, scans on the replicas, and a
// master killed mid-scan (the scan finishes from the promoted replica, or fails naming the node
// and its slots; never "done" over part of the keyspace). No planted key expires while the file
// runs (TTLs of an hour or more), so the ground truth is read once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findInstance, type InstanceConfig } from "@/lib/config";
import { classifyKey, compilePolicy } from "@/lib/policy/classify";
import { defaultPolicy } from "@/lib/policy/default-policy";
import { policySchema } from "@/lib/policy/types";
import { getClient } from "@/lib/redis/connection";
import { getScanJob, launchScan } from "@/lib/scan/jobs";
import type { NextRequest } from "next/server";
import { SCAN_LIST_NAMES, scanJobSchema, type ScanJob, type ScanResult } from "@/lib/schemas/scans";
import { getStore } from "@/lib/store";
import { scanStateInput } from "@/lib/metrics/scan-input";
import {
  keySlot as keySlotOf,
  parseInfo,
  pollUntil,
  startRedisCluster,
  type RedisCluster,
} from "../helpers/redis-cluster";
import { authedRequest } from "../helpers/auth";
import { consoleEnv, type ConsoleEnv } from "../helpers/console-env";
import { cliScan, type RedisServer } from "../helpers/redis-server";
import { teardown } from "../helpers/teardown";

const TIMEOUT_MS = 180_000;
const policy = policySchema.parse(defaultPolicy);
const compiled = compilePolicy(policy);
const hex = (i: number) => i.toString(16).padStart(16, "0");
const B = (s: string) => Buffer.from(s, "latin1");
const address = (server: RedisServer) => `127.0.0.1:${server.port}`;

type Client = Awaited<ReturnType<typeof getClient>>;

/** Planted keys by the class they must land in (binary names included). */
function plantedKeys(): { key: Buffer; write: (c: Client) => Promise<unknown>; klass: string }[] {
  const out: { key: Buffer; write: (c: Client) => Promise<unknown>; klass: string }[] = [];
  const add = (key: Buffer | string, klass: string, write: (c: Client, k: Buffer) => Promise<unknown>) => {
    const k = typeof key === "string" ? B(key) : key;
    out.push({ key: k, klass, write: (c) => write(c, k) });
  };
  // ok keys of every pattern, every type, standard TTLs
  for (let i = 0; i < 30; i++)
    add(`isl:result:${hex(i)}`, "ok", (c, k) => c.set(k, "r".repeat(200), "EX", 3600));
  for (let i = 0; i < 10; i++)
    add(`isl:beliefs:${hex(i)}`, "ok", async (c, k) => {
      await c.hset(k, "a", "1", "b", "2");
      return c.expire(k, 3600);
    });
  for (let i = 0; i < 8; i++)
    add(`isl:sensitivity:${hex(i)}`, "ok", async (c, k) => {
      await c.zadd(k, 1, "x", 2, "y");
      return c.expire(k, 3600);
    });
  for (let i = 0; i < 8; i++)
    add(`isl:ident:${hex(i)}`, "ok", async (c, k) => {
      await c.xadd(k, "*", "f", "v");
      return c.expire(k, 3600);
    });
  // no TTL
  for (let i = 100; i < 108; i++) add(`isl:result:${hex(i)}`, "noTtl", (c, k) => c.rpush(k, "1", "2", "3"));
  for (let i = 100; i < 104; i++) add(`isl:beliefs:${hex(i)}`, "noTtl", (c, k) => c.sadd(k, "a", "b"));
  // above standard (ident's standard is 6 h)
  for (let i = 100; i < 106; i++)
    add(`isl:ident:${hex(i)}`, "aboveStandard", (c, k) => c.set(k, "i", "EX", 86_400));
  // unknown pattern, foreign, possible PII, binary names
  for (let i = 0; i < 6; i++) add(`isl:tmp:scratch${i}`, "unknownPattern", (c, k) => c.set(k, "t"));
  for (let i = 0; i < 6; i++) add(`sess:${i}`, "foreign", (c, k) => c.set(k, "f"));
  add("queue:jobs", "foreign", (c, k) => c.lpush(k, "a", "b"));
  for (let i = 0; i < 6; i++)
    add(Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x30 + i, 0x3a, 0x62]), "foreign", (c, k) => c.set(k, "bin"));
  for (let i = 0; i < 6; i++)
    add(`isl:beliefs:user_${123 + i}`, "possiblePii", (c, k) => c.set(k, "b", "EX", 3600));
  add("isl:result:alice@example.com", "possiblePii", (c, k) => c.set(k, "r"));
  for (let i = 0; i < 4; i++)
    add(Buffer.concat([B(`isl:result:${i}`), Buffer.from([0xff, 0x80, 0x22, 0x5c])]), "possiblePii", (c, k) =>
      c.set(k, "bin", "EX", 3600),
    );
  return out;
}

interface Reference {
  keys: number;
  classes: Record<string, number>;
  patterns: Record<string, number>;
  lists: Record<string, Set<string>>;
  perMaster: Map<string, number>;
}

/** The guide's procedure on every master: redis-cli --scan, then TTL of each key (through the cluster client). */
async function reference(cluster: RedisCluster, client: Client): Promise<Reference> {
  const ref: Reference = {
    keys: 0,
    classes: { ok: 0, noTtl: 0, aboveStandard: 0, unknownPattern: 0, foreign: 0, possiblePii: 0 },
    patterns: Object.fromEntries(policy.patterns.map((p) => [p.name, 0])),
    lists: Object.fromEntries(SCAN_LIST_NAMES.map((n) => [n, new Set<string>()])),
    perMaster: new Map(),
  };
  for (const master of await cluster.masters()) {
    const keys = await cliScan(master.server);
    ref.perMaster.set(address(master.server), keys.length);
    const ttls = await Promise.all(keys.map((k) => client.ttl(k)));
    keys.forEach((key, i) => {
      const ttl = ttls[i] as number;
      if (ttl === -2) return;
      ref.keys++;
      const v = classifyKey(compiled, key, ttl);
      ref.classes[v.class] = (ref.classes[v.class] ?? 0) + 1;
      if (v.pattern) ref.patterns[v.pattern] = (ref.patterns[v.pattern] ?? 0) + 1;
      if (v.class !== "ok") ref.lists[v.class]?.add(key.toString("base64"));
      if (v.possiblePii) {
        ref.classes.possiblePii = (ref.classes.possiblePii ?? 0) + 1;
        ref.lists.possiblePii?.add(key.toString("base64"));
      }
    });
  }
  return ref;
}

async function untilFinished(id: string, timeoutMs: number): Promise<ScanJob> {
  return pollUntil(`scan ${id} finished`, timeoutMs, async () => {
    const job = await getScanJob(id);
    if (!job) return { notYet: "no job" };
    return job.status === "running" ? { notYet: `running: ${job.progress.scanned} keys` } : job;
  });
}

function must<T>(value: T | undefined | null, what = "a value"): T {
  if (value === undefined || value === null) throw new Error(`expected ${what}`);
  return value;
}

function expectMatchesReference(result: ScanResult, ref: Reference): void {
  expect(result.keys).toBe(ref.keys);
  expect(result.classes).toEqual(ref.classes);
  for (const p of result.patterns) expect(p.keys, p.name).toBe(ref.patterns[p.name]);
  for (const name of ["noTtl", "aboveStandard", "unknownPattern", "foreign", "possiblePii"] as const) {
    expect(new Set(result.lists[name].map((e) => e.keyBase64)), name).toEqual(ref.lists[name]);
    expect(result.listTotals[name], name).toBe(ref.lists[name]?.size);
  }
  expect(result.unknown).toBe(0);
}

describe("scans of a 3-master / 3-replica cluster", () => {
  let cluster: RedisCluster;
  let instance: InstanceConfig;
  let client: Client;
  let env: ConsoleEnv | undefined;
  let ref: Reference;
  let plantedTotal = 0;
  const planted = plantedKeys();

  beforeAll(async () => {
    cluster = await startRedisCluster({ masters: 3, replicasPerMaster: 1 });
    env = await consoleEnv("cluster-scan", {
      REDIS_KIND: "cluster",
      REDIS_URL: cluster.seeds.join(","),
      REDIS_INSTANCE_ID: "cl1",
      SCAN_INTERVAL_MINUTES: "0",
      ISL_INSTANCES_FILE: undefined,
    });
    instance = must(findInstance("cl1"), "the cluster instance");
    client = await getClient(instance, { timeoutMs: 10_000 });
    for (const p of planted) await p.write(client);
    await cluster.waitForReplicaSync();
    ref = await reference(cluster, client);
  }, TIMEOUT_MS);

  afterAll(() => teardown(env, cluster), TIMEOUT_MS);

  it("plants every class on at least two masters", async () => {
    const byClass = new Map<string, Set<number>>();
    for (const p of planted) {
      const owner = await cluster.nodeForKey(p.key);
      byClass.set(p.klass, (byClass.get(p.klass) ?? new Set()).add(owner.port));
    }
    for (const [klass, ports] of byClass) expect(ports.size, klass).toBeGreaterThanOrEqual(2);
    expect(ref.keys).toBe(planted.length);
    expect([...ref.perMaster.values()].every((n) => n > 0)).toBe(true);
  });

  it(
    "a fast scan equals redis-cli --scan plus TTL on every master, with a node breakdown that sums to the total",
    async () => {
      const { id } = await launchScan(instance, { mode: "fast" });
      const job = await untilFinished(id, 60_000);
      expect(job.status).toBe("done");
      const result = must(job.result, "a result");
      expectMatchesReference(result, ref);
      // the planted counts themselves
      expect(result.classes).toMatchObject({
        noTtl: 13,
        aboveStandard: 6,
        unknownPattern: 6,
        foreign: 13,
        possiblePii: 11,
      });
      const nodes = must(result.nodes, "nodes");
      expect(nodes).toHaveLength(3);
      expect(nodes.every((n) => n.status === "done" && n.role === "master")).toBe(true);
      expect(nodes.reduce((n, e) => n + e.keys, 0)).toBe(result.keys);
      expect(nodes.reduce((n, e) => n + e.bytes, 0)).toBe(result.bytes);
      for (const master of await cluster.masters()) {
        const entry = must(
          nodes.find((n) => n.address === address(master.server)),
          address(master.server),
        );
        expect(entry.keys).toBe(Number(await master.server.cli("DBSIZE")));
        expect(entry.slots).toEqual(master.slots);
      }
      expect(nodes.reduce((n, e) => n + e.slots.reduce((m, [a, b]) => m + b - a + 1, 0), 0)).toBe(16384);
      expect(result.uncoveredSlots).toEqual([]);
      expect(job.progress.total).toBe(ref.keys);
    },
    TIMEOUT_MS,
  );

  it(
    "a gentle scan gives the same classes and lists",
    async () => {
      const { id } = await launchScan(instance, { mode: "gentle" });
      const job = await untilFinished(id, 120_000);
      expect(job.status).toBe("done");
      expectMatchesReference(must(job.result), ref);
    },
    TIMEOUT_MS,
  );

  it(
    'scanFrom "replicas" reads the replicas and finds the same classes',
    async () => {
      const replicas = await cluster.replicas();
      const masters = await cluster.masters();
      expect(replicas).toHaveLength(3);
      for (const node of [...replicas, ...masters]) await node.server.cli("CONFIG", "RESETSTAT");
      const onReplicas: InstanceConfig = { ...instance, id: "cl1-replicas", scanFrom: "replicas" };
      const { id } = await launchScan(onReplicas, { mode: "fast" });
      const job = await untilFinished(id, 60_000);
      expect(job.status).toBe("done");
      const result = must(job.result);
      expectMatchesReference(result, ref);
      const nodes = must(result.nodes);
      expect(new Set(nodes.map((n) => n.address))).toEqual(new Set(replicas.map((r) => address(r.server))));
      expect(nodes.every((n) => n.role === "replica" && n.master !== undefined)).toBe(true);
      const scanCalls = async (server: RedisServer) =>
        Number(
          /calls=(\d+)/.exec(
            parseInfo(await server.cli("INFO", "commandstats")).get("cmdstat_scan") ?? "",
          )?.[1] ?? 0,
        );
      for (const r of replicas) expect(await scanCalls(r.server), address(r.server)).toBeGreaterThan(0);
      for (const m of masters) expect(await scanCalls(m.server), address(m.server)).toBe(0);
    },
    TIMEOUT_MS,
  );

  it(
    "a master killed mid-scan: the scan completes from the promoted replica or fails naming the node and its slots",
    async () => {
      // Enough keys that a gentle scan takes several seconds: written to each master directly,
      // only keys of its own slots.
      const masters = await cluster.masters();
      const BULK = 40_000;
      await Promise.all(
        masters.map(async (m) => {
          const direct = await getClient({
            id: `load-${m.server.port}`,
            name: "load",
            environment: "development",
            url: m.server.url,
            readOnly: false,
          });
          let pipeline = direct.pipeline();
          let queued = 0;
          for (let i = 0; i < BULK * 3; i++) {
            const key = `isl:ident:${hex(0x100000 + i)}`;
            if (
              !m.slots.some(([a, b]) => {
                const slot = keySlotOf(key);
                return slot >= a && slot <= b;
              })
            )
              continue;
            pipeline.set(key, "v", "EX", 3600);
            if (++queued % 5000 === 0) {
              await pipeline.exec();
              pipeline = direct.pipeline();
            }
          }
          await pipeline.exec();
        }),
      );
      await cluster.waitForReplicaSync(60_000);
      const sizes = await Promise.all(masters.map(async (m) => Number(await m.server.cli("DBSIZE"))));
      const planted = sizes.reduce((a, b) => a + b, 0);
      expect(planted).toBe(ref.keys + BULK * 3);

      const victim = must(masters[1], "a second master");
      const { id } = await launchScan(instance, { mode: "gentle" });
      await pollUntil("the scan under way", 60_000, async () => {
        const job = await getScanJob(id);
        return job && job.status === "running" && job.progress.scanned > 2000 ? true : { notYet: "not yet" };
      });
      const runningBefore = must(await getScanJob(id));
      expect(runningBefore.status).toBe("running");
      await cluster.kill(victim.server);
      const job = await untilFinished(id, 240_000);
      const result = must(job.result, "a result (done or failed)");
      const nodes = must(result.nodes);
      const part = must(
        nodes.find((n) => n.slots[0]?.[0] === victim.slots[0]?.[0]),
        "the victim's part",
      );
      if (job.status === "done") {
        // Completed from the promoted replica: every key counted once.
        expect(result.keys).toBe(planted);
        expect(part.status).toBe("retried");
        expect(part.failedNode).toBe(address(victim.server));
        expect(part.address).not.toBe(address(victim.server));
        expect(part.keys).toBe(must(sizes[1]));
        expect(result.uncoveredSlots).toEqual([]);
        expect(nodes.reduce((n, e) => n + e.keys, 0)).toBe(planted);
        expectMatchesReference(result, {
          ...ref,
          keys: planted,
          classes: { ...ref.classes, ok: (ref.classes.ok ?? 0) + BULK * 3 },
          patterns: { ...ref.patterns, ident: (ref.patterns.ident ?? 0) + BULK * 3 },
        });
      } else {
        expect(job.status).toBe("failed");
        expect(job.error).toContain(`node ${address(victim.server)}`);
        expect(job.error).toMatch(
          new RegExp(`slots ${victim.slots.map(([a, b]) => `${a}-${b}`).join(", ")}`),
        );
        expect(part.status).toBe("failed");
        expect(result.uncoveredSlots).toEqual(victim.slots);
        expect(result.keys).toBeLessThan(planted);
        // A failed scan never lowers the keys-without-TTL alert: only done scans feed it.
        const state = await scanStateInput(getStore(), instance.id);
        expect(state.ttlUnknown?.reason).toContain(address(victim.server));
      }
      console.info(
        `killed ${address(victim.server)} mid-scan: ${job.status}, ${result.keys} of ${planted} keys; ${part.status} ${part.error ?? ""}`,
      );
      plantedTotal = planted;
    },
    2 * TIMEOUT_MS,
  );

  it(
    "a master without a replica killed mid-scan: the scan ends failed, naming the node and the slots not covered",
    async () => {
      // After the failover above, the promoted replica is a master without a replica of its own.
      await cluster.waitForHealthy(60_000);
      const replicated = new Set((await cluster.replicas()).map((r) => r.masterId));
      const masters = await cluster.masters();
      const lonely = must(
        masters.find((m) => !replicated.has(m.id)),
        "a master without a replica",
      );
      const { id } = await launchScan(instance, { mode: "gentle" });
      await pollUntil("the scan under way", 60_000, async () => {
        const job = await getScanJob(id);
        return job && job.status === "running" && job.progress.scanned > 2000 ? true : { notYet: "not yet" };
      });
      await cluster.kill(lonely.server);
      const job = await untilFinished(id, 150_000);
      expect(job.status).toBe("failed");
      const result = must(job.result, "the partial result");
      const slots = lonely.slots.map(([a, b]) => `${a}-${b}`).join(", ");
      expect(job.error).toContain(`node ${address(lonely.server)} failed (unreachable`);
      expect(job.error).toContain(`slots ${slots} not fully scanned`);
      for (const [a, b] of lonely.slots)
        expect(
          must(result.uncoveredSlots).some(([x, y]) => x <= a && b <= y),
          `${a}-${b}`,
        ).toBe(true);
      const part = must(must(result.nodes).find((n) => n.slots[0]?.[0] === lonely.slots[0]?.[0]));
      expect(part.status).toBe("failed");
      expect(result.keys).toBeLessThan(plantedTotal);
      expect(must(result.nodes).reduce((n, e) => n + e.keys, 0)).toBe(result.keys);
      // A failed scan never lowers the keys-without-TTL alert: compliance is unknown, naming the node.
      const state = await scanStateInput(getStore(), instance.id);
      expect(state.ttlUnknown?.reason).toContain(address(lonely.server));
      expect(state.latestScan?.noTtl).toBe(ref.classes.noTtl);
      // The pages read it back: the newest finished scan (status=any) is this failed one with its
      // nodes and uncovered slots; the newest done scan (the counts shown) is the one before.
      type Handler = (
        req: NextRequest,
        ctx: { params: Promise<Record<string, string>> },
      ) => Promise<Response>;
      const { GET: latest } = (await import("@/app/api/instances/[id]/scans/latest/route")) as unknown as {
        GET: Handler;
      };
      const read = async (query: string) => {
        const req = authedRequest(`http://localhost/api/instances/cl1/scans/latest?${query}`, {
          role: "viewer",
        });
        const res = await latest(req, { params: Promise.resolve({ id: "cl1" }) });
        expect(res.status).toBe(200);
        return scanJobSchema.parse(await res.json());
      };
      const newest = await read("lists=0&status=any");
      expect(newest).toMatchObject({ id, status: "failed" });
      expect(newest.result?.uncoveredSlots).toEqual(result.uncoveredSlots);
      expect(newest.result?.nodes?.find((n) => n.status === "failed")).toBeDefined();
      const done = await read("lists=0");
      expect(done.status).toBe("done");
      expect(done.id).not.toBe(id);
      console.info(`killed ${address(lonely.server)} (no replica) mid-scan: ${job.error}`);
    },
    2 * TIMEOUT_MS,
  );
});
