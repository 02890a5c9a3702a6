// The servers behind an instance. Above lib/redis an instance is one thing with a node list: a
// standalone server or a Sentinel-managed master is one node, a Redis Cluster is its masters (each
// with its slot ranges) and their replicas. Node-level work goes through here: SCAN walks every
// master (keyspaceNodes), INFO reads every server (allNodes), and key batches are split per node
// (groupByNode) because a cluster refuses a pipeline or a multi-key command that spans nodes.
import "server-only";
import calculateSlot from "cluster-key-slot";
import type { Cluster, default as Redis } from "ioredis";
import type { InstanceConfig } from "@/lib/config";
import {
  getClient,
  instanceKind,
  isCluster,
  sentinelConnection,
  serverConnection,
  type ConnectionPurpose,
  type KeyClient,
} from "./connection";
import { classifyRedisError, RedisError, toRedisError } from "./errors";

export const CLUSTER_SLOTS = 16384;

/** One server of an instance. */
export interface RedisNode {
  /** "host:port" as the cluster or the sentinels announce it (or as configured for a standalone). */
  address: string;
  role: "master" | "replica";
  /** Cluster: the slot ranges it serves (a replica: its master's), inclusive. Empty outside a cluster. */
  slots: [number, number][];
  /** A replica's master address. */
  master?: string;
  client: Redis;
}

function nodeKeyOf(redis: Redis): string {
  return `${redis.options.host}:${redis.options.port}`;
}

/** Contiguous ranges from a sorted list of slots. */
export function slotRanges(slots: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const s of slots) {
    const last = out[out.length - 1];
    if (last && last[1] === s - 1) last[1] = s;
    else out.push([s, s]);
  }
  return out;
}

/** "0-5460, 10923-16383": ranges as an operator reads them. */
export function describeSlots(ranges: [number, number][]): string {
  return ranges.map(([a, b]) => (a === b ? String(a) : `${a}-${b}`)).join(", ");
}

export function slotCount(ranges: [number, number][]): number {
  return ranges.reduce((n, [a, b]) => n + b - a + 1, 0);
}

interface ClusterShape {
  /** Master address -> its slots and replicas, from the client's slot map. */
  masters: Map<string, { slots: number[]; replicas: Set<string> }>;
  /** Slots no node serves. */
  uncovered: number[];
}

function clusterShape(cluster: Cluster): ClusterShape {
  const masters = new Map<string, { slots: number[]; replicas: Set<string> }>();
  const uncovered: number[] = [];
  for (let slot = 0; slot < CLUSTER_SLOTS; slot++) {
    const owners = cluster.slots[slot];
    const master = owners?.[0];
    if (!master) {
      uncovered.push(slot);
      continue;
    }
    let entry = masters.get(master);
    if (!entry) masters.set(master, (entry = { slots: [], replicas: new Set() }));
    entry.slots.push(slot);
    for (const r of owners.slice(1)) entry.replicas.add(r);
  }
  return { masters, uncovered };
}

function clusterConnection(cluster: Cluster, address: string, instanceId: string): Redis {
  const redis = cluster.nodes("all").find((r) => nodeKeyOf(r) === address);
  if (!redis) {
    const message = `cluster node ${address} has no connection (the slot map is changing)`;
    throw new RedisError("unreachable", message, { instanceId, raw: message });
  }
  return redis;
}

/** The slots no master serves, in a cluster instance ([] elsewhere). */
export async function uncoveredSlots(instance: InstanceConfig): Promise<[number, number][]> {
  if (instanceKind(instance) !== "cluster") return [];
  const client = await getClient(instance);
  return isCluster(client) ? slotRanges(clusterShape(client).uncovered) : [];
}

function standaloneAddress(instance: InstanceConfig, purpose: ConnectionPurpose): string {
  const url = new URL(purpose === "scan" && instance.scanUrl ? instance.scanUrl : instance.url);
  return `${url.hostname.replace(/^\[|\]$/g, "")}:${url.port || "6379"}`;
}

/** Where a connection really goes (a sentinel-managed client moves on failover). */
function connectedAddress(redis: Redis, fallback: string): string {
  const stream = redis.stream as { remoteAddress?: string; remotePort?: number } | undefined;
  return stream?.remoteAddress && stream.remotePort
    ? `${stream.remoteAddress}:${stream.remotePort}`
    : fallback;
}

/**
 * The nodes that together hold the keyspace once: the one server of a standalone or sentinel
 * instance, or every master of a cluster. With `purpose: "scan"` and scans on replicas, a cluster
 * gives one replica per master where it has one (its connection sends READONLY) and the master
 * where it has none.
 */
export async function keyspaceNodes(
  instance: InstanceConfig,
  { purpose = "main" }: { purpose?: ConnectionPurpose } = {},
): Promise<RedisNode[]> {
  const client = await getClient(instance, { purpose });
  if (!isCluster(client)) {
    const role = purpose === "scan" && instance.scanFrom === "replicas" ? "replica" : "master";
    return [
      {
        address: connectedAddress(client, standaloneAddress(instance, purpose)),
        role: instanceKind(instance) === "standalone" ? "master" : role,
        slots: [],
        client,
      },
    ];
  }
  const { masters } = clusterShape(client);
  const onReplicas = purpose === "scan" && instance.scanFrom === "replicas";
  // A replica that is up by CLUSTER NODES (CLUSTER SLOTS leaves out one that has not replicated yet).
  const healthy = onReplicas ? await healthyReplicas(instance) : new Map<string, string>();
  return [...masters].map(([address, { slots, replicas }]) => {
    const replica = onReplicas ? ([...replicas][0] ?? healthy.get(address)) : undefined;
    const pooled = replica ? client.nodes("slave").find((r) => nodeKeyOf(r) === replica) : undefined;
    return {
      address: replica ?? address,
      role: replica ? "replica" : "master",
      slots: slotRanges(slots),
      ...(replica ? { master: address } : {}),
      client: replica
        ? (pooled ?? serverConnection(instance, replica, { readOnly: true }))
        : clusterConnection(client, address, instance.id),
    };
  });
}

/** Master address -> one of its replicas that CLUSTER NODES shows connected and not failing. */
async function healthyReplicas(instance: InstanceConfig): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const line of (await readClusterNodes(instance)) ?? []) {
    const bad = line.flags.some((f) => f === "fail" || f === "fail?" || f === "noaddr" || f === "handshake");
    if (!bad && line.flags.includes("slave") && line.masterAddress && !out.has(line.masterAddress)) {
      out.set(line.masterAddress, line.address);
    }
  }
  return out;
}

/** What the sentinels say about a monitored master. */
export interface SentinelView {
  master: string;
  replicas: { address: string; flags: string[] }[];
  /** Sentinels that know the master (this one included). */
  sentinels: number;
  /** Bumped by every failover. */
  configEpoch: number | null;
  /** The sentinel that answered. */
  via: string;
}

function pairs(reply: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(reply)) return out;
  for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = String(reply[i + 1]);
  return out;
}

/** Asks the sentinels (first that answers) for the master, its replicas and the quorum's size. */
export async function sentinelView(instance: InstanceConfig): Promise<SentinelView> {
  const sentinel = instance.sentinel;
  if (!sentinel) throw new Error(`instance ${instance.id} is not a sentinel instance`);
  let lastError: unknown;
  for (const { host, port } of sentinel.addresses) {
    const via = `${host}:${port}`;
    const redis = sentinelConnection(instance, { host, port });
    try {
      const master = pairs(await redis.call("SENTINEL", "MASTER", sentinel.masterName));
      const replicas = (await redis.call("SENTINEL", "REPLICAS", sentinel.masterName)) as unknown[];
      return {
        master: `${master.ip}:${master.port}`,
        replicas: replicas.map((r) => {
          const p = pairs(r);
          return { address: `${p.ip}:${p.port}`, flags: (p.flags ?? "").split(",").filter(Boolean) };
        }),
        sentinels: Number(master["num-other-sentinels"] ?? 0) + 1,
        configEpoch: master["config-epoch"] !== undefined ? Number(master["config-epoch"]) : null,
        via,
      };
    } catch (err) {
      lastError = err;
    }
  }
  throw toRedisError(lastError ?? new Error("no sentinel answered"), { instanceId: instance.id });
}

/**
 * Every server of the instance, masters first: for INFO sampling and per-node checks. A standalone
 * instance is its one server; a sentinel instance its current master and the replicas the sentinels
 * list (disconnected ones included: their INFO fails and says so); a cluster every node in the slot map.
 */
export async function allNodes(instance: InstanceConfig): Promise<RedisNode[]> {
  const kind = instanceKind(instance);
  if (kind === "cluster") {
    const client = await getClient(instance);
    if (!isCluster(client)) return keyspaceNodes(instance);
    const { masters } = clusterShape(client);
    const out: RedisNode[] = [];
    const replicas: RedisNode[] = [];
    const connection = (address: string) =>
      client.nodes("all").find((r) => nodeKeyOf(r) === address) ?? serverConnection(instance, address);
    for (const [address, { slots, replicas: rs }] of masters) {
      const ranges = slotRanges(slots);
      out.push({ address, role: "master", slots: ranges, client: connection(address) });
      for (const r of rs) {
        replicas.push({ address: r, role: "replica", slots: ranges, master: address, client: connection(r) });
      }
    }
    // CLUSTER SLOTS leaves out replicas that have not replicated yet and nodes flagged as failing:
    // CLUSTER NODES lists them, so a node that is down is read (and reported) instead of missing.
    const known = new Set([...out, ...replicas].map((n) => n.address));
    for (const line of (await readClusterNodes(instance)) ?? []) {
      if (known.has(line.address) || line.address === "" || line.flags.includes("noaddr")) continue;
      known.add(line.address);
      const master = line.masterId ? line.masterAddress : undefined;
      const node: RedisNode = {
        address: line.address,
        role: line.flags.includes("slave") ? "replica" : "master",
        slots: master ? (out.find((m) => m.address === master)?.slots ?? []) : [],
        ...(master ? { master } : {}),
        client: connection(line.address),
      };
      (node.role === "master" ? out : replicas).push(node);
    }
    return [...out, ...replicas];
  }
  const [master] = await keyspaceNodes(instance);
  if (!master) return [];
  if (kind !== "sentinel") return [master];
  const view = await sentinelView(instance);
  return [
    { ...master, address: view.master },
    ...view.replicas.map((r) => ({
      address: r.address,
      role: "replica" as const,
      slots: [],
      master: view.master,
      client: serverConnection(instance, r.address),
    })),
  ];
}

/** One line of CLUSTER NODES. */
export interface ClusterNodeLine {
  id: string;
  address: string;
  flags: string[];
  masterId?: string;
  masterAddress?: string;
}

/**
 * CLUSTER NODES asked of the first master that answers, parsed; undefined outside a cluster or when
 * no master may run it (ACL +cluster|nodes).
 */
export async function readClusterNodes(instance: InstanceConfig): Promise<ClusterNodeLine[] | undefined> {
  if (instanceKind(instance) !== "cluster") return undefined;
  for (const node of await keyspaceNodes(instance)) {
    let text: string;
    try {
      text = String(await node.client.call("CLUSTER", "NODES"));
    } catch {
      continue;
    }
    const rows = text
      .split(/\r?\n/)
      .map((line) => line.trim().split(" "))
      .filter((parts) => parts.length >= 8);
    const addressOf = (parts: string[]) => (parts[1] ?? "").split(/[@,]/)[0] ?? "";
    const byId = new Map(rows.map((parts) => [parts[0] ?? "", addressOf(parts)]));
    return rows.map((parts) => {
      const masterId = parts[3] && parts[3] !== "-" ? parts[3] : undefined;
      return {
        id: parts[0] ?? "",
        address: addressOf(parts),
        flags: (parts[2] ?? "").split(","),
        ...(masterId ? { masterId, masterAddress: byId.get(masterId) } : {}),
      };
    });
  }
  return undefined;
}

/** The cluster slot of a key (hash tags respected). */
export function keySlot(key: Buffer | string): number {
  return calculateSlot(key);
}

/**
 * Splits items into groups whose keys live on one node (one group outside a cluster), so each group
 * can be one pipeline. Keys of slots no node serves form their own group: sending it fails with a
 * classified error instead of a silent skip.
 */
export function groupByNode<T>(client: KeyClient, items: T[], keyOf: (item: T) => Buffer | string): T[][] {
  if (!isCluster(client) || items.length === 0) return items.length === 0 ? [] : [items];
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const node = client.slots[keySlot(keyOf(item))]?.[0] ?? "";
    let group = groups.get(node);
    if (!group) groups.set(node, (group = []));
    group.push(item);
  }
  return [...groups.values()];
}

/** Runs `fn` on every keyspace node at once; the first failure is classified and names its node. */
export async function onEveryKeyspaceNode<T>(
  instance: InstanceConfig,
  fn: (node: RedisNode) => Promise<T>,
  options?: { purpose?: ConnectionPurpose },
): Promise<{ node: RedisNode; value: T }[]> {
  const nodes = await keyspaceNodes(instance, options);
  return Promise.all(
    nodes.map(async (node) => {
      try {
        return { node, value: await fn(node) };
      } catch (err) {
        throw atNode(err, instance, node, nodes.length);
      }
    }),
  );
}

/** A Redis failure on one node of several, with the node named in its message. */
export function atNode(err: unknown, instance: InstanceConfig, node: RedisNode, nodes: number): unknown {
  if (nodes <= 1) return toRedisError(err, { instanceId: instance.id });
  const classified = classifyRedisError(err, { instanceId: instance.id });
  if (!classified) return err;
  if (classified.message.includes(node.address)) return classified;
  return new RedisError(
    classified.kind,
    `node ${node.address}: ${classified.message}`,
    {
      instanceId: instance.id,
      command: classified.command,
      code: classified.code,
      keyDenied: classified.keyDenied,
      raw: classified.raw,
    },
    { cause: err },
  );
}

/** A cluster node the cluster itself flags as failing: CLUSTER SLOTS (and so allNodes) leaves it out. */
export interface DownNode {
  address: string;
  role: "master" | "replica";
  /** A replica's master address, when the cluster still knows it. */
  master?: string;
  /** The CLUSTER NODES flags, e.g. "slave,fail". */
  flags: string;
}

/**
 * Cluster nodes flagged `fail`, `fail?` or `noaddr` in CLUSTER NODES, asked of the first master that
 * answers: per-node reads name them instead of missing them silently. [] outside a cluster, and
 * when no master may run CLUSTER NODES (ACL +cluster|nodes).
 */
export async function downNodes(instance: InstanceConfig): Promise<DownNode[]> {
  const lines = await readClusterNodes(instance);
  return (lines ?? [])
    .filter((line) => line.flags.some((f) => f === "fail" || f === "fail?" || f === "noaddr"))
    .map((line): DownNode => {
      const replica = line.flags.includes("slave");
      return {
        address: line.address,
        role: replica ? "replica" : "master",
        ...(replica && line.masterAddress ? { master: line.masterAddress } : {}),
        flags: line.flags.join(","),
      };
    });
}
