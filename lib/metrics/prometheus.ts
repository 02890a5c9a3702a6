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
import { ALERT_RULES } from "@/lib/policy/alerts";
import { getStore, type Db } from "@/lib/store";
import { latestDoneScanCounts } from "@/lib/store/scans";
import { addedToScan, findingCounts } from "@/lib/store/watch";
import { watchStatus } from "@/lib/watch/service";
import { commandLatencyBetween } from "@/lib/store/command-latency";
import { latestCommands } from "./latency";
import { getOverview, type ReadSettings } from "./service";

const ALERT_STATE = { inactive: 0, pending: 1, firing: 2 } as const;

type Labels =
  | "instance_id"
  | "pattern"
  | "rule"
  | "name"
  | "environment"
  | "node"
  | "role"
  | "command"
  | "percentile"
  | "class";

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
    noTtl: g(
      "isl_keys_without_ttl",
      "Keys with TTL -1 per pattern in the newest finished scan plus those the live TTL watch saw since (a bug).",
      ["instance_id", "pattern"],
    ),
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
    commandLatency: g(
      "isl_command_latency_seconds",
      "Server-side latency per command over the sampler's last interval (LATENCY HISTOGRAM deltas, power-of-two buckets; the worst node), the console's own commands left out.",
      ["instance_id", "command", "percentile"],
    ),
    commandLatencyAvg: g(
      "isl_command_latency_average_seconds",
      "Server-side average per call per command over the sampler's last interval (INFO commandstats, servers before 7.0).",
      ["instance_id", "command"],
    ),
    watchUp: g(
      "isl_watch_up",
      "1 when the live TTL watch listens to every master of the instance, else 0 (off, starting, reconnecting).",
    ),
    watchFindings: g(
      "isl_watch_findings",
      "Keys the live TTL watch holds as violations now (seen since the latest scan started), per class.",
      ["instance_id", "class"],
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

async function addSampler(
  m: Gauges,
  instance: InstanceConfig,
  db: Db,
  settings: ReadSettings | undefined,
  now: number,
) {
  const id = { instance_id: instance.id };
  const overview = await getOverview(instance, db, settings, now);
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
  await addCommands(m, instance, db, now, overview.stale || !overview.reachable);
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

/** Windowed per-command figures of the last five minutes (since-start percentiles are not exported). */
async function addCommands(m: Gauges, instance: InstanceConfig, db: Db, now: number, old: boolean) {
  if (old) return;
  const rows = await commandLatencyBetween(db, instance.id, now - 5 * 60_000, now);
  for (const c of latestCommands(rows, 1)) {
    const base = { instance_id: instance.id, command: c.command };
    if (c.source === "histogram") {
      // Not `quantile`: Prometheus reserves that label for summaries (promtool refuses it on a gauge).
      for (const [percentile, v] of [
        ["p50", c.p50],
        ["p95", c.p95],
        ["p99", c.p99],
      ] as const)
        setIf(m.commandLatency, { ...base, percentile }, v === null ? null : v / 1000);
    } else if (c.source === "commandstats") {
      setIf(m.commandLatencyAvg, base, c.avg === null ? null : c.avg / 1000);
    }
  }
}

/** The live TTL watch's state and findings. */
async function addWatch(m: Gauges, instance: InstanceConfig, db: Db, now: number) {
  const id = { instance_id: instance.id };
  const status = await watchStatus(instance, { db, now });
  m.watchUp.set(id, status.state === "on" && !status.reason ? 1 : 0);
  const counts = await findingCounts(db, instance.id, now);
  m.watchFindings.set({ ...id, class: "noTtl" }, counts.noTtl);
  m.watchFindings.set({ ...id, class: "aboveStandard" }, counts.aboveStandard);
}

async function addScan(m: Gauges, instance: InstanceConfig, db: Db, now: number) {
  const id = { instance_id: instance.id };
  const scan = await latestDoneScanCounts(db, instance.id);
  // Keys the watch saw since the scan started, not already in its lists, join its per-pattern counts.
  const watched = (await addedToScan(db, instance.id, "noTtl", now)).byPattern;
  const watchedAbove = (await addedToScan(db, instance.id, "aboveStandard", now)).byPattern;
  if (!scan?.summary.summary || !scan.summary.finishedAt) {
    for (const [pattern, n] of watched) m.noTtl.set({ ...id, pattern }, n);
    for (const [pattern, n] of watchedAbove) m.aboveStandard.set({ ...id, pattern }, n);
    return;
  }
  const { classes, durationMs } = scan.summary.summary;
  m.scanTime.set(id, Date.parse(scan.summary.finishedAt) / 1000);
  m.scanDuration.set(id, durationMs / 1000);
  m.unknownPattern.set(id, classes.unknownPattern);
  m.foreign.set(id, classes.foreign);
  for (const p of scan.patterns) {
    const labels = { ...id, pattern: p.name };
    m.keys.set(labels, p.keys);
    m.noTtl.set(labels, p.noTtl + (watched.get(p.name) ?? 0));
    m.aboveStandard.set(labels, p.aboveStandard + (watchedAbove.get(p.name) ?? 0));
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
    await addSampler(m, instance, db, settings, now);
    await addScan(m, instance, db, now);
    await addWatch(m, instance, db, now);
  }
  return { contentType: registry.contentType, text: await registry.metrics() };
}
