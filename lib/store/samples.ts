// The `metric_samples` table: one row per sampler attempt per instance (raw history, kept 48 h by
// default). Reachable rows carry gauges, raw counters and the deltas since the previous sample; for a
// cluster or sentinel deployment they are the totals over its nodes (lib/store/node-samples.ts has
// each node's own row) and `topology` says which nodes they cover.
import "server-only";
import { upsertSql, type Db } from "./db";

export interface Deltas {
  /** Milliseconds between the two samples. */
  ms: number;
  evicted: number;
  expired: number;
  hits: number;
  misses: number;
  commands: number;
}

/** The deployment's shape at one sample (stored as JSON beside the totals). */
export interface SampleTopology {
  kind: "standalone" | "cluster" | "sentinel";
  /** Nodes asked, and the addresses of those that did not answer. */
  nodes: number;
  unanswered: string[];
  /** Nodes that answered without a rate this time (restarted, or first seen): the totals' rates are a gap. */
  rateGaps: string[];
  /** Cluster: cluster_state per master that answered CLUSTER INFO, when not "ok". */
  clusterNotOk: { node: string; state: string }[] | null;
  sentinel: {
    master: string | null;
    replicas: { address: string; flags: string[] }[];
    sentinels: number;
    configEpoch: number | null;
    error: string | null;
    /** Whether the master the sentinels name answered and says it is a master. */
    masterOk: boolean;
  } | null;
}

export interface StoredSample {
  instanceId: string;
  /** Milliseconds since the epoch. */
  t: number;
  reachable: boolean;
  error: string | null;
  runId: string | null;
  uptimeSeconds: number | null;
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
  /** Absent on rows from before nodes were sampled, and on a standalone instance's rows in tests. */
  topology?: SampleTopology | null;
}

interface Row {
  instance_id: string;
  t: number;
  reachable: number;
  error: string | null;
  run_id: string | null;
  uptime_seconds: number | null;
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
  topology?: string | null;
}

function fromRow(r: Row): StoredSample {
  return {
    instanceId: r.instance_id,
    t: r.t,
    reachable: r.reachable === 1,
    error: r.error,
    runId: r.run_id,
    uptimeSeconds: r.uptime_seconds,
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
    topology: r.topology ? (JSON.parse(r.topology) as SampleTopology) : null,
  };
}

const SAMPLE_COLUMNS = [
  "instance_id",
  "t",
  "reachable",
  "error",
  "run_id",
  "uptime_seconds",
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
  "topology",
];

export async function insertSample(db: Db, s: StoredSample): Promise<void> {
  await db
    .prepare(upsertSql("metric_samples", SAMPLE_COLUMNS, ["instance_id", "t"]))
    .run(
      s.instanceId,
      s.t,
      s.reachable ? 1 : 0,
      s.error,
      s.runId,
      s.uptimeSeconds,
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
      s.topology ? JSON.stringify(s.topology) : null,
    );
}

/** Samples with from <= t <= to, oldest first. */
export async function samplesBetween(
  db: Db,
  instanceId: string,
  from: number,
  to: number,
): Promise<StoredSample[]> {
  const rows = (await db
    .prepare("SELECT * FROM metric_samples WHERE instance_id = ? AND t >= ? AND t <= ? ORDER BY t")
    .all(instanceId, from, to)) as Row[];
  return rows.map(fromRow);
}

export async function latestSample(
  db: Db,
  instanceId: string,
  reachableOnly = false,
): Promise<StoredSample | null> {
  const row = (await db
    .prepare(
      `SELECT * FROM metric_samples WHERE instance_id = ? ${reachableOnly ? "AND reachable = 1" : ""} ORDER BY t DESC LIMIT 1`,
    )
    .get(instanceId)) as Row | undefined;
  return row ? fromRow(row) : null;
}

/**
 * Deletes samples older than `before`, at most `limit` rows; returns how many it deleted, so a
 * caller can loop in small transactions and let requests in between.
 */
export async function pruneSamples(
  db: Db,
  instanceId: string,
  before: number,
  limit = 2000,
): Promise<number> {
  const edge = (await db
    .prepare("SELECT t FROM metric_samples WHERE instance_id = ? AND t < ? ORDER BY t LIMIT 1 OFFSET ?")
    .get(instanceId, before, limit - 1)) as { t: number } | undefined;
  const upTo = edge ? edge.t + 1 : before;
  const result = await db
    .prepare("DELETE FROM metric_samples WHERE instance_id = ? AND t < ?")
    .run(instanceId, Math.min(upTo, before));
  return result.changes;
}

export async function oldestSampleT(db: Db, instanceId: string): Promise<number | null> {
  const row = (await db
    .prepare("SELECT MIN(t) AS t FROM metric_samples WHERE instance_id = ?")
    .get(instanceId)) as {
    t: number | null;
  };
  return row.t;
}

/** The time of the instance's newest sample (ms since the epoch); 0 when there is none. */
export async function newestSampleT(db: Db, instanceId: string): Promise<number> {
  const row = (await db
    .prepare("SELECT MAX(t) AS t FROM metric_samples WHERE instance_id = ?")
    .get(instanceId)) as {
    t: number | null;
  };
  return row.t ?? 0;
}
