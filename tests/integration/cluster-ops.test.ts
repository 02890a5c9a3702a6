// The ops page's reads and admin actions, the demo seed and the capability probe over a real
// 3-master / 3-replica Redis Cluster and a real master + replica + 3 sentinels: config compliance
// per node (the node that differs is named; CONFIG refused to the console's ACL user is said per
// node and never compliant), apply-recommended on the nodes that need it (audited with them, a
// failing node named with what was applied elsewhere), the slow log merged over the nodes with its
// node column and reset everywhere, clients and latency per node, the seed routed by slot with its
// refusals checking every master, and what the capability probe tells about each deployment.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findInstance, resetConfigForTests, type InstanceConfig } from "@/lib/config";
import type { Role } from "@/lib/policy/access";
import {
  aclFileLine,
  clusterUser,
  CONSOLE_REDIS_USERS,
  CLUSTER_ACL_RULES,
  VIEWER_ACL_RULES,
} from "@/lib/redis/acl-rules";
import { clearCapabilitiesCache } from "@/lib/ops/capabilities";
import { closeAllConnections } from "@/lib/redis/connection";
import { SeedRefusedError, seedDemo } from "@/lib/seed/seed";
import { capabilitiesResponseSchema } from "@/lib/schemas/capabilities";
import {
  applyConfigResponseSchema,
  clientsResponseSchema,
  configResponseSchema,
  latencyResponseSchema,
  resetSlowlogResponseSchema,
  slowlogResponseSchema,
  type ConfigResponse,
} from "@/lib/schemas/ops";
import { getStore } from "@/lib/store";
import { listAuditEntries } from "@/lib/store/audit";
import { authedRequest, TEST_TOKEN_NAMES } from "../helpers/auth";
import { keySlot, pollUntil, startRedisCluster, type RedisCluster } from "../helpers/redis-cluster";
import { startRedisSentinel, type RedisSentinelSet } from "../helpers/redis-sentinel";
import type { RedisServer } from "../helpers/redis-server";

type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

const TIMEOUT_MS = 120_000;
const PASSWORDS = { admin: "cluster-admin-pw-61f0", noconfig: "cluster-noconfig-pw-2b7e" };
const admin = CONSOLE_REDIS_USERS.find((u) => u.role === "admin");
if (!admin) throw new Error("no admin console user");
const USERS = [
  aclFileLine(clusterUser(admin), PASSWORDS.admin),
  // The viewer's rules without CONFIG GET: the checklist must say so per node.
  `user isl-console-noconfig reset on >${PASSWORDS.noconfig} ${VIEWER_ACL_RULES.replace(" +config|get", "")} ${CLUSTER_ACL_RULES}`,
];
/** The guide's settings for development (any maxmemory), so a node that differs is the only failure. */
const COMPLIANT = {
  maxmemory: "2gb",
  "maxmemory-policy": "volatile-lru",
  save: "900 1 300 10 60 10000",
  "notify-keyspace-events": "Eg$lshz",
  "latency-tracking-info-percentiles": "50 95 99 99.9",
};

const dataDir = mkdtempSync(path.join(os.tmpdir(), "isl-cluster-ops-"));
const savedEnv = { ...process.env };
const routes: Record<string, Handler> = {};
let cluster: RedisCluster;
let sentinels: RedisSentinelSet;

const address = (server: RedisServer) => `127.0.0.1:${server.port}`;

async function call(
  what: string,
  id: string,
  { role = "viewer", body, query = "" }: { role?: Role; body?: unknown; query?: string } = {},
) {
  const handler = routes[what];
  if (!handler) throw new Error(`no route ${what}`);
  const req = authedRequest(`http://localhost/api/instances/${id}/${what}${query}`, {
    role,
    method: body === undefined ? "GET" : "POST",
    body,
  });
  const res = await handler(req, { params: Promise.resolve({ id }) });
  return { status: res.status, json: (await res.json()) as unknown };
}

async function config(id: string): Promise<ConfigResponse> {
  const res = await call("config", id);
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  return configResponseSchema.parse(res.json);
}

const check = (body: ConfigResponse, id: string) => {
  const found = body.checks.find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id}`);
  return found;
};

/** CONFIG SET on one node with the helper's own (default) user. */
const configSet = (server: RedisServer, name: string, value: string) =>
  cluster.cli(server, "CONFIG", "SET", name, value);

/** The guide's settings back on every node. */
async function restoreCompliance() {
  await Promise.all(
    cluster.nodes.map(async (n) => {
      await configSet(n, "maxmemory-policy", COMPLIANT["maxmemory-policy"]);
      await configSet(n, "save", COMPLIANT.save);
    }),
  );
}

/** A key name whose slot the given master serves. */
async function keyOn(master: RedisServer, prefix: string): Promise<string> {
  const view = (await cluster.masters()).find((m) => m.server === master);
  if (!view) throw new Error(`${master.port} is not a master`);
  for (let i = 0; ; i++) {
    const key = `${prefix}:${i}`;
    const slot = keySlot(key);
    if (view.slots.some(([a, b]) => slot >= a && slot <= b)) return key;
  }
}

function instance(id: string): InstanceConfig {
  const found = findInstance(id);
  if (!found) throw new Error(`instance ${id} not configured`);
  return found;
}

beforeAll(async () => {
  [cluster, sentinels] = await Promise.all([
    startRedisCluster({
      masters: 3,
      replicasPerMaster: 1,
      aclUsers: USERS,
      config: { ...COMPLIANT, "slowlog-log-slower-than": "0", "slowlog-max-len": "1000" },
    }),
    startRedisSentinel({ replicas: 1, sentinels: 3, config: { "slowlog-log-slower-than": "0" } }),
  ]);
  const seeds = (user: string) => cluster.nodes.map((n) => `redis://${user}@127.0.0.1:${n.port}`);
  const file = path.join(dataDir, "instances.json");
  writeFileSync(
    file,
    JSON.stringify([
      {
        kind: "cluster",
        id: "cl",
        name: "Cluster",
        environment: "development",
        nodes: seeds("isl-console-admin"),
        passwordEnv: "CLUSTER_OPS_ADMIN_PASSWORD",
      },
      {
        kind: "cluster",
        id: "cl-noconfig",
        name: "Cluster, no CONFIG",
        environment: "development",
        nodes: seeds("isl-console-noconfig"),
        passwordEnv: "CLUSTER_OPS_NOCONFIG_PASSWORD",
      },
      // The seed writes with SET, HSET, RPUSH: the default user (the console's users may not).
      {
        kind: "cluster",
        id: "cl-seed",
        name: "Cluster, seed",
        environment: "development",
        nodes: cluster.seeds,
      },
      {
        kind: "cluster",
        id: "cl-prod",
        name: "Cluster, production",
        environment: "production",
        nodes: cluster.seeds,
      },
      {
        kind: "sentinel",
        id: "sen",
        name: "Sentinel",
        environment: "development",
        sentinels: sentinels.sentinelAddresses,
        masterName: sentinels.masterName,
      },
    ]),
  );
  for (const name of Object.keys(process.env))
    if (/^(REDIS_|ISL_|CONSOLE_)/.test(name)) delete process.env[name];
  Object.assign(process.env, {
    ISL_INSTANCES_FILE: file,
    CONSOLE_DATA_DIR: dataDir,
    SCAN_INTERVAL_MINUTES: "0",
    CLUSTER_OPS_ADMIN_PASSWORD: PASSWORDS.admin,
    CLUSTER_OPS_NOCONFIG_PASSWORD: PASSWORDS.noconfig,
  });
  resetConfigForTests();
  clearCapabilitiesCache();
  for (const what of ["config", "slowlog", "clients", "latency", "capabilities"])
    routes[what] = ((await import(`@/app/api/instances/[id]/${what}/route`)) as { GET: Handler }).GET;
  routes["config/apply"] = (await import("@/app/api/instances/[id]/config/apply/route")).POST as Handler;
  routes["slowlog/reset"] = (await import("@/app/api/instances/[id]/slowlog/reset/route")).POST as Handler;
  // CLUSTER SLOTS leaves out a replica that has replicated nothing yet (offset 0): one write per
  // master, then wait until the console's slot map holds all six nodes.
  for (const m of await cluster.masters()) {
    const key = await keyOn(m.server, "cluster-ops:warm");
    await cluster.cli(m.server, "SET", key, "1");
    await cluster.cli(m.server, "DEL", key);
  }
  await cluster.waitForReplicaSync();
  await pollUntil("the console sees six nodes", 30_000, async () => {
    const nodes = (await config("cl")).nodes ?? [];
    return nodes.length === 6 ? true : { notYet: `${nodes.length} nodes` };
  });
}, TIMEOUT_MS);

afterAll(async () => {
  await closeAllConnections();
  clearCapabilitiesCache();
  await Promise.all([cluster?.stop(), sentinels?.stop()]);
  process.env = savedEnv;
  resetConfigForTests();
  rmSync(dataDir, { recursive: true, force: true });
}, TIMEOUT_MS);

describe("config compliance on a cluster", () => {
  it("reads every node and passes the guide's settings on all six", async () => {
    const body = await config("cl");
    expect(body.nodes?.map((n) => n.address).sort()).toEqual(cluster.nodes.map(address).sort());
    expect(body.nodes?.filter((n) => n.role === "master")).toHaveLength(3);
    for (const id of ["maxmemory", "maxmemory-policy", "save"]) {
      expect(check(body, id)).toMatchObject({
        status: "pass",
        actual: expect.stringContaining("(all 6 nodes)"),
      });
      expect(check(body, id).nodes).toHaveLength(6);
    }
    expect(body.recommended).toEqual([]);
  });

  it("names the one master whose maxmemory-policy differs, and the one replica without snapshots", async () => {
    const [master] = await cluster.masters();
    const [replica] = await cluster.replicas();
    if (!master || !replica) throw new Error("no master or replica");
    try {
      await configSet(master.server, "maxmemory-policy", "allkeys-lru");
      await configSet(replica.server, "save", "");
      const body = await config("cl");
      const policy = check(body, "maxmemory-policy");
      expect(policy.status).toBe("fail");
      expect(policy.actual).toBe(`allkeys-lru on ${address(master.server)}; volatile-lru on 5 other nodes`);
      expect(policy.nodes?.filter((n) => n.status === "fail").map((n) => n.address)).toEqual([
        address(master.server),
      ]);
      const save = check(body, "save");
      expect(save.status).toBe("fail");
      expect(save.actual).toContain(`"" (snapshots off) on ${address(replica.server)}`);
      expect(save.nodes?.find((n) => n.address === address(replica.server))).toMatchObject({
        role: "replica",
        status: "fail",
      });
      expect(check(body, "maxmemory").status).toBe("pass");
      expect(body.recommended).toEqual([
        { name: "maxmemory-policy", value: "volatile-lru", nodes: [address(master.server)] },
        { name: "save", value: "900 1 300 10 60 10000", nodes: [address(replica.server)] },
      ]);
    } finally {
      await restoreCompliance();
    }
  });

  it("says per node that CONFIG is refused to the console's ACL user, and never counts it compliant", async () => {
    const body = await config("cl-noconfig");
    expect(body.configDisabled).toBe(true);
    expect(body.nodes).toHaveLength(6);
    for (const node of body.nodes ?? [])
      expect(node).toMatchObject({ configDisabled: true, configRefusal: "permission", error: null });
    const save = check(body, "save");
    expect(save.status).toBe("unknown");
    expect(save.actual).toBe("unknown (all 6 nodes)");
    expect(save.advice).toMatch(/may not run CONFIG GET \(ACL rule \+config\|get\)/);
    for (const node of save.nodes ?? []) expect(node.status).toBe("unknown");
    // The policy still comes from INFO on each node.
    expect(check(body, "maxmemory-policy").status).toBe("pass");
    expect(body.recommended).toEqual([]);
    const apply = await call("config/apply", "cl-noconfig", { role: "admin", body: {} });
    expect(apply.status).toBe(409);
    expect(JSON.stringify(apply.json)).toContain("CONFIG is refused on every node");
  });

  it("applies the recommended settings on the nodes that need them and audits the node list", async () => {
    const [master] = await cluster.masters();
    const [replica] = await cluster.replicas();
    if (!master || !replica) throw new Error("no master or replica");
    await configSet(master.server, "maxmemory-policy", "noeviction");
    await configSet(replica.server, "maxmemory-policy", "allkeys-random");
    const res = await call("config/apply", "cl", { role: "admin", body: { reason: "cluster checklist" } });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    const body = applyConfigResponseSchema.parse(res.json);
    expect(body.applied).toEqual([
      {
        name: "maxmemory-policy",
        value: "volatile-lru",
        nodes: [address(master.server), address(replica.server)],
      },
    ]);
    expect(body.nodes).toEqual([address(master.server), address(replica.server)]);
    for (const server of [master.server, replica.server])
      expect(await cluster.cli(server, "CONFIG", "GET", "maxmemory-policy")).toContain("volatile-lru");
    expect(check(await config("cl"), "maxmemory-policy").status).toBe("pass");
    const [outcome] = await listAuditEntries(getStore(), { instance: "cl", action: "config-set", limit: 1 });
    expect(outcome).toMatchObject({
      outcome: "ok",
      actor: TEST_TOKEN_NAMES.admin,
      affected: 2,
      detail: `maxmemory-policy=volatile-lru on ${address(master.server)}, ${address(replica.server)}`,
    });
  });

  it("names the node that refused CONFIG SET and what was applied elsewhere", async () => {
    const masters = await cluster.masters();
    const [first, second] = masters;
    if (!first || !second) throw new Error("no masters");
    // ACL users are per node: take CONFIG SET away from the console's user on one node only.
    await cluster.cli(second.server, "ACL", "SETUSER", "isl-console-admin", "-config|set");
    try {
      await configSet(first.server, "maxmemory-policy", "allkeys-lru");
      await configSet(second.server, "maxmemory-policy", "allkeys-lru");
      const res = await call("config/apply", "cl", { role: "admin", body: {} });
      expect(res.status).toBe(403);
      const message = JSON.stringify(res.json);
      expect(message).toContain(`node ${address(second.server)}`);
      expect(message).toContain(`applied maxmemory-policy=volatile-lru on ${address(first.server)}`);
      expect(await cluster.cli(first.server, "CONFIG", "GET", "maxmemory-policy")).toContain("volatile-lru");
      expect(await cluster.cli(second.server, "CONFIG", "GET", "maxmemory-policy")).toContain("allkeys-lru");
      const [outcome] = await listAuditEntries(getStore(), { instance: "cl", action: "config-set", limit: 1 });
      expect(outcome?.outcome).toBe("error");
      expect(outcome?.detail).toContain(address(second.server));
      expect(outcome?.detail).toContain(`applied maxmemory-policy=volatile-lru on ${address(first.server)}`);
    } finally {
      await cluster.cli(second.server, "ACL", "SETUSER", "isl-console-admin", "+config|set");
      await restoreCompliance();
    }
  });
});

describe("slow log, clients and latency on a cluster", () => {
  it("merges the slow log of every node, each entry with its node, newest first", async () => {
    const [a, b] = await cluster.masters();
    if (!a || !b) throw new Error("no masters");
    const keyA = await keyOn(a.server, "cluster-ops:slow");
    const keyB = await keyOn(b.server, "cluster-ops:slow");
    await cluster.cli(a.server, "SET", keyA, "secret-a");
    await cluster.cli(b.server, "SET", keyB, "secret-b");
    const res = await call("slowlog", "cl", { query: "?count=1000" });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.json)).not.toContain("secret-a");
    const body = slowlogResponseSchema.parse(res.json);
    expect(body.nodes?.map((n) => n.address).sort()).toEqual(cluster.nodes.map(address).sort());
    for (const node of body.nodes ?? []) expect(node.error).toBeNull();
    const sets = body.entries.filter((e) => e.command === "SET" && e.client.name === "" && e.argCount === 2);
    const nodesOfSets = new Set(sets.map((e) => e.node));
    expect(nodesOfSets).toContain(address(a.server));
    expect(nodesOfSets).toContain(address(b.server));
    const times = body.entries.map((e) => e.time);
    expect(times).toEqual([...times].sort().reverse());
    // The console's own commands stay marked, on whichever node they ran.
    expect(body.entries.find((e) => e.own && e.ownLabel === "console: main connection")?.node).toMatch(
      /^127\.0\.0\.1:\d+$/,
    );
    expect(body.length).toBe((body.nodes ?? []).reduce((n, node) => n + (node.length ?? 0), 0));
    expect(body.slowerThanMicros).toBe(0);
  });

  it("resets the slow log on every node, audited with the node count", async () => {
    // Nothing new is logged from here on, so an emptied log stays empty.
    await Promise.all(cluster.nodes.map((n) => configSet(n, "slowlog-log-slower-than", "10000000")));
    expect((await call("slowlog/reset", "cl", { role: "viewer", body: {} })).status).toBe(403);
    const res = await call("slowlog/reset", "cl", { role: "admin", body: { reason: "cluster clean slate" } });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(resetSlowlogResponseSchema.parse(res.json).nodes?.sort()).toEqual(
      cluster.nodes.map(address).sort(),
    );
    for (const n of cluster.nodes) expect(Number(await cluster.cli(n, "SLOWLOG", "LEN"))).toBe(0);
    const [outcome] = await listAuditEntries(getStore(), { instance: "cl", action: "slowlog-reset", limit: 1 });
    expect(outcome).toMatchObject({ outcome: "ok", affected: 6, reason: "cluster clean slate" });
    expect(outcome?.detail).toMatch(/^SLOWLOG RESET on 6 nodes: /);
    await Promise.all(cluster.nodes.map((n) => configSet(n, "slowlog-log-slower-than", "0")));
  });

  it("lists the clients of every node with their node, and each node's use of maxclients", async () => {
    const res = await call("clients", "cl");
    expect(res.status).toBe(200);
    const body = clientsResponseSchema.parse(res.json);
    expect(body.nodes).toHaveLength(6);
    expect(body.connected).toBe((body.nodes ?? []).reduce((n, node) => n + (node.connected ?? 0), 0));
    expect(body.maxClients).toBe(6 * 10000);
    expect(body.ratio).toBe(Math.max(...(body.nodes ?? []).map((n) => n.ratio ?? 0)));
    const nodes = new Set(body.clients.map((c) => c.node));
    for (const n of cluster.nodes) expect(nodes).toContain(address(n));
    expect(body.byName.find((g) => g.key === "isl-console-main")?.count).toBeGreaterThanOrEqual(3);
  });

  it("reads the latency monitor of every node: events carry their node, differing thresholds are per node", async () => {
    const [, , c] = await cluster.masters();
    if (!c) throw new Error("no third master");
    await configSet(c.server, "latency-monitor-threshold", "1");
    const spin =
      "local s=redis.call('TIME') local t0=s[1]*1000000+s[2] " +
      "while true do local n=redis.call('TIME') if n[1]*1000000+n[2]-t0 > 50000 then break end end return 1";
    await cluster.cli(c.server, "EVAL", spin, "0");
    const res = await call("latency", "cl", { query: "?minutes=5" });
    expect(res.status).toBe(200);
    const body = latencyResponseSchema.parse(res.json);
    expect(body.eventsError).toBeUndefined();
    expect(body.monitorThresholdMs).toBeNull();
    expect(body.nodes?.find((n) => n.address === address(c.server))?.monitorThresholdMs).toBe(1);
    expect(body.nodes?.filter((n) => n.monitorThresholdMs === 0)).toHaveLength(5);
    expect(body.events.find((e) => e.event === "command")?.node).toBe(address(c.server));
  });
});

describe("the demo seed on a cluster", () => {
  const flushMasters = async () => {
    for (const m of await cluster.masters()) await cluster.cli(m.server, "FLUSHALL");
  };

  it("writes every key to the master of its slot, so each master holds some", async () => {
    await flushMasters();
    const summary = await seedDemo(instance("cl-seed"), { seed: "cluster", batchKeys: 50 });
    const masters = await cluster.masters();
    const sizes = await Promise.all(masters.map(async (m) => Number(await cluster.cli(m.server, "DBSIZE"))));
    for (const size of sizes) expect(size).toBeGreaterThan(0);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(summary.keysWritten);
    expect(summary.dbsizeBefore).toBe(0);
    expect(summary.dbsizeAfter).toBe(summary.keysWritten);
    expect(summary.nodes.map((n) => n.address).sort()).toEqual(masters.map((m) => address(m.server)).sort());
    // A planted key without TTL reads back from its own master.
    const planted = summary.planted.find((p) => p.ttlSeconds === null && /^[\w:.-]+$/.test(p.key));
    if (!planted) throw new Error("no printable planted key without TTL");
    const owner = await cluster.nodeForKey(planted.key);
    expect(Number(await cluster.cli(owner, "TTL", planted.key))).toBe(-1);
  });

  it("refuses when any master holds keys, naming it, and refuses production", async () => {
    await flushMasters();
    const [, , third] = await cluster.masters();
    if (!third) throw new Error("no third master");
    const key = await keyOn(third.server, "foreign:seed");
    await cluster.cli(third.server, "SET", key, "x");
    const refusal = await seedDemo(instance("cl-seed")).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(SeedRefusedError);
    expect((refusal as SeedRefusedError).reason).toBe("not-empty");
    expect((refusal as SeedRefusedError).message).toContain(`1 on ${address(third.server)}`);
    const production = await seedDemo(instance("cl-prod")).catch((e: unknown) => e);
    expect((production as SeedRefusedError).reason).toBe("production");
    await flushMasters();
  });
});

describe("npm run seed:demo on a cluster", () => {
  function runScript(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "test" };
    delete env.ISL_INSTANCES_FILE;
    return new Promise((resolve) => {
      const child = spawn(
        process.execPath,
        ["node_modules/tsx/dist/cli.mjs", "--conditions=react-server", "scripts/seed-demo.ts", ...args],
        { cwd: path.resolve(__dirname, "../.."), env, stdio: ["ignore", "pipe", "pipe"] },
      );
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("exit", (code) => resolve({ code, stdout, stderr }));
    });
  }

  it("seeds through two seed nodes with --kind cluster, then refuses the non-empty cluster", async () => {
    for (const m of await cluster.masters()) await cluster.cli(m.server, "FLUSHALL");
    const url = cluster.seeds.slice(0, 2).join(",");
    const first = await runScript(["--url", url, "--kind", "cluster", "--seed", "script"]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(
      /^Keys per master: 127\.0\.0\.1:\d+ \d+, 127\.0\.0\.1:\d+ \d+, 127\.0\.0\.1:\d+ \d+\.$/m,
    );
    const again = await runScript(["--url", url, "--kind", "cluster"]);
    expect(again.code).toBe(3);
    expect(again.stderr).toMatch(/refused: the cluster already holds \d+ keys/);
    expect((await runScript(["--kind", "cluster"])).code).toBe(2);
    for (const m of await cluster.masters()) await cluster.cli(m.server, "FLUSHALL");
  }, 60_000);
});

describe("capabilities on a cluster", () => {
  it("probes the ACL user on one node and says what cluster mode changes", async () => {
    const res = await call("capabilities", "cl", { query: "?refresh=1" });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    const body = capabilitiesResponseSchema.parse(res.json);
    expect(body.user).toBe("isl-console-admin");
    const status = Object.fromEntries(body.capabilities.map((c) => [c.id, c.status]));
    expect(status).toMatchObject({
      browse: "allowed",
      "keys-write": "allowed",
      admin: "allowed",
      cluster: "allowed",
    });
    expect(body.permissions.flushdb.allowed).toBe(true);
    expect(body.deployment).toMatchObject({
      kind: "cluster",
      cluster: { clusterInfo: true, state: "ok", masters: 3, knownNodes: 6 },
    });
    const notes = body.deployment?.notes.join(" ") ?? "";
    expect(notes).toContain("each of the 3 masters");
    expect(notes).toContain("FLUSHDB empties every master");
    expect(notes).toContain("no SELECT");
    expect(cluster.nodes.map(address)).toContain(body.deployment?.probedNode);
  });

  it("tells a user without CONFIG GET apart, still over the cluster", async () => {
    const res = await call("capabilities", "cl-noconfig", { query: "?refresh=1" });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    const body = capabilitiesResponseSchema.parse(res.json);
    const command = body.capabilities.flatMap((c) => c.commands).find((c) => c.command === "config|get");
    expect(command).toMatchObject({ allowed: false, aclRule: "+config|get" });
    expect(body.capabilities.find((c) => c.id === "cluster")?.status).toBe("allowed");
    expect(body.permissions.flushdb.allowed).toBe(false);
  });
});

describe("a sentinel instance", () => {
  it("reads the checklist, the slow log and the clients of the master and its replica", async () => {
    const master = await sentinels.currentMaster();
    const body = await config("sen");
    expect(body.nodes?.map((n) => [n.address, n.role])).toEqual([
      [`${master.host}:${master.port}`, "master"],
      [address(sentinels.replicas[0] as RedisServer), "replica"],
    ]);
    const slowlog = slowlogResponseSchema.parse((await call("slowlog", "sen")).json);
    expect(slowlog.nodes).toHaveLength(2);
    expect(new Set(slowlog.entries.map((e) => e.node)).size).toBeGreaterThanOrEqual(1);
    const clients = clientsResponseSchema.parse((await call("clients", "sen")).json);
    expect(clients.nodes?.every((n) => n.error === null)).toBe(true);
  });

  it("seeds the current master, and the refusal holds afterwards", async () => {
    const summary = await seedDemo(instance("sen"), { seed: "sentinel" });
    const master = await sentinels.currentMaster();
    expect(Number(await sentinels.serverAt(master.port).cli("DBSIZE"))).toBe(summary.keysWritten);
    await sentinels.waitForReplicaSync();
    expect(Number(await (sentinels.replicas[0] as RedisServer).cli("DBSIZE"))).toBe(summary.keysWritten);
    await expect(seedDemo(instance("sen"))).rejects.toBeInstanceOf(SeedRefusedError);
  });

  it("says whether every sentinel answers SENTINEL MASTER", async () => {
    const res = await call("capabilities", "sen", { query: "?refresh=1" });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    const body = capabilitiesResponseSchema.parse(res.json);
    const master = await sentinels.currentMaster();
    expect(body.deployment?.kind).toBe("sentinel");
    expect(body.deployment?.sentinels).toHaveLength(3);
    for (const s of body.deployment?.sentinels ?? [])
      expect(s).toMatchObject({ answered: true, master: `${master.host}:${master.port}` });
    expect(body.deployment?.notes.join(" ")).toContain("All 3 sentinels answer");
    expect(body.deployment?.probedNode).toBe(`${master.host}:${master.port}`);
  });
});

describe("a cluster node down", () => {
  it("is named by the slow log, the checklist and the reset, never left out", async () => {
    const [replica] = await cluster.replicas();
    if (!replica) throw new Error("no replica");
    const down = address(replica.server);
    await cluster.kill(replica.server);
    const slowlog = await pollUntil("the slow log names the down replica", 30_000, async () => {
      const res = await call("slowlog", "cl");
      if (res.status !== 200) return { notYet: `status ${res.status}: ${JSON.stringify(res.json)}` };
      const body = slowlogResponseSchema.parse(res.json);
      return body.nodes?.find((n) => n.address === down)?.error ? body : { notYet: "not named yet" };
    });
    expect(slowlog.nodes?.find((n) => n.address === down)?.error).toContain(down);
    expect(slowlog.nodes?.filter((n) => n.error === null)).toHaveLength(5);

    const body = await config("cl");
    expect(body.nodes?.find((n) => n.address === down)?.error).toContain(down);
    expect(check(body, "save").status).toBe("unknown");
    expect(check(body, "save").nodes?.find((n) => n.address === down)?.status).toBe("unknown");
    expect(body.recommended).toEqual([]);

    const reset = await call("slowlog/reset", "cl", { role: "admin", body: {} });
    expect(reset.status).toBe(503);
    expect(JSON.stringify(reset.json)).toContain(`SLOWLOG RESET failed on 1 of 6 nodes (node ${down}`);
    expect(JSON.stringify(reset.json)).toMatch(/reset on (127\.0\.0\.1:\d+, ){4}127\.0\.0\.1:\d+/);
    const [outcome] = await listAuditEntries(getStore(), { instance: "cl", action: "slowlog-reset", limit: 1 });
    expect(outcome?.outcome).toBe("error");
    expect(outcome?.detail).toContain(down);

    const apply = await call("config/apply", "cl", { role: "admin", body: {} });
    expect(apply.status).toBe(503);
    expect(JSON.stringify(apply.json)).toContain(down);
  });
});
