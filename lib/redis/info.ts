// Parses the text of Redis INFO (and CLUSTER NODES) into sections, and the fields the console uses
// into typed values.
// Pure: the text comes from the caller.

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

function num(sections: InfoSections, name: string): number {
  const value = Number(field(sections, name));
  return Number.isFinite(value) ? value : 0;
}

function optionalNum(sections: InfoSections, name: string): number | undefined {
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
    uptimeSeconds: num(sections, "uptime_in_seconds"),
    role: field(sections, "role") ?? "master",
    connectedClients: num(sections, "connected_clients"),
    maxClients: optionalNum(sections, "maxclients"),
    blockedClients: num(sections, "blocked_clients"),
    usedMemoryBytes: num(sections, "used_memory"),
    usedMemoryRssBytes: num(sections, "used_memory_rss"),
    usedMemoryPeakBytes: num(sections, "used_memory_peak"),
    maxMemoryBytes: num(sections, "maxmemory"),
    maxMemoryPolicy: field(sections, "maxmemory_policy"),
    memFragmentationRatio: optionalNum(sections, "mem_fragmentation_ratio"),
    evictedKeys: num(sections, "evicted_keys"),
    expiredKeys: num(sections, "expired_keys"),
    keyspaceHits: num(sections, "keyspace_hits"),
    keyspaceMisses: num(sections, "keyspace_misses"),
    totalCommandsProcessed: num(sections, "total_commands_processed"),
    totalConnectionsReceived: num(sections, "total_connections_received"),
    rejectedConnections: num(sections, "rejected_connections"),
    instantaneousOpsPerSec: num(sections, "instantaneous_ops_per_sec"),
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
