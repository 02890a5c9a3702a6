// The `metric_node_samples` table: one row per node of an instance per sampler attempt, beside the
// instance's totals in metric_samples (same `t`). Kept as long as the raw samples (48 h default);
// the overview's node table, the per-node alerts and the Prometheus `node` series read it.
import "server-only";
import type { NodePersistence } from "@/lib/redis/sample";
import { upsertSql, type Db } from "./db";
import { pruneBefore } from "./prune";
import {
  READING_COLUMNS,
  readingFromRow,
  readingValues,
  type ReadingRow,
  type StoredReading,
} from "./readings";

export interface StoredNodeSample extends StoredReading {
  instanceId: string;
  t: number;
  /** "host:port". */
  node: string;
  role: "master" | "replica";
  master: string | null;
  slots: [number, number][];
  flags: string[];
  linkStatus: "up" | "down" | null;
  linkDownSeconds: number | null;
  lagSeconds: number | null;
  offsetBehind: number | null;
  connectedReplicas: number | null;
  clusterState: string | null;
  /** INFO persistence and CONFIG GET save at the sample; absent or null when not read. */
  persistence?: NodePersistence | null;
}

interface Row extends ReadingRow {
  instance_id: string;
  t: number;
  node: string;
  role: string;
  master: string | null;
  slots: string;
  flags: string;
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
    ...readingFromRow(r),
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
  ...READING_COLUMNS,
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
        ...readingValues(s),
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
  return pruneBefore(db, "metric_node_samples", instanceId, before, limit);
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
