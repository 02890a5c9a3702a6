// The `metric_samples` table: one row per sampler attempt per instance (raw history, kept 48 h by
// default). Reachable rows carry gauges, raw counters and the deltas since the previous sample (the
// reading columns of lib/store/readings.ts); for a cluster or sentinel deployment they are the totals
// over its nodes (lib/store/node-samples.ts has each node's own row) and `topology` says which nodes
// they cover.
import "server-only";
import { upsertSql, type Db } from "./db";
import { pruneBefore } from "./prune";
import {
  READING_COLUMNS,
  readingFromRow,
  readingValues,
  type ReadingRow,
  type StoredReading,
} from "./readings";

export type { Deltas } from "./readings";

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

export interface StoredSample extends StoredReading {
  instanceId: string;
  /** Milliseconds since the epoch. */
  t: number;
  uptimeSeconds: number | null;
  /** Absent on rows from before nodes were sampled, and on a standalone instance's rows in tests. */
  topology?: SampleTopology | null;
}

interface Row extends ReadingRow {
  instance_id: string;
  t: number;
  uptime_seconds: number | null;
  topology?: string | null;
}

function fromRow(r: Row): StoredSample {
  return {
    instanceId: r.instance_id,
    t: r.t,
    ...readingFromRow(r),
    uptimeSeconds: r.uptime_seconds,
    topology: r.topology ? (JSON.parse(r.topology) as SampleTopology) : null,
  };
}

const SAMPLE_COLUMNS = ["instance_id", "t", ...READING_COLUMNS, "uptime_seconds", "topology"];

export async function insertSample(db: Db, s: StoredSample): Promise<void> {
  await db
    .prepare(upsertSql("metric_samples", SAMPLE_COLUMNS, ["instance_id", "t"]))
    .run(
      s.instanceId,
      s.t,
      ...readingValues(s),
      s.uptimeSeconds,
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
  return pruneBefore(db, "metric_samples", instanceId, before, limit);
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
