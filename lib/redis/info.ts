// Parses the text of Redis INFO (and CLUSTER NODES) into sections, and the fields the console uses
// into typed values.
// Pure: the text comes from the caller.
import type { PersistenceInfo } from "@/lib/server-facts";

export type InfoSections = Record<string, Record<string, string>>;

export interface KeyspaceDb {
  keys: number;
  expires: number;
  avgTtlMs: number;
}

export interface InfoSummary {
  redisVersion: string;
  redisMode: string;
  runId: string;
  uptimeSeconds: number;
  role: string;
  connectedClients: number;
  /** INFO clients reports maxclients from Redis 7.0 on; undefined before. */
  maxClients?: number;
  blockedClients: number;
  usedMemoryBytes: number;
  usedMemoryRssBytes: number;
  usedMemoryPeakBytes: number;
  /** 0 means no limit. */
  maxMemoryBytes: number;
  maxMemoryPolicy?: string;
  memFragmentationRatio?: number;
  evictedKeys: number;
  expiredKeys: number;
  keyspaceHits: number;
  keyspaceMisses: number;
  totalCommandsProcessed: number;
  totalConnectionsReceived: number;
  rejectedConnections: number;
  instantaneousOpsPerSec: number;
  keyspace: Record<string, KeyspaceDb>;
}

/** Splits INFO text ("# Section" headers, "field:value" lines) into lowercase section maps. */
export function parseInfo(text: string): InfoSections {
  const sections: InfoSections = {};
  let current: Record<string, string> = {};
  sections.default = current;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "") continue;
    if (line.startsWith("#")) {
      const name = line.slice(1).trim().toLowerCase();
      current = sections[name] ??= {};
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    current[line.slice(0, colon)] = line.slice(colon + 1);
  }
  if (Object.keys(sections.default ?? {}).length === 0) delete sections.default;
  return sections;
}

/** "keys=10,expires=3,avg_ttl=0" -> { keys: "10", ... } */
export function parseInfoFields(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of value.split(",")) {
    const eq = pair.indexOf("=");
    if (eq > 0) out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

function field(sections: InfoSections, name: string): string | undefined {
  for (const section of Object.values(sections)) {
    const value = section[name];
    if (value !== undefined) return value;
  }
  return undefined;
}

function numberField(sections: InfoSections, name: string): number {
  const value = Number(field(sections, name));
  return Number.isFinite(value) ? value : 0;
}

function optionalNumberField(sections: InfoSections, name: string): number | undefined {
  const raw = field(sections, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

export function parseKeyspace(section: Record<string, string> | undefined): Record<string, KeyspaceDb> {
  const out: Record<string, KeyspaceDb> = {};
  for (const [db, value] of Object.entries(section ?? {})) {
    const f = parseInfoFields(value);
    out[db] = {
      keys: Number(f.keys ?? 0),
      expires: Number(f.expires ?? 0),
      avgTtlMs: Number(f.avg_ttl ?? 0),
    };
  }
  return out;
}

export function summarizeInfo(sections: InfoSections): InfoSummary {
  return {
    redisVersion: field(sections, "redis_version") ?? "unknown",
    redisMode: field(sections, "redis_mode") ?? "standalone",
    runId: field(sections, "run_id") ?? "",
    uptimeSeconds: numberField(sections, "uptime_in_seconds"),
    role: field(sections, "role") ?? "master",
    connectedClients: numberField(sections, "connected_clients"),
    maxClients: optionalNumberField(sections, "maxclients"),
    blockedClients: numberField(sections, "blocked_clients"),
    usedMemoryBytes: numberField(sections, "used_memory"),
    usedMemoryRssBytes: numberField(sections, "used_memory_rss"),
    usedMemoryPeakBytes: numberField(sections, "used_memory_peak"),
    maxMemoryBytes: numberField(sections, "maxmemory"),
    maxMemoryPolicy: field(sections, "maxmemory_policy"),
    memFragmentationRatio: optionalNumberField(sections, "mem_fragmentation_ratio"),
    evictedKeys: numberField(sections, "evicted_keys"),
    expiredKeys: numberField(sections, "expired_keys"),
    keyspaceHits: numberField(sections, "keyspace_hits"),
    keyspaceMisses: numberField(sections, "keyspace_misses"),
    totalCommandsProcessed: numberField(sections, "total_commands_processed"),
    totalConnectionsReceived: numberField(sections, "total_connections_received"),
    rejectedConnections: numberField(sections, "rejected_connections"),
    instantaneousOpsPerSec: numberField(sections, "instantaneous_ops_per_sec"),
    keyspace: parseKeyspace(sections.keyspace),
  };
}

/** One line of CLUSTER NODES. */
export interface ClusterNodeLine {
  address: string;
  flags: string[];
  masterId: string;
  id: string;
  link: string;
  slots: [number, number][];
}

/** CLUSTER NODES: `<id> <ip:port@cport[,host]> <flags> <master> <ping> <pong> <epoch> <link> <slot>...`. */
export function parseClusterNodes(text: string): ClusterNodeLine[] {
  const out: ClusterNodeLine[] = [];
  for (const line of text.split(/\r?\n/)) {
    const parts = line.trim().split(" ");
    if (parts.length < 8) continue;
    const [id = "", addr = "", flags = "", masterId = "-", , , , link = ""] = parts;
    const address = addr.split("@")[0] ?? "";
    const slots: [number, number][] = [];
    for (const entry of parts.slice(8)) {
      if (entry.startsWith("[")) continue;
      const [from, to = from] = entry.split("-").map(Number);
      if (from !== undefined && to !== undefined && Number.isFinite(from) && Number.isFinite(to))
        slots.push([from, to]);
    }
    out.push({ id, address, flags: flags.split(",").filter(Boolean), masterId, link, slots });
  }
  return out;
}

/** One command's LATENCY HISTOGRAM: calls, and cumulative counts per power-of-two bucket. */
export interface CommandHistogram {
  calls: number;
  /** [bucket's upper bound in µs, calls at or under it], ascending; Redis leaves out empty buckets. */
  buckets: [number, number][];
}

/**
 * LATENCY HISTOGRAM (Redis 7.0+) -> histograms by lower-case command name ("get", "config|get").
 * RESP2 shape: [name, ["calls", n, "histogram_usec", [upper, cumulative, ...]], ...]; RESP3 maps
 * arrive from ioredis as the same flat arrays.
 */
export function parseLatencyHistogram(reply: unknown): Map<string, CommandHistogram> {
  const out = new Map<string, CommandHistogram>();
  if (!Array.isArray(reply)) return out;
  for (let i = 0; i + 1 < reply.length; i += 2) {
    const name = String(reply[i]).toLowerCase();
    const body: unknown = reply[i + 1];
    if (!Array.isArray(body)) continue;
    let calls = 0;
    let flat: unknown[] = [];
    for (let j = 0; j + 1 < body.length; j += 2) {
      const field = String(body[j]);
      if (field === "calls") calls = Number(body[j + 1]);
      else if (field === "histogram_usec" && Array.isArray(body[j + 1])) flat = body[j + 1] as unknown[];
    }
    const buckets: [number, number][] = [];
    for (let j = 0; j + 1 < flat.length; j += 2) {
      const upper = Number(flat[j]);
      const count = Number(flat[j + 1]);
      if (Number.isFinite(upper) && Number.isFinite(count)) buckets.push([upper, count]);
    }
    buckets.sort((a, b) => a[0] - b[0]);
    if (Number.isFinite(calls)) out.set(name, { calls, buckets });
  }
  return out;
}

/** One command's INFO commandstats line: calls and total microseconds, cumulative since start or CONFIG RESETSTAT. */
export interface CommandStat {
  calls: number;
  usec: number;
}

/** INFO commandstats (`cmdstat_get:calls=3,usec=21,usec_per_call=7.00,...`) -> by lower-case command name. */
export function parseCommandstats(sections: InfoSections): Map<string, CommandStat> {
  const out = new Map<string, CommandStat>();
  for (const [name, value] of Object.entries(sections.commandstats ?? {})) {
    if (!name.startsWith("cmdstat_")) continue;
    const f = parseInfoFields(value);
    const calls = Number(f.calls);
    const usec = Number(f.usec);
    if (Number.isFinite(calls) && Number.isFinite(usec))
      out.set(name.slice(8).toLowerCase(), { calls, usec });
  }
  return out;
}

/**
 * INFO latencystats (Redis 7.0+; `latency_percentiles_usec_get:p50=7.007,p99=9.023,p99.9=9.023`) ->
 * by command, percentile ("50", "99", "99.9") -> µs. Cumulative since start or CONFIG RESETSTAT.
 */
export function parseLatencystats(sections: InfoSections): Map<string, Record<string, number>> {
  const out = new Map<string, Record<string, number>>();
  for (const [name, value] of Object.entries(sections.latencystats ?? {})) {
    if (!name.startsWith("latency_percentiles_usec_")) continue;
    const percentiles: Record<string, number> = {};
    for (const [p, v] of Object.entries(parseInfoFields(value))) {
      const n = Number(v);
      if (p.startsWith("p") && Number.isFinite(n)) percentiles[p.slice(1)] = n;
    }
    out.set(name.slice("latency_percentiles_usec_".length).toLowerCase(), percentiles);
  }
  return out;
}

/** INFO persistence -> its fields, or null when the section is missing or lacks the RDB fields. */
export function parsePersistence(sections: InfoSections): PersistenceInfo | null {
  const p = sections.persistence;
  if (!p) return null;
  const n = (name: string): number | null => {
    const raw = p[name];
    if (raw === undefined) return null;
    const v = Number(raw);
    return Number.isFinite(v) ? v : null;
  };
  const lastSave = n("rdb_last_save_time");
  const changes = n("rdb_changes_since_last_save");
  const status = p.rdb_last_bgsave_status;
  if (lastSave === null || changes === null || status === undefined) return null;
  return {
    loading: p.loading === "1",
    rdbChangesSinceLastSave: changes,
    rdbBgsaveInProgress: p.rdb_bgsave_in_progress === "1",
    rdbLastSaveTime: lastSave,
    rdbLastBgsaveStatus: status,
    rdbLastBgsaveTimeSec: n("rdb_last_bgsave_time_sec") ?? -1,
    rdbCurrentBgsaveTimeSec: n("rdb_current_bgsave_time_sec") ?? -1,
    aofEnabled: p.aof_enabled === "1",
    aofRewriteInProgress: p.aof_rewrite_in_progress === "1",
    aofLastBgrewriteStatus: p.aof_last_bgrewrite_status ?? "ok",
    aofLastWriteStatus: p.aof_last_write_status ?? "ok",
  };
}
