// One reading of a Redis server as the metric tables store it: gauges, raw counters and the
// counter deltas since the previous reading. `metric_samples` (an instance's totals) and
// `metric_node_samples` (each node's own) hold the same reading columns around their own; this
// module owns those columns, their row shape and their values.
import "server-only";
import type { Param } from "./db";

export interface Deltas {
  /** Milliseconds between the two samples. */
  ms: number;
  evicted: number;
  expired: number;
  hits: number;
  misses: number;
  commands: number;
}

export interface StoredReading {
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
}

/** The delta columns, in the order of `Deltas` (the rollups sum them under the same names). */
export const DELTA_COLUMNS = [
  "delta_ms",
  "d_evicted",
  "d_expired",
  "d_hits",
  "d_misses",
  "d_commands",
] as const;

/** A reading's columns, in the order of readingValues. */
export const READING_COLUMNS = [
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
  ...DELTA_COLUMNS,
] as const;

/** A reading's columns as a row carries them. */
export interface ReadingRow {
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
}

/** The values to bind for READING_COLUMNS, in that order. */
export function readingValues(r: StoredReading): Param[] {
  return [
    r.reachable ? 1 : 0,
    r.error,
    r.runId,
    r.usedBytes,
    r.maxBytes,
    r.connectedClients,
    r.maxClients,
    r.latencyMs,
    r.keys,
    r.evictedKeys,
    r.expiredKeys,
    r.keyspaceHits,
    r.keyspaceMisses,
    r.totalCommands,
    r.deltas?.ms ?? null,
    r.deltas?.evicted ?? null,
    r.deltas?.expired ?? null,
    r.deltas?.hits ?? null,
    r.deltas?.misses ?? null,
    r.deltas?.commands ?? null,
  ];
}

/** The deltas of a row whose delta columns are set; a counter left null counts as 0. */
export function deltasFromRow(r: Record<(typeof DELTA_COLUMNS)[number], number | null>): Deltas {
  return {
    ms: r.delta_ms ?? 0,
    evicted: r.d_evicted ?? 0,
    expired: r.d_expired ?? 0,
    hits: r.d_hits ?? 0,
    misses: r.d_misses ?? 0,
    commands: r.d_commands ?? 0,
  };
}

export function readingFromRow(r: ReadingRow): StoredReading {
  return {
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
    // A reading without a previous one to compare with (the first, or after a restart) has none.
    deltas: r.delta_ms === null ? null : deltasFromRow(r),
  };
}

/** The reading of a server that did not answer: the error, and no figures. */
export function unreachableReading(error: string): StoredReading {
  return {
    reachable: false,
    error,
    runId: null,
    usedBytes: null,
    maxBytes: null,
    connectedClients: null,
    maxClients: null,
    latencyMs: null,
    keys: null,
    evictedKeys: null,
    expiredKeys: null,
    keyspaceHits: null,
    keyspaceMisses: null,
    totalCommands: null,
    deltas: null,
  };
}
