// What the metrics sampler reads from Redis, per sample and per node: INFO (the sections it needs)
// and a PING round trip from every server of the instance at once (a standalone server, a
// Sentinel-managed master and its replicas, every node of a cluster), plus CLUSTER INFO from a
// cluster's masters and the sentinels' view of a sentinel instance. maxmemory/maxclients come from
// INFO where Redis reports them, else from CONFIG GET refreshed once a minute per node. Managed
// services may disable CONFIG: that is remembered, not an error. A node that does not answer is a
// reading with its error, never left out: the totals say which nodes they miss. The sampler's
// reading also carries each node's INFO persistence with its save schedule (CONFIG GET save, once a
// minute) and its per-command latency counters (LATENCY HISTOGRAM, or the INFO fallbacks).
import "server-only";
import type { default as Redis } from "ioredis";
import type { InstanceConfig } from "@/lib/config";
import { getClient, instanceKind, isCluster, serverConnection, withRedis } from "./connection";
import { classifyRedisError, describeRedisError, isRefusal, RedisError, toRedisError } from "./errors";
import {
  parseClusterNodes,
  parseCommandstats,
  parseInfo,
  parseInfoFields,
  parseLatencyHistogram,
  parseLatencystats,
  parsePersistence,
  summarizeInfo,
  type InfoSections,
} from "./info";
import { versionAtLeast, type PersistenceInfo } from "@/lib/server-facts";
import { instanceDb, withTimeout } from "./instances";
import { allNodes, CLUSTER_SLOTS, keyspaceNodes, sentinelView, slotRanges, type RedisNode } from "./topology";

/** Histogram buckets as INFO latencystats gives them: [upper bound µs, count]. */
type Buckets = [number, number][];

/** A node's per-command reading at one sample, as lib/redis reads it (cumulative counters). */
export type CommandReading =
  | { source: "histogram"; histograms: Map<string, { calls: number; buckets: Buckets }> }
  | { source: "latencystats"; percentiles: Map<string, Record<string, number>> }
  | { source: "commandstats"; stats: Map<string, { calls: number; usec: number }> };

/** What the persistence check and alert judge, as read at one sample. */
export interface NodePersistence {
  /** null: INFO persistence could not be read. */
  info: PersistenceInfo | null;
  /** CONFIG GET save; null when CONFIG is refused. */
  save: string | null;
  /** PING answered MISCONF: the failed save stops every write (stop-writes-on-bgsave-error). */
  writesRefused?: boolean;
}

export interface RedisSample {
  runId: string;
  uptimeSeconds: number;
  usedBytes: number;
  /** null: no limit (maxmemory 0) or unknown. */
  maxBytes: number | null;
  connectedClients: number;
  maxClients: number | null;
  /** PING round trip in milliseconds. */
  latencyMs: number;
  keys: number;
  evictedKeys: number;
  expiredKeys: number;
  keyspaceHits: number;
  keyspaceMisses: number;
  totalCommands: number;
}

/** A replica's link to its master, as INFO replication (its own and its master's) reports it. */
export interface ReplicationState {
  /** Replica: master_link_status; null on a master. */
  linkStatus: "up" | "down" | null;
  /** Replica: seconds since the master link went down (master_link_down_since_seconds). */
  linkDownSeconds: number | null;
  /** Replica: the master's `lag` for it (seconds since its last ack), when the master answered. */
  lagSeconds: number | null;
  /** Replica: bytes of replication stream it is behind its master (offset difference). */
  offsetBehind: number | null;
  /** Master: connected_slaves. */
  connectedReplicas: number | null;
  /** Replica: the master it replicates from, as its INFO says (master_host:master_port). */
  masterAddress: string | null;
}

export interface NodeSample extends RedisSample {
  /** The role the node itself reports (INFO role). */
  role: "master" | "replica";
  replication: ReplicationState;
  /** Cluster masters: cluster_state from CLUSTER INFO ("ok", "fail"); null elsewhere. */
  clusterState: string | null;
  redisVersion: string;
  /** INFO persistence and the save schedule (CONFIG GET save, refreshed once a minute). */
  persistence: NodePersistence;
  /** Per-command latency counters (cumulative); null when not asked for (readSample). */
  commands: CommandReading | null;
}

/** One server of the instance at one sample: its reading, or why there is none. */
export interface NodeReading {
  address: string;
  role: "master" | "replica";
  /** A replica's master address. */
  master: string | null;
  /** Cluster: the slot ranges it serves (a replica: its master's). */
  slots: [number, number][];
  /** Cluster: the flags the cluster gives it (CLUSTER NODES), e.g. ["master", "fail"]. */
  flags: string[];
  sample: NodeSample | null;
  error: string | null;
  /** The failure behind `error`, classified (kept for a one-node instance's own error). */
  failure?: unknown;
}

export interface SentinelReading {
  /** The master the sentinels name; null when no sentinel answered. */
  master: string | null;
  replicas: { address: string; flags: string[] }[];
  sentinels: number;
  configEpoch: number | null;
  /** Why the sentinels could not be read. */
  error: string | null;
}

export interface InstanceReading {
  kind: "standalone" | "cluster" | "sentinel";
  nodes: NodeReading[];
  sentinel: SentinelReading | null;
}

const CONFIG_REFRESH_MS = 60_000;
/** A node that does not answer within this is reported unreachable; the other nodes are not held up. */
export const NODE_READ_TIMEOUT_MS = 3000;

interface ConfigLimits {
  at: number;
  maxmemory?: number;
  maxclients?: number;
  /** CONFIG GET refused (disabled or not permitted) at `at`. */
  disabled: boolean;
}

const registry = globalThis as typeof globalThis & {
  __islConfigLimits?: Map<string, ConfigLimits>;
  __islNodeSettings?: Map<string, NodeSettings>;
};
const limits: Map<string, ConfigLimits> = (registry.__islConfigLimits ??= new Map());

function pairsToMap(reply: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (!Array.isArray(reply)) return out;
  for (let i = 0; i + 1 < reply.length; i += 2) out.set(String(reply[i]), String(reply[i + 1]));
  return out;
}

interface NodeSettings {
  at: number;
  /** CONFIG GET save; null: CONFIG refused. */
  save: string | null;
  /** CONFIG GET latency-tracking ("yes"/"no"); null: refused or not offered (before 7.0). */
  latencyTracking: string | null;
}

const settings: Map<string, NodeSettings> = (registry.__islNodeSettings ??= new Map());

/** CONFIG GET save and latency-tracking, refreshed once a minute per node; nulls when CONFIG is refused. */
async function nodeSettings(redis: Redis, cacheKey: string, now: number): Promise<NodeSettings> {
  const cached = settings.get(cacheKey);
  if (cached && now - cached.at < CONFIG_REFRESH_MS) return cached;
  let next: NodeSettings;
  try {
    const save = pairsToMap(await redis.call("CONFIG", "GET", "save")).get("save") ?? null;
    const tracking = pairsToMap(await redis.call("CONFIG", "GET", "latency-tracking")).get(
      "latency-tracking",
    );
    next = { at: now, save, latencyTracking: tracking ?? null };
  } catch (err) {
    if (!isRefusal(err)) throw err;
    next = { at: now, save: null, latencyTracking: null };
  }
  settings.set(cacheKey, next);
  return next;
}

/**
 * The node's per-command latency counters: LATENCY HISTOGRAM on Redis 7+ (windowed percentiles
 * come from the difference of two), INFO latencystats when LATENCY is refused (percentiles since
 * start), INFO commandstats before 7.0 or with latency-tracking off (the interval's average).
 */
async function readCommands(redis: Redis, version: string, tracking: string | null): Promise<CommandReading> {
  // Tracking turned off keeps the old histograms frozen (until CONFIG RESETSTAT): averages instead.
  if (versionAtLeast(version, "7.0.0") && tracking !== "no") {
    try {
      const histograms = parseLatencyHistogram(await redis.call("LATENCY", "HISTOGRAM"));
      // The sampler's own INFO is always tracked: an empty reply means latency-tracking is off.
      if (histograms.size > 0) return { source: "histogram", histograms };
    } catch (err) {
      if (!isRefusal(err)) throw err;
      const percentiles = parseLatencystats(parseInfo(await redis.info("latencystats")));
      if (percentiles.size > 0) return { source: "latencystats", percentiles };
    }
  }
  return { source: "commandstats", stats: parseCommandstats(parseInfo(await redis.info("commandstats"))) };
}

/**
 * The PING round trip. A failed background save with stop-writes-on-bgsave-error makes Redis refuse
 * PING with MISCONF: the server answered (the round trip counts), and writes are refused.
 */
async function pingRoundTrip(redis: Redis): Promise<{ latencyMs: number; writesRefused: boolean }> {
  const started = performance.now();
  let writesRefused = false;
  try {
    await redis.ping();
  } catch (err) {
    if (classifyRedisError(err)?.code !== "MISCONF") throw err;
    writesRefused = true;
  }
  return { latencyMs: performance.now() - started, writesRefused };
}

/** The sampler's extras: persistence (INFO persistence, the save schedule) and per-command counters. */
async function readExtras(
  redis: Redis,
  o: {
    cacheKey: string;
    now: number;
    sections: InfoSections;
    version: string;
    writesRefused: boolean;
    withCommands: boolean;
  },
): Promise<{ persistence: NodePersistence; commands: CommandReading | null }> {
  const info = parsePersistence(o.sections);
  const writes = o.writesRefused ? { writesRefused: true } : {};
  if (!o.withCommands) return { persistence: { info, save: null, ...writes }, commands: null };
  const { save, latencyTracking } = await nodeSettings(redis, o.cacheKey, o.now);
  return {
    persistence: { info, save, ...writes },
    commands: await readCommands(redis, o.version, latencyTracking),
  };
}

async function configLimits(redis: Redis, cacheKey: string, now: number): Promise<ConfigLimits> {
  const cached = limits.get(cacheKey);
  if (cached && now - cached.at < CONFIG_REFRESH_MS) return cached;
  let next: ConfigLimits;
  try {
    const reply = pairsToMap(await redis.call("CONFIG", "GET", "maxmemory"));
    const clients = pairsToMap(await redis.call("CONFIG", "GET", "maxclients"));
    const mm = Number(reply.get("maxmemory"));
    const mc = Number(clients.get("maxclients"));
    next = {
      at: now,
      maxmemory: Number.isFinite(mm) ? mm : undefined,
      maxclients: Number.isFinite(mc) ? mc : undefined,
      disabled: false,
    };
  } catch (err) {
    // Connection failures propagate; a refusal (unknown command, NOPERM) means CONFIG is off here.
    if (isRefusal(err)) {
      next = { at: now, disabled: true };
    } else {
      throw err;
    }
  }
  limits.set(cacheKey, next);
  return next;
}

const optional = (v: string | undefined): number | null => {
  if (v === undefined) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
};

/** The replication fields of a node's INFO; the lag of a replica comes from its master's INFO later. */
function replicationOf(
  sections: InfoSections,
): ReplicationState & { offset: number | null; replicaLines: Map<string, { offset: number; lag: number }> } {
  const r = sections.replication ?? {};
  const replicaLines = new Map<string, { offset: number; lag: number }>();
  for (const [name, value] of Object.entries(r)) {
    if (!/^slave\d+$/.test(name)) continue;
    const f = parseInfoFields(value);
    replicaLines.set(`${f.ip}:${f.port}`, { offset: Number(f.offset ?? 0), lag: Number(f.lag ?? 0) });
  }
  const isReplica = r.role === "slave";
  const link = r.master_link_status;
  return {
    linkStatus: isReplica ? (link === "up" ? "up" : "down") : null,
    linkDownSeconds: isReplica ? optional(r.master_link_down_since_seconds) : null,
    lagSeconds: null,
    offsetBehind: null,
    connectedReplicas: isReplica ? null : optional(r.connected_slaves),
    masterAddress: isReplica && r.master_host ? `${r.master_host}:${r.master_port ?? "6379"}` : null,
    offset: optional(isReplica ? r.slave_repl_offset : r.master_repl_offset),
    replicaLines,
  };
}

interface RawNodeSample {
  sample: NodeSample;
  offset: number | null;
  replicaLines: Map<string, { offset: number; lag: number }>;
}

/** INFO, PING (and CLUSTER INFO on a cluster master) from one server. */
async function readNode(
  instance: InstanceConfig,
  redis: Redis,
  address: string,
  now: number,
  clusterMaster: boolean,
  withCommands = false,
): Promise<RawNodeSample> {
  const text = await redis.info();
  const { latencyMs, writesRefused } = await pingRoundTrip(redis);
  const sections = parseInfo(text);
  const info = summarizeInfo(sections);
  const infoHasMaxMemory = sections.memory?.maxmemory !== undefined;
  let maxBytes: number | null = infoHasMaxMemory ? info.maxMemoryBytes : null;
  let maxClients: number | null = info.maxClients ?? null;
  if (!infoHasMaxMemory || maxClients === null) {
    const cfg = await configLimits(redis, `${instance.id}@${address}`, now);
    if (!infoHasMaxMemory && cfg.maxmemory !== undefined) maxBytes = cfg.maxmemory;
    if (maxClients === null && cfg.maxclients !== undefined) maxClients = cfg.maxclients;
  }
  let clusterState: string | null = null;
  if (clusterMaster) {
    const clusterInfo = parseInfo(String(await redis.call("CLUSTER", "INFO")));
    clusterState = Object.values(clusterInfo)[0]?.cluster_state ?? null;
  }
  const { offset, replicaLines, ...replication } = replicationOf(sections);
  const { persistence, commands } = await readExtras(redis, {
    cacheKey: `${instance.id}@${address}`,
    now,
    sections,
    version: info.redisVersion,
    writesRefused,
    withCommands,
  });
  return {
    sample: {
      runId: info.runId,
      uptimeSeconds: info.uptimeSeconds,
      usedBytes: info.usedMemoryBytes,
      maxBytes: maxBytes === 0 ? null : maxBytes,
      connectedClients: info.connectedClients,
      maxClients,
      latencyMs,
      keys: info.keyspace[`db${instanceDb(instance)}`]?.keys ?? 0,
      evictedKeys: info.evictedKeys,
      expiredKeys: info.expiredKeys,
      keyspaceHits: info.keyspaceHits,
      keyspaceMisses: info.keyspaceMisses,
      totalCommands: info.totalCommandsProcessed,
      role: info.role === "slave" ? "replica" : "master",
      replication,
      clusterState,
      redisVersion: info.redisVersion,
      persistence,
      commands,
    },
    offset,
    replicaLines,
  };
}

interface Target {
  address: string;
  role: "master" | "replica";
  master: string | null;
  slots: [number, number][];
  flags: string[];
  /** null: known but not to be asked (the cluster flags it failed); `error` says why. */
  client: Redis | null;
  error?: string;
}

function describeFlags(flags: string[]): string {
  if (flags.includes("fail")) return "the cluster flags it as failed (fail)";
  if (flags.includes("fail?")) return "the cluster suspects it has failed (fail?)";
  if (flags.includes("noaddr")) return "the cluster knows no address for it (noaddr)";
  if (flags.includes("handshake")) return "it is still in its cluster handshake";
  return "";
}

/**
 * The slot map's nodes (masters with their slots, then replicas), each with the cluster client's own
 * connection to it, or a connection of its own when the client has dropped that node's (it went
 * down): a dead node must stay a target whose read fails, not make the whole reading fail.
 */
async function slotMapTargets(instance: InstanceConfig): Promise<Target[]> {
  const client = await getClient(instance);
  if (!isCluster(client)) {
    return (await allNodes(instance)).map((n: RedisNode) => ({
      address: n.address,
      role: n.role,
      master: n.master ?? null,
      slots: n.slots,
      flags: [],
      client: n.client,
    }));
  }
  const masters = new Map<string, { slots: number[]; replicas: Set<string> }>();
  for (let slot = 0; slot < CLUSTER_SLOTS; slot++) {
    const [master, ...replicas] = client.slots[slot] ?? [];
    if (!master) continue;
    let entry = masters.get(master);
    if (!entry) masters.set(master, (entry = { slots: [], replicas: new Set() }));
    entry.slots.push(slot);
    for (const r of replicas) entry.replicas.add(r);
  }
  const connections = client.nodes("all");
  const connection = (address: string): Redis =>
    connections.find((r) => `${r.options.host}:${r.options.port}` === address) ??
    serverConnection(instance, address);
  const out: Target[] = [];
  const replicaTargets: Target[] = [];
  for (const [address, { slots, replicas }] of masters) {
    const ranges = slotRanges(slots);
    out.push({
      address,
      role: "master",
      master: null,
      slots: ranges,
      flags: [],
      client: connection(address),
    });
    for (const r of replicas)
      replicaTargets.push({
        address: r,
        role: "replica",
        master: address,
        slots: ranges,
        flags: [],
        client: connection(r),
      });
  }
  return [...out, ...replicaTargets];
}

/**
 * The cluster's nodes: the slot map's (masters with their slots, replicas), plus every node CLUSTER
 * NODES knows that the slot map leaves out (a failed master after its replica took over, a master
 * without slots), so a dead node stays named.
 */
async function clusterTargets(instance: InstanceConfig): Promise<Target[]> {
  const targets = await slotMapTargets(instance);
  const nodes = targets.filter((t): t is Target & { client: Redis } => t.client !== null);
  // Every node is asked at once and the first answer taken: one that is down must not delay the reading.
  const lines = await Promise.any(
    nodes.map(async (n) =>
      parseClusterNodes(
        String(
          await withTimeout(n.client.call("CLUSTER", "NODES"), NODE_READ_TIMEOUT_MS, `node ${n.address}`),
        ),
      ),
    ),
  ).catch(() => null);
  if (!lines) return targets;
  const byId = new Map(lines.map((l) => [l.id, l]));
  for (const line of lines) {
    const flags = line.flags.filter((f) => f !== "myself");
    const known = targets.find((t) => t.address === line.address);
    const problem = describeFlags(flags);
    if (known) {
      known.flags = flags;
      continue;
    }
    if (line.address === "" || line.address.startsWith(":")) continue;
    const isReplica = flags.includes("slave");
    const master = isReplica ? (byId.get(line.masterId)?.address ?? null) : null;
    targets.push({
      address: line.address,
      role: isReplica ? "replica" : "master",
      master,
      slots: isReplica ? (byId.get(line.masterId)?.slots ?? []) : line.slots,
      flags,
      client: problem ? null : serverConnection(instance, line.address),
      ...(problem ? { error: `not answering: ${problem}` } : {}),
    });
  }
  return targets;
}

async function sentinelTargets(
  instance: InstanceConfig,
): Promise<{ targets: Target[]; sentinel: SentinelReading }> {
  try {
    const view = await sentinelView(instance);
    const targets: Target[] = [
      {
        address: view.master,
        role: "master",
        master: null,
        slots: [],
        flags: [],
        client: serverConnection(instance, view.master),
      },
      ...view.replicas.map((r) => ({
        address: r.address,
        role: "replica" as const,
        master: view.master,
        slots: [],
        flags: r.flags,
        client: serverConnection(instance, r.address),
      })),
    ];
    return {
      targets,
      sentinel: {
        master: view.master,
        replicas: view.replicas,
        sentinels: view.sentinels,
        configEpoch: view.configEpoch,
        error: null,
      },
    };
  } catch (err) {
    return {
      targets: [],
      sentinel: {
        master: null,
        replicas: [],
        sentinels: 0,
        configEpoch: null,
        error: `no sentinel answered: ${describeRedisError(err)}`,
      },
    };
  }
}

/** Replicas get their lag from their master's INFO (its `slaveN` line) and the offset difference. */
function linkReplicas(readings: { target: Target; raw: RawNodeSample | null }[]): void {
  for (const { target, raw } of readings) {
    if (!raw || raw.sample.role !== "replica") continue;
    const master = readings.find(
      (r) => r.target.address === target.master && r.raw?.sample.role === "master",
    );
    const line = master?.raw?.replicaLines.get(target.address);
    if (line) raw.sample.replication.lagSeconds = line.lag;
    const masterOffset = master?.raw?.offset ?? null;
    if (masterOffset !== null && raw.offset !== null)
      raw.sample.replication.offsetBehind = Math.max(0, masterOffset - raw.offset);
  }
}

/**
 * Every server of the instance read at once. Throws only when the instance has no node to ask
 * (the cluster client cannot connect to any seed); a node that fails is a reading with its error.
 */
export async function readInstance(instance: InstanceConfig, now = Date.now()): Promise<InstanceReading> {
  const kind = instanceKind(instance);
  let targets: Target[];
  let sentinel: SentinelReading | null = null;
  if (kind === "cluster") {
    targets = await clusterTargets(instance);
  } else if (kind === "sentinel") {
    ({ targets, sentinel } = await sentinelTargets(instance));
  } else {
    const [node] = await keyspaceNodes(instance);
    targets = node
      ? [{ address: node.address, role: "master", master: null, slots: [], flags: [], client: node.client }]
      : [];
  }
  const readings = await Promise.all(
    targets.map(async (target) => {
      if (!target.client)
        return { target, raw: null, error: target.error ?? "not answering", failure: undefined };
      try {
        const raw = await withTimeout(
          readNode(
            instance,
            target.client,
            target.address,
            now,
            kind === "cluster" && target.role === "master",
            true,
          ),
          NODE_READ_TIMEOUT_MS,
          `node ${target.address}`,
        );
        return { target, raw, error: null, failure: undefined };
      } catch (err) {
        const flagged = describeFlags(target.flags);
        const why = describeRedisError(err);
        return { target, raw: null, error: flagged ? `${why} (${flagged})` : why, failure: err };
      }
    }),
  );
  linkReplicas(readings);
  return {
    kind,
    sentinel,
    nodes: readings.map(({ target, raw, error, failure }) => ({
      address: target.address,
      // What the node says of itself wins over a slot map that has not caught up with a failover.
      role: raw?.sample.role ?? target.role,
      master: raw?.sample.role === "master" ? null : (raw?.sample.replication.masterAddress ?? target.master),
      slots: target.slots,
      flags: target.flags,
      sample: raw?.sample ?? null,
      error,
      ...(failure !== undefined ? { failure } : {}),
    })),
  };
}

function sumOrNull(values: (number | null)[]): number | null {
  if (values.length === 0 || values.some((v) => v === null)) return null;
  return values.reduce<number>((a, v) => a + (v ?? 0), 0);
}

/**
 * The instance as one server: one node's figures as they are, or a deployment's totals: memory,
 * maxmemory and keys over the masters (replicas hold copies), clients and counters over every node
 * that answered. Throws when no node answered (with the first node's error).
 */
export function totalsOf(reading: InstanceReading, instanceId: string): RedisSample {
  const answered = reading.nodes.filter((n) => n.sample !== null);
  const first = answered[0]?.sample;
  if (!first) {
    const only = reading.nodes.length === 1 ? reading.nodes[0] : undefined;
    if (only?.failure !== undefined && reading.kind === "standalone")
      throw toRedisError(only.failure, { instanceId });
    const why =
      reading.sentinel?.error ??
      (reading.nodes.map((n) => `node ${n.address}: ${n.error ?? "no answer"}`).join("; ") ||
        "no node to ask");
    throw new RedisError("unreachable", reading.nodes.length > 1 ? `no node answered: ${why}` : why, {
      instanceId,
      raw: why,
    });
  }
  if (reading.nodes.length === 1) {
    const {
      role: _r,
      replication: _l,
      clusterState: _c,
      redisVersion: _v,
      persistence: _p,
      commands: _m,
      ...one
    } = first;
    return one;
  }
  const samples = answered.map((n) => n.sample as NodeSample);
  const masters = samples.filter((s) => s.role === "master");
  const sum = (list: NodeSample[], f: (s: NodeSample) => number) => list.reduce((a, s) => a + f(s), 0);
  return {
    runId: samples.map((s) => s.runId).join(","),
    uptimeSeconds: Math.min(...samples.map((s) => s.uptimeSeconds)),
    usedBytes: sum(masters, (s) => s.usedBytes),
    maxBytes: sumOrNull(masters.map((s) => s.maxBytes)),
    connectedClients: sum(samples, (s) => s.connectedClients),
    maxClients: sumOrNull(samples.map((s) => s.maxClients)),
    latencyMs: Math.max(...samples.map((s) => s.latencyMs)),
    keys: sum(masters, (s) => s.keys),
    evictedKeys: sum(samples, (s) => s.evictedKeys),
    expiredKeys: sum(samples, (s) => s.expiredKeys),
    keyspaceHits: sum(samples, (s) => s.keyspaceHits),
    keyspaceMisses: sum(samples, (s) => s.keyspaceMisses),
    totalCommands: sum(samples, (s) => s.totalCommands),
  };
}

/**
 * One sample of the instance as a whole (the review's maxmemory, the instances page): a standalone
 * server's figures, or the totals over every node of a cluster or sentinel deployment.
 */
export async function readSample(instance: InstanceConfig, now = Date.now()): Promise<RedisSample> {
  if (instanceKind(instance) === "standalone") {
    return withRedis(instance, async (redis) => {
      if (isCluster(redis)) throw new Error("a standalone instance got a cluster client");
      const { sample } = await readNode(instance, redis, "standalone", now, false);
      const {
        role: _r,
        replication: _l,
        clusterState: _c,
        redisVersion: _v,
        persistence: _p,
        commands: _m,
        ...one
      } = sample;
      return one;
    });
  }
  return totalsOf(await readInstance(instance, now), instance.id);
}
