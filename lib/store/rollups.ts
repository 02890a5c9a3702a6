// The `metric_rollups` table: one row per instance per minute, computed from raw samples once the
// minute is over; min/avg/max of gauges and sums of counter deltas. Kept 14 days by default.
import "server-only";
import { onConflictReplace, type Db } from "./db";
import { DELTA_COLUMNS, deltasFromRow, type Deltas } from "./readings";

/** A run of deltas summed (a window, a bucket, a rollup minute): the fields of one sample's deltas. */
export type DeltaSum = Deltas;

export interface Rollup {
  instanceId: string;
  /** Start of the minute, milliseconds since the epoch. */
  minute: number;
  samples: number;
  reachable: number;
  usedMin: number | null;
  usedAvg: number | null;
  usedMax: number | null;
  maxBytes: number | null;
  clientsMin: number | null;
  clientsAvg: number | null;
  clientsMax: number | null;
  maxClients: number | null;
  latencyAvg: number | null;
  latencyMax: number | null;
  keys: number | null;
  deltas: DeltaSum;
}

const MINUTE = 60_000;

const ROLLUP_COLUMNS = [
  "instance_id",
  "minute",
  "samples",
  "reachable",
  "used_min",
  "used_avg",
  "used_max",
  "max_bytes",
  "clients_min",
  "clients_avg",
  "clients_max",
  "max_clients",
  "latency_avg",
  "latency_max",
  "keys",
  ...DELTA_COLUMNS,
];

/**
 * (Re)computes the rollups of every minute in [fromMinute, toMinute) from raw samples, in one
 * statement. Idempotent: a minute rolled up twice gets the same row. instance_id is grouped too:
 * PostgreSQL, unlike SQLite, refuses a selected column that is neither grouped nor aggregated.
 */
export async function rollUp(
  db: Db,
  instanceId: string,
  fromMinute: number,
  toMinute: number,
): Promise<number> {
  const result = await db
    .prepare(
      `INSERT INTO metric_rollups (${ROLLUP_COLUMNS.join(", ")})
       SELECT instance_id, (t / ${MINUTE}) * ${MINUTE} AS m, COUNT(*), SUM(reachable),
         MIN(used_bytes), AVG(used_bytes), MAX(used_bytes), MAX(max_bytes),
         MIN(connected_clients), AVG(connected_clients), MAX(connected_clients), MAX(max_clients),
         AVG(latency_ms), MAX(latency_ms), MAX(keys),
         COALESCE(SUM(delta_ms), 0), COALESCE(SUM(d_evicted), 0), COALESCE(SUM(d_expired), 0),
         COALESCE(SUM(d_hits), 0), COALESCE(SUM(d_misses), 0), COALESCE(SUM(d_commands), 0)
       FROM metric_samples
       WHERE instance_id = ? AND t >= ? AND t < ?
       GROUP BY instance_id, m
       ${onConflictReplace(ROLLUP_COLUMNS, ["instance_id", "minute"])}`,
    )
    .run(instanceId, fromMinute, toMinute);
  return result.changes;
}

/** The first minute not yet rolled up (the minute after the newest rollup), or null if none exists. */
export async function rollupWatermark(db: Db, instanceId: string): Promise<number | null> {
  const row = (await db
    .prepare("SELECT MAX(minute) AS m FROM metric_rollups WHERE instance_id = ?")
    .get(instanceId)) as {
    m: number | null;
  };
  return row.m === null ? null : row.m + MINUTE;
}

interface Row {
  instance_id: string;
  minute: number;
  samples: number;
  reachable: number;
  used_min: number | null;
  used_avg: number | null;
  used_max: number | null;
  max_bytes: number | null;
  clients_min: number | null;
  clients_avg: number | null;
  clients_max: number | null;
  max_clients: number | null;
  latency_avg: number | null;
  latency_max: number | null;
  keys: number | null;
  delta_ms: number;
  d_evicted: number;
  d_expired: number;
  d_hits: number;
  d_misses: number;
  d_commands: number;
}

/** Rollups with from <= minute < to, oldest first. */
export async function rollupsBetween(
  db: Db,
  instanceId: string,
  from: number,
  to: number,
): Promise<Rollup[]> {
  const rows = (await db
    .prepare(
      "SELECT * FROM metric_rollups WHERE instance_id = ? AND minute >= ? AND minute < ? ORDER BY minute",
    )
    .all(instanceId, from, to)) as Row[];
  return rows.map((r) => ({
    instanceId: r.instance_id,
    minute: r.minute,
    samples: r.samples,
    reachable: r.reachable,
    usedMin: r.used_min,
    usedAvg: r.used_avg,
    usedMax: r.used_max,
    maxBytes: r.max_bytes,
    clientsMin: r.clients_min,
    clientsAvg: r.clients_avg,
    clientsMax: r.clients_max,
    maxClients: r.max_clients,
    latencyAvg: r.latency_avg,
    latencyMax: r.latency_max,
    keys: r.keys,
    deltas: deltasFromRow(r),
  }));
}

export async function pruneRollups(db: Db, instanceId: string, before: number): Promise<number> {
  const result = await db
    .prepare("DELETE FROM metric_rollups WHERE instance_id = ? AND minute < ?")
    .run(instanceId, before);
  return result.changes;
}
