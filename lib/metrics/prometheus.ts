// GET /api/metrics: the console's own findings in the Prometheus text format, under `isl_`.
// A fresh Registry per scrape, filled from the store only (the sampler's latest overview and the
// newest finished scan): a scrape never sends a command to Redis, `up` included.
// Series whose value is unknown (no limit set, no sample yet, no scan yet) are left out, not 0.
// The instance's series are its totals (a cluster's or sentinel deployment's sums); each node also
// has its own isl_node_* series labelled node="host:port" and role, under other names, so a query
// on the instance series never mixes in node series.
import "server-only";
import { Gauge, Registry } from "prom-client";
import type { InstanceConfig } from "@/lib/config";
import type { AlertRule } from "@/lib/policy/alerts";
import { getStore, type Db } from "@/lib/store";
import { latestDoneScanCounts } from "@/lib/store/scans";
import { getOverview, type ReadSettings } from "./service";

const ALERT_RULES: AlertRule[] = [
  "memory",
  "evictions",
  "clients",
  "latency",
  "hit-rate",
  "keys-without-ttl",
  "ttl-compliance-unknown",
  "cluster-state",
  "sentinel-master",
];
const ALERT_STATE = { inactive: 0, pending: 1, firing: 2 } as const;

type Labels = "instance_id" | "pattern" | "rule" | "name" | "environment" | "node" | "role";

const NODE_LABELS: Labels[] = ["instance_id", "node", "role"];

function gauges(registry: Registry) {
  const g = (name: string, help: string, labelNames: Labels[] = ["instance_id"]) =>
    new Gauge({ name, help, labelNames, registers: [registry] });
  return {
    info: g("isl_instance_info", "Configured Redis instance (always 1), with its name and environment.", [
      "instance_id",
      "name",
      "environment",
    ]),
    up: g(
      "isl_redis_up",
      "1 when the console's sampler reached Redis at its last sample and is current, else 0.",
    ),
    lastSample: g("isl_last_sample_timestamp_seconds", "Unix time of the sampler's last reachable sample."),
    memoryRatio: g("isl_memory_used_ratio", "used_memory / maxmemory (absent without a limit)."),
    evictions: g("isl_evictions_per_minute", "Evicted keys per minute over the last 5 minutes."),
    hitRatio: g("isl_hit_ratio", "keyspace_hits / (hits + misses) over the hit-rate window."),
    clientsRatio: g("isl_clients_used_ratio", "connected_clients / maxclients."),
    latency: g(
      "isl_ping_latency_p95_seconds",
      "95th percentile of the sampler's PING round trips over 5 minutes.",
    ),
    keys: g("isl_keys", "Keys per policy pattern in the newest finished scan.", ["instance_id", "pattern"]),
    noTtl: g("isl_keys_without_ttl", "Keys with TTL -1 per pattern in the newest finished scan (a bug).", [
      "instance_id",
      "pattern",
    ]),
    aboveStandard: g(
      "isl_keys_above_standard_ttl",
      "Keys whose TTL exceeds their pattern's standard, per pattern, in the newest finished scan.",
      ["instance_id", "pattern"],
    ),
    possiblePii: g(
      "isl_keys_possible_pii",
      "Keys whose id segment is not hash-shaped (possible PII), per pattern, in the newest finished scan.",
      ["instance_id", "pattern"],
    ),
    unknownPattern: g(
      "isl_keys_unknown_pattern",
      "Keys under the namespace matching no pattern, newest finished scan.",
    ),
    foreign: g(
      "isl_keys_foreign",
      "Keys outside the namespace (the instance should be dedicated), newest finished scan.",
    ),
    scanTime: g("isl_scan_last_success_timestamp_seconds", "Unix time the newest successful scan finished."),
    scanDuration: g("isl_scan_duration_seconds", "How long the newest successful scan took."),
    alertState: g("isl_alert_state", "The console's alert per rule: 0 inactive, 1 pending, 2 firing.", [
      "instance_id",
      "rule",
    ]),
    nodeUp: g(
      "isl_node_up",
      "1 when the node answered the sampler's last INFO and is current, else 0.",
      NODE_LABELS,
    ),
    nodeUsed: g("isl_node_memory_used_bytes", "used_memory of the node at the last sample.", NODE_LABELS),
    nodeMax: g("isl_node_memory_max_bytes", "maxmemory of the node (absent without a limit).", NODE_LABELS),
    nodeMemoryRatio: g(
      "isl_node_memory_used_ratio",
      "used_memory / maxmemory of the node (absent without a limit).",
      NODE_LABELS,
    ),
    nodeClients: g("isl_node_connected_clients", "connected_clients of the node.", NODE_LABELS),
    nodeEvictions: g(
      "isl_node_evictions_per_minute",
      "Evicted keys per minute on the node over the last 5 minutes.",
      NODE_LABELS,
    ),
    nodeOps: g(
      "isl_node_ops_per_second",
      "Commands per second on the node over the last minute.",
      NODE_LABELS,
    ),
    nodeLag: g(
      "isl_node_replication_lag_seconds",
      "A replica's seconds since its last ack to its master.",
      NODE_LABELS,
    ),
    clusterStateOk: g(
      "isl_cluster_state_ok",
      "1 when every master reports cluster_state ok, 0 when one does not (cluster instances).",
    ),
    failoverTime: g(
      "isl_failover_last_timestamp_seconds",
      "Unix time of the last failover the sampler saw (another master).",
    ),
  };
}

type Gauges = ReturnType<typeof gauges>;

function setIf(
  gauge: Gauge<Labels>,
  labels: Partial<Record<Labels, string>>,
  value: number | null | undefined,
) {
  if (value !== null && value !== undefined && Number.isFinite(value)) gauge.set(labels, value);
}

function addSampler(
  m: Gauges,
  instance: InstanceConfig,
  db: Db,
  settings: ReadSettings | undefined,
  now: number,
) {
  const id = { instance_id: instance.id };
  const overview = getOverview(instance, db, settings, now);
  m.up.set(id, overview.reachable && !overview.stale ? 1 : 0);
  if (overview.sampledAt) m.lastSample.set(id, Date.parse(overview.sampledAt) / 1000);
  // Old figures are not current facts: while stale only `up` (0) and the sample time are exported.
  if (!overview.stale && overview.reachable) {
    setIf(m.memoryRatio, id, overview.memory.ratio);
    setIf(m.evictions, id, overview.evictionsPerMinute);
    setIf(m.hitRatio, id, overview.hitRate);
    setIf(m.clientsRatio, id, overview.clients.ratio);
    setIf(m.latency, id, overview.latencyMs.p95 === null ? null : overview.latencyMs.p95 / 1000);
  }
  for (const rule of ALERT_RULES) {
    // Per-node alerts of one rule: the rule's state is its worst node's.
    const state = overview.alerts
      .filter((a) => a.rule === rule)
      .reduce<keyof typeof ALERT_STATE>(
        (worst, a) => (ALERT_STATE[a.state] > ALERT_STATE[worst] ? a.state : worst),
        "inactive",
      );
    m.alertState.set({ ...id, rule }, ALERT_STATE[state]);
  }
  const lastFailover = overview.failovers?.at(-1);
  if (lastFailover) m.failoverTime.set(id, Date.parse(lastFailover.at) / 1000);
  if (overview.stale) return;
  if (overview.cluster && overview.cluster.state !== "unknown")
    m.clusterStateOk.set(id, overview.cluster.state === "ok" ? 1 : 0);
  for (const node of overview.nodes ?? []) {
    const labels = { ...id, node: node.address, role: node.role };
    m.nodeUp.set(labels, node.reachable ? 1 : 0);
    if (!node.reachable) continue;
    setIf(m.nodeUsed, labels, node.memory.usedBytes);
    setIf(m.nodeMax, labels, node.memory.maxBytes);
    setIf(m.nodeMemoryRatio, labels, node.memory.ratio);
    setIf(m.nodeClients, labels, node.clients.connected);
    setIf(m.nodeEvictions, labels, node.evictionsPerMinute);
    setIf(m.nodeOps, labels, node.opsPerSecond);
    setIf(m.nodeLag, labels, node.role === "replica" ? node.replication.lagSeconds : null);
  }
}

function addScan(m: Gauges, instance: InstanceConfig, db: Db) {
  const id = { instance_id: instance.id };
  const scan = latestDoneScanCounts(db, instance.id);
  if (!scan?.summary.summary || !scan.summary.finishedAt) return;
  const { classes, durationMs } = scan.summary.summary;
  m.scanTime.set(id, Date.parse(scan.summary.finishedAt) / 1000);
  m.scanDuration.set(id, durationMs / 1000);
  m.unknownPattern.set(id, classes.unknownPattern);
  m.foreign.set(id, classes.foreign);
  for (const p of scan.patterns) {
    const labels = { ...id, pattern: p.name };
    m.keys.set(labels, p.keys);
    m.noTtl.set(labels, p.noTtl);
    m.aboveStandard.set(labels, p.aboveStandard);
    m.possiblePii.set(labels, p.possiblePii);
  }
}

export interface Exposition {
  contentType: string;
  text: string;
}

/** One scrape: every configured instance, from the store. */
export async function renderMetrics(
  instances: InstanceConfig[],
  { db = getStore(), settings, now = Date.now() }: { db?: Db; settings?: ReadSettings; now?: number } = {},
): Promise<Exposition> {
  const registry = new Registry();
  const m = gauges(registry);
  for (const instance of instances) {
    m.info.set({ instance_id: instance.id, name: instance.name, environment: instance.environment }, 1);
    addSampler(m, instance, db, settings, now);
    addScan(m, instance, db);
  }
  return { contentType: registry.contentType, text: await registry.metrics() };
}
