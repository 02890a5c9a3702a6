// The `metric_node_samples` table: one row per node of an instance per sampler attempt, beside the
// instance's totals in metric_samples (same `t`). Kept as long as the raw samples (48 h default);
// the overview's node table, the per-node alerts and the Prometheus `node` series read it.
import "server-only";
import type { Deltas } from "./samples";
import type { NodePersistence } from "@/lib/redis/sample";
import { upsertSql, type Db } from "./db";

export interface StoredNodeSample {
  instanceId: string;
  t: number;
  /** "host:port". */
  node: string;
  role: "master" | "replica";
  master: string | null;
  slots: [number, number][];
  flags: string[];
  reachable: boolean;
  error: string | null;
  runId: string | null;
  usedBytes: number | null;
  maxBytes: number | null;
  connectedClients: number | null;
  maxClients: number | null;
  latencyMs: number | null;
  keys: number | null;
  evictedKeys: number | null;
  expiredKeys: number | null;
  keyspaceHits: number | null;
  keyspaceMisses: number | null;
  totalCommands: number | null;
  deltas: Deltas | null;
  linkStatus: "up" | "down" | null;
  linkDownSeconds: number | null;
  lagSeconds: number | null;
  offsetBehind: number | null;
  connectedReplicas: number | null;
  clusterState: string | null;
  /** INFO persistence and CONFIG GET save at the sample; absent or null when not read. */
  persistence?: NodePersistence | null;
}

interface Row {
  instance_id: string;
  t: number;
  node: string;
  role: string;
  master: string | null;
  slots: string;
  flags: string;
  reachable: number;
  error: string | null;
  run_id: string | null;
  used_bytes: number | null;
  max_bytes: number | null;
  connected_clients: number | null;
  max_clients: number | null;
  latency_ms: number | null;
  keys: number | null;
  evicted_keys: number | null;
  expired_keys: number | null;
  keyspace_hits: number | null;
  keyspace_misses: number | null;
  total_commands: number | null;
  delta_ms: number | null;
  d_evicted: number | null;
  d_expired: number | null;
  d_hits: number | null;
  d_misses: number | null;
  d_commands: number | null;
  link_status: string | null;
  link_down_seconds: number | null;
  lag_seconds: number | null;
  offset_behind: number | null;
  connected_replicas: number | null;
  cluster_state: string | null;
  persistence?: string | null;
}

function fromRow(r: Row): StoredNodeSample {
  return {
    instanceId: r.instance_id,
    t: r.t,
    node: r.node,
    role: r.role === "replica" ? "replica" : "master",
    master: r.master,
    slots: JSON.parse(r.slots) as [number, number][],
    flags: JSON.parse(r.flags) as string[],
    reachable: r.reachable === 1,
    error: r.error,
    runId: r.run_id,
    usedBytes: r.used_bytes,
    maxBytes: r.max_bytes,
    connectedClients: r.connected_clients,
    maxClients: r.max_clients,
    latencyMs: r.latency_ms,
    keys: r.keys,
    evictedKeys: r.evicted_keys,
    expiredKeys: r.expired_keys,
    keyspaceHits: r.keyspace_hits,
    keyspaceMisses: r.keyspace_misses,
    totalCommands: r.total_commands,
    deltas:
      r.delta_ms === null
        ? null
        : {
            ms: r.delta_ms,
            evicted: r.d_evicted ?? 0,
            expired: r.d_expired ?? 0,
            hits: r.d_hits ?? 0,
            misses: r.d_misses ?? 0,
            commands: r.d_commands ?? 0,
          },
    linkStatus: r.link_status === "up" ? "up" : r.link_status === "down" ? "down" : null,
    linkDownSeconds: r.link_down_seconds,
    lagSeconds: r.lag_seconds,
    offsetBehind: r.offset_behind,
    connectedReplicas: r.connected_replicas,
    clusterState: r.cluster_state,
    persistence: r.persistence ? (JSON.parse(r.persistence) as NodePersistence) : null,
  };
}

const NODE_COLUMNS = [
  "instance_id",
  "t",
  "node",
  "role",
  "master",
  "slots",
  "flags",
  "reachable",
  "error",
  "run_id",
  "used_bytes",
  "max_bytes",
  "connected_clients",
  "max_clients",
  "latency_ms",
  "keys",
  "evicted_keys",
  "expired_keys",
  "keyspace_hits",
  "keyspace_misses",
  "total_commands",
  "delta_ms",
  "d_evicted",
  "d_expired",
  "d_hits",
  "d_misses",
  "d_commands",
  "link_status",
  "link_down_seconds",
  "lag_seconds",
  "offset_behind",
  "connected_replicas",
  "cluster_state",
  "persistence",
];

export async function insertNodeSamples(db: Db, rows: StoredNodeSample[]): Promise<void> {
  const sql = upsertSql("metric_node_samples", NODE_COLUMNS, ["instance_id", "t", "node"]);
  await db.transaction(async (tx) => {
    const stmt = tx.prepare(sql);
    for (const s of rows) {
      await stmt.run(
        s.instanceId,
        s.t,
        s.node,
        s.role,
        s.master,
        JSON.stringify(s.slots),
        JSON.stringify(s.flags),
        s.reachable ? 1 : 0,
        s.error,
        s.runId,
        s.usedBytes,
        s.maxBytes,
        s.connectedClients,
        s.maxClients,
        s.latencyMs,
        s.keys,
        s.evictedKeys,
        s.expiredKeys,
        s.keyspaceHits,
        s.keyspaceMisses,
        s.totalCommands,
        s.deltas?.ms ?? null,
        s.deltas?.evicted ?? null,
        s.deltas?.expired ?? null,
        s.deltas?.hits ?? null,
        s.deltas?.misses ?? null,
        s.deltas?.commands ?? null,
        s.linkStatus,
        s.linkDownSeconds,
        s.lagSeconds,
        s.offsetBehind,
        s.connectedReplicas,
        s.clusterState,
        s.persistence ? JSON.stringify(s.persistence) : null,
      );
    }
  });
}

/** Node rows with from <= t <= to, oldest first (nodes in address order within one t). */
export async function nodeSamplesBetween(
  db: Db,
  instanceId: string,
  from: number,
  to: number,
): Promise<StoredNodeSample[]> {
  const rows = (await db
    .prepare("SELECT * FROM metric_node_samples WHERE instance_id = ? AND t >= ? AND t <= ? ORDER BY t, node")
    .all(instanceId, from, to)) as Row[];
  return rows.map(fromRow);
}

/** The node rows of the instance's newest sample that has any: the nodes as last seen, reachable or not. */
export async function latestNodeSet(db: Db, instanceId: string): Promise<StoredNodeSample[]> {
  const rows = (await db
    .prepare(
      `SELECT * FROM metric_node_samples WHERE instance_id = ?
         AND t = (SELECT MAX(t) FROM metric_node_samples WHERE instance_id = ?) ORDER BY node`,
    )
    .all(instanceId, instanceId)) as Row[];
  return rows.map(fromRow);
}

/** Deletes node rows older than `before`, at most about `limit` sample times at once; returns the rows deleted. */
export async function pruneNodeSamples(
  db: Db,
  instanceId: string,
  before: number,
  limit = 500,
): Promise<number> {
  const edge = (await db
    .prepare(
      "SELECT DISTINCT t FROM metric_node_samples WHERE instance_id = ? AND t < ? ORDER BY t LIMIT 1 OFFSET ?",
    )
    .get(instanceId, before, limit - 1)) as { t: number } | undefined;
  const upTo = edge ? edge.t + 1 : before;
  const { changes } = await db
    .prepare("DELETE FROM metric_node_samples WHERE instance_id = ? AND t < ?")
    .run(instanceId, Math.min(upTo, before));
  return changes;
}

export interface MetricEvent {
  t: number;
  kind: "failover";
  /** Failover: the master before and after, and the sentinels' config epoch when known. */
  detail: { from: string | null; to: string; configEpoch?: number | null; slots?: string };
}

export async function insertEvent(db: Db, instanceId: string, event: MetricEvent): Promise<void> {
  await db
    .prepare(upsertSql("metric_events", ["instance_id", "t", "kind", "detail"], ["instance_id", "t", "kind"]))
    .run(instanceId, event.t, event.kind, JSON.stringify(event.detail));
}

/** Events with from <= t <= to, oldest first. */
export async function eventsBetween(
  db: Db,
  instanceId: string,
  from: number,
  to: number,
): Promise<MetricEvent[]> {
  const rows = (await db
    .prepare(
      "SELECT t, kind, detail FROM metric_events WHERE instance_id = ? AND t >= ? AND t <= ? ORDER BY t",
    )
    .all(instanceId, from, to)) as { t: number; kind: string; detail: string }[];
  return rows.map((r) => ({
    t: r.t,
    kind: "failover",
    detail: JSON.parse(r.detail) as MetricEvent["detail"],
  }));
}

export async function latestEvent(db: Db, instanceId: string): Promise<MetricEvent | null> {
  const row = (await db
    .prepare("SELECT t, kind, detail FROM metric_events WHERE instance_id = ? ORDER BY t DESC LIMIT 1")
    .get(instanceId)) as { t: number; kind: string; detail: string } | undefined;
  return row ? { t: row.t, kind: "failover", detail: JSON.parse(row.detail) as MetricEvent["detail"] } : null;
}

export async function pruneEvents(db: Db, instanceId: string, before: number): Promise<number> {
  const { changes } = await db
    .prepare("DELETE FROM metric_events WHERE instance_id = ? AND t < ?")
    .run(instanceId, before);
  return changes;
}
