// Deleting an instance's rows older than a retention edge in bounded chunks, for the time-keyed
// metric tables: retention loops over small transactions and lets requests run in between.
import "server-only";
import type { Db } from "./db";

/**
 * The tables pruned this way, and whether several rows of an instance share one `t` (a row per
 * node, or per node and command, at each sample time). Names come from here only, never from input.
 */
const PRUNED_TABLES = {
  metric_samples: { sharedT: false },
  metric_node_samples: { sharedT: true },
  command_latency: { sharedT: true },
} as const;

export type PrunedTable = keyof typeof PRUNED_TABLES;

/**
 * Deletes the instance's rows of `table` with t < `before`, oldest first and at most `limit` sample
 * times of them (all the rows of each time, when times are shared); returns the rows deleted.
 */
export async function pruneBefore(
  db: Db,
  table: PrunedTable,
  instanceId: string,
  before: number,
  limit: number,
): Promise<number> {
  const times = PRUNED_TABLES[table].sharedT ? "DISTINCT t" : "t";
  const edge = (await db
    .prepare(`SELECT ${times} FROM ${table} WHERE instance_id = ? AND t < ? ORDER BY t LIMIT 1 OFFSET ?`)
    .get(instanceId, before, limit - 1)) as { t: number } | undefined;
  const upTo = edge ? edge.t + 1 : before;
  const { changes } = await db
    .prepare(`DELETE FROM ${table} WHERE instance_id = ? AND t < ?`)
    .run(instanceId, Math.min(upTo, before));
  return changes;
}
