// The `command_latency` table: per instance, node, command and sample interval, the command's
// latency figures (lib/metrics/latency.ts commandWindow). Kept as long as the raw samples.
import "server-only";
import { upsertSql, type Db } from "./db";
import { pruneBefore } from "./prune";

/**
 * Where a command's figures come from: `histogram`, LATENCY HISTOGRAM deltas between two samples
 * (percentiles of that interval, to a power-of-two bucket); `latencystats`, INFO latencystats
 * (percentiles since the server started or CONFIG RESETSTAT, used when LATENCY is refused);
 * `commandstats`, INFO commandstats deltas (the interval's average per call, servers before 7.0).
 */
export type CommandLatencySource = "histogram" | "latencystats" | "commandstats";

/** One command on one node over one interval (or since start, for `latencystats`). Microseconds. */
export interface CommandLatencyPoint {
  command: string;
  source: CommandLatencySource;
  /** Calls in the interval (since start for `latencystats`). */
  calls: number;
  p50Us: number | null;
  p95Us: number | null;
  p99Us: number | null;
  /** commandstats: the interval's average per call. */
  avgUs: number | null;
  /** Length of the interval; null for figures since start. */
  windowMs: number | null;
}

export interface StoredCommandLatency extends CommandLatencyPoint {
  instanceId: string;
  t: number;
  node: string;
}

interface Row {
  instance_id: string;
  t: number;
  node: string;
  command: string;
  source: string;
  calls: number;
  p50_us: number | null;
  p95_us: number | null;
  p99_us: number | null;
  avg_us: number | null;
  window_ms: number | null;
}

const SOURCES: CommandLatencySource[] = ["histogram", "latencystats", "commandstats"];

function fromRow(r: Row): StoredCommandLatency {
  return {
    instanceId: r.instance_id,
    t: r.t,
    node: r.node,
    command: r.command,
    source: SOURCES.find((s) => s === r.source) ?? "histogram",
    calls: r.calls,
    p50Us: r.p50_us,
    p95Us: r.p95_us,
    p99Us: r.p99_us,
    avgUs: r.avg_us,
    windowMs: r.window_ms,
  };
}

const COLUMNS = [
  "instance_id",
  "t",
  "node",
  "command",
  "source",
  "calls",
  "p50_us",
  "p95_us",
  "p99_us",
  "avg_us",
  "window_ms",
];

export async function insertCommandLatency(db: Db, rows: StoredCommandLatency[]): Promise<void> {
  if (rows.length === 0) return;
  await db.transaction(async (tx) => {
    const stmt = tx.prepare(upsertSql("command_latency", COLUMNS, ["instance_id", "t", "node", "command"]));
    for (const r of rows) {
      await stmt.run(
        r.instanceId,
        r.t,
        r.node,
        r.command,
        r.source,
        r.calls,
        r.p50Us,
        r.p95Us,
        r.p99Us,
        r.avgUs,
        r.windowMs,
      );
    }
  });
}

/** Rows with from <= t <= to, oldest first. */
export async function commandLatencyBetween(
  db: Db,
  instanceId: string,
  from: number,
  to: number,
): Promise<StoredCommandLatency[]> {
  const rows = (await db
    .prepare(
      "SELECT * FROM command_latency WHERE instance_id = ? AND t >= ? AND t <= ? ORDER BY t, node, command",
    )
    .all(instanceId, from, to)) as Row[];
  return rows.map(fromRow);
}

/** Deletes rows older than `before`, at most about `limit` sample times at once; returns the rows deleted. */
export async function pruneCommandLatency(
  db: Db,
  instanceId: string,
  before: number,
  limit = 500,
): Promise<number> {
  return pruneBefore(db, "command_latency", instanceId, before, limit);
}
