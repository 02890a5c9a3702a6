// The ops guide's alert rules as pure functions: a series of metric points (and the latest scan) in,
// active alerts out, each with its runbook. No I/O and no clock: the caller passes `now`.
// A rule is pending while its condition has held for less than its duration, firing after; a gap
// (a null value) or one point under the threshold ends the run, so a flapping condition restarts.
import type { PersistenceInfo } from "@/lib/server-facts";
import { judgePersistence } from "./persistence";
import type { Environment } from "./types";
import { runbookFor, type Runbook } from "./runbooks";

/** Every alert rule: the overview schema's enum and the Prometheus alert series are built from this list. */
export const ALERT_RULES = [
  "memory",
  "evictions",
  "clients",
  "latency",
  "hit-rate",
  "keys-without-ttl",
  "ttl-compliance-unknown",
  "cluster-state",
  "sentinel-master",
  "command-latency",
  "persistence",
] as const;
export type AlertRule = (typeof ALERT_RULES)[number];
/** The rules judged on a series of metric points (per node in a cluster or sentinel deployment). */
export type SeriesAlertRule = "memory" | "evictions" | "clients" | "latency" | "hit-rate";
export type AlertSeverity = "critical" | "warning" | "info";
export type AlertState = "pending" | "firing";

export interface AlertThresholds {
  /** used_memory / maxmemory above this (0.8 = 80 %). */
  memoryRatio: number;
  memoryForMs: number;
  evictionsPerMinute: number;
  evictionsForMs: number;
  /** connected_clients / maxclients above this. */
  clientsRatio: number;
  clientsForMs: number;
  /** PING round trip above this. */
  latencyMs: number;
  latencyForMs: number;
  /** Hit rate below the target of the instance's environment, over `hitRateWindowMs`. */
  hitRateTarget: Record<Environment, number>;
  hitRateWindowMs: number;
  /** Fewer lookups than this in the window say nothing about the hit rate. */
  hitRateMinLookups: number;
  /** Any key without TTL is a bug: the guide's threshold is "any", i.e. more than 0. */
  keysWithoutTtl: number;
}

const MIN = 60_000;

export const defaultAlertThresholds: AlertThresholds = {
  memoryRatio: 0.8,
  memoryForMs: 10 * MIN,
  evictionsPerMinute: 10,
  evictionsForMs: 15 * MIN,
  clientsRatio: 0.9,
  clientsForMs: 5 * MIN,
  latencyMs: 100,
  latencyForMs: 1 * MIN,
  hitRateTarget: { development: 0.3, staging: 0.3, production: 0.5 },
  hitRateWindowMs: 60 * MIN,
  hitRateMinLookups: 20,
  keysWithoutTtl: 0,
};

/** One evaluation point: the values the rules read, null where unknown (gap, unreachable, no limit). */
export interface AlertPoint {
  /** Milliseconds since the epoch. */
  t: number;
  memoryRatio: number | null;
  /** Evictions per minute over the rate window ending at t. */
  evictionsPerMinute: number | null;
  clientsRatio: number | null;
  latencyMs: number | null;
  /** Hit rate over the hit-rate window ending at t, and how many lookups it rests on. */
  hitRate: number | null;
  lookups: number;
}

export interface LatestScan {
  /** ISO time the scan finished. */
  finishedAt: string;
  noTtl: number;
}

/**
 * TTL compliance cannot be vouched for: the scans since the last complete one failed, the newest
 * one could not read every key, or none has finished yet. Such a state never clears an alert.
 */
export interface TtlComplianceUnknown {
  /** ISO time since when; null before any scan (the alert then holds from when it was first seen). */
  since: string | null;
  reason: string;
  /** Keys whose TTL could not be read, when known. */
  keys?: number;
}

export interface Alert {
  rule: AlertRule;
  /** The node ("host:port") a per-node alert is about. */
  node?: string;
  /** The command a command-latency alert is about (lower case). */
  command?: string;
  title: string;
  severity: AlertSeverity;
  state: AlertState;
  /** ISO time the condition started to hold (without interruption). */
  since: string;
  value: number;
  threshold: number;
  /** How long the condition must hold before the alert fires. */
  forSeconds: number;
  summary: string;
  runbook: Runbook;
}

export interface AlertInput {
  instanceId: string;
  environment: Environment;
  /** Oldest first. */
  points: AlertPoint[];
  now: number;
  thresholds?: AlertThresholds;
  latestScan?: LatestScan | null;
  ttlUnknown?: TtlComplianceUnknown | null;
  /** The points are one node's: its alerts name it. */
  node?: { address: string; role: "master" | "replica" };
  /** The series rules to judge (default: all). */
  rules?: SeriesAlertRule[];
}

interface SeriesRule {
  rule: SeriesAlertRule;
  title: string;
  severity: AlertSeverity;
  threshold: number;
  forMs: number;
  value: (p: AlertPoint) => number | null;
  /** Strict comparison: a value exactly at the threshold does not breach. */
  breaches: (value: number) => boolean;
  summary: (value: number, threshold: number) => string;
}

const pct = (ratio: number) => `${(ratio * 100).toFixed(1)} %`;

function seriesRules(environment: Environment, th: AlertThresholds): SeriesRule[] {
  const target = th.hitRateTarget[environment];
  return [
    {
      rule: "memory",
      title: "Memory high",
      severity: "warning",
      threshold: th.memoryRatio,
      forMs: th.memoryForMs,
      value: (p) => p.memoryRatio,
      breaches: (v) => v > th.memoryRatio,
      summary: (v, t) => `memory at ${pct(v)} of maxmemory (threshold ${pct(t)})`,
    },
    {
      rule: "evictions",
      title: "Eviction rate high",
      severity: "warning",
      threshold: th.evictionsPerMinute,
      forMs: th.evictionsForMs,
      value: (p) => p.evictionsPerMinute,
      breaches: (v) => v > th.evictionsPerMinute,
      summary: (v, t) => `${v.toFixed(1)} evictions/min (threshold ${t}/min)`,
    },
    {
      rule: "clients",
      title: "Connections near maxclients",
      severity: "critical",
      threshold: th.clientsRatio,
      forMs: th.clientsForMs,
      value: (p) => p.clientsRatio,
      breaches: (v) => v > th.clientsRatio,
      summary: (v, t) => `connected clients at ${pct(v)} of maxclients (threshold ${pct(t)})`,
    },
    {
      rule: "latency",
      title: "Latency high",
      severity: "warning",
      threshold: th.latencyMs,
      forMs: th.latencyForMs,
      value: (p) => p.latencyMs,
      breaches: (v) => v > th.latencyMs,
      summary: (v, t) => `PING round trip ${v.toFixed(1)} ms (threshold ${t} ms)`,
    },
    {
      rule: "hit-rate",
      title: "Hit rate under target",
      severity: "info",
      threshold: target,
      forMs: 0,
      value: (p) => (p.lookups >= th.hitRateMinLookups ? p.hitRate : null),
      breaches: (v) => v < target,
      summary: (v, t) =>
        `hit rate ${pct(v)} over the last ${Math.round(th.hitRateWindowMs / MIN)} min (target ${pct(t)} in ${environment})`,
    },
  ];
}

/** The start of the unbroken breaching run that ends at the last point, or null. */
function breachingSince(points: AlertPoint[], rule: SeriesRule): { since: number; value: number } | null {
  const last = points.at(-1);
  const lastValue = last ? rule.value(last) : null;
  if (!last || lastValue === null || !rule.breaches(lastValue)) return null;
  let since = last.t;
  for (let i = points.length - 2; i >= 0; i--) {
    const p = points[i];
    const v = p ? rule.value(p) : null;
    if (!p || v === null || !rule.breaches(v)) break;
    since = p.t;
  }
  return { since, value: lastValue };
}

function scanAlert(input: AlertInput, th: AlertThresholds): Alert | null {
  const scan = input.latestScan;
  if (!scan || scan.noTtl <= th.keysWithoutTtl) return null;
  return {
    rule: "keys-without-ttl",
    title: "Keys without TTL",
    severity: "critical",
    state: "firing",
    since: new Date(scan.finishedAt).toISOString(),
    value: scan.noTtl,
    threshold: th.keysWithoutTtl,
    forSeconds: 0,
    summary: `${scan.noTtl} key${scan.noTtl === 1 ? "" : "s"} without TTL in the scan of ${utcText(scan.finishedAt, input.now)}`,
    runbook: runbookFor("keys-without-ttl", input.instanceId),
  };
}

/**
 * "05:35:14 UTC" like the console's other clock times; "2026-12-01 05:35:14 UTC" when not on
 * `now`'s UTC day.
 */
export function utcText(iso: string, now: number): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const [day, time] = d.toISOString().slice(0, 19).split("T");
  const today = new Date(now).toISOString().slice(0, 10);
  return day === today ? `${time} UTC` : `${day} ${time} UTC`;
}

function complianceAlert(input: AlertInput): Alert | null {
  const unknown = input.ttlUnknown;
  if (!unknown) return null;
  const since = unknown.since ?? new Date(input.now).toISOString();
  return {
    rule: "ttl-compliance-unknown",
    title: "TTL compliance unknown",
    severity: "warning",
    state: "firing",
    since,
    value: unknown.keys ?? 0,
    threshold: 0,
    forSeconds: 0,
    summary: unknown.since
      ? `TTL compliance unknown since ${utcText(unknown.since, input.now)}: ${unknown.reason}`
      : `TTL compliance unknown: ${unknown.reason}`,
    runbook: runbookFor("ttl-compliance-unknown", input.instanceId),
  };
}

const severityOrder: Record<AlertSeverity, number> = { critical: 0, warning: 1, info: 2 };

/** Active alerts, firing before pending, then by severity. */
export function evaluateAlerts(input: AlertInput): Alert[] {
  const th = input.thresholds ?? defaultAlertThresholds;
  const alerts: Alert[] = [];
  const node = input.node;
  for (const rule of seriesRules(input.environment, th)) {
    if (input.rules && !input.rules.includes(rule.rule)) continue;
    const run = breachingSince(input.points, rule);
    if (!run) continue;
    const held = input.now - run.since;
    alerts.push({
      rule: rule.rule,
      ...(node ? { node: node.address } : {}),
      title: node ? `${rule.title} on ${node.address}` : rule.title,
      severity: rule.severity,
      state: held >= rule.forMs ? "firing" : "pending",
      since: new Date(run.since).toISOString(),
      value: run.value,
      threshold: rule.threshold,
      forSeconds: Math.round(rule.forMs / 1000),
      summary: node
        ? `node ${node.address} (${node.role}): ${rule.summary(run.value, rule.threshold)}`
        : rule.summary(run.value, rule.threshold),
      runbook: runbookFor(rule.rule, input.instanceId),
    });
  }
  const scan = scanAlert(input, th);
  if (scan) alerts.push(scan);
  const compliance = complianceAlert(input);
  if (compliance) alerts.push(compliance);
  return sortAlerts(alerts);
}

/** Firing before pending, then by severity (stable otherwise). */
export function sortAlerts(alerts: Alert[]): Alert[] {
  return alerts.sort(
    (a, b) =>
      Number(b.state === "firing") - Number(a.state === "firing") ||
      severityOrder[a.severity] - severityOrder[b.severity],
  );
}

/** The deployment's own health at one sample: what the cluster and the sentinels say. */
export interface TopologyPoint {
  t: number;
  /** Cluster: masters reporting a cluster_state other than ok; null when none answered or not a cluster. */
  clusterNotOk: { node: string; state: string }[] | null;
  /** Sentinel: why the master is unknown or failing, or null when the sentinels name a master that answers as one. */
  sentinelProblem: string | null;
}

function runSince<T>(
  points: TopologyPoint[],
  value: (p: TopologyPoint) => T | null,
): { since: number; value: T } | null {
  const last = points.at(-1);
  const v = last ? value(last) : null;
  if (!last || v === null) return null;
  let since = last.t;
  for (let i = points.length - 2; i >= 0; i--) {
    const p = points[i];
    if (!p || value(p) === null) break;
    since = p.t;
  }
  return { since, value: v };
}

/**
 * Critical at once (no duration): a cluster whose state is not ok refuses commands for slots it
 * cannot serve; a sentinel deployment without a master that answers takes no writes.
 */
export function topologyAlerts(instanceId: string, points: TopologyPoint[], now: number): Alert[] {
  const alerts: Alert[] = [];
  const cluster = runSince(points, (p) =>
    p.clusterNotOk && p.clusterNotOk.length > 0 ? p.clusterNotOk : null,
  );
  if (cluster) {
    const states = [...new Set(cluster.value.map((n) => n.state))].join("/");
    alerts.push({
      rule: "cluster-state",
      title: "Cluster state not ok",
      severity: "critical",
      state: "firing",
      since: new Date(cluster.since).toISOString(),
      value: cluster.value.length,
      threshold: 0,
      forSeconds: 0,
      summary: `cluster_state ${states} on ${cluster.value.map((n) => n.node).join(", ")} since ${utcText(new Date(cluster.since).toISOString(), now)}: the cluster refuses commands`,
      runbook: runbookFor("cluster-state", instanceId),
    });
  }
  const sentinel = runSince(points, (p) => p.sentinelProblem);
  if (sentinel) {
    alerts.push({
      rule: "sentinel-master",
      title: "Sentinel master unknown or failing over",
      severity: "critical",
      state: "firing",
      since: new Date(sentinel.since).toISOString(),
      value: 1,
      threshold: 0,
      forSeconds: 0,
      summary: `${sentinel.value} (since ${utcText(new Date(sentinel.since).toISOString(), now)})`,
      runbook: runbookFor("sentinel-master", instanceId),
    });
  }
  return alerts;
}

/** How far back the evaluator must see to judge every series rule (longest duration or window). */
export function alertLookbackMs(th: AlertThresholds = defaultAlertThresholds): number {
  return Math.max(th.memoryForMs, th.evictionsForMs, th.clientsForMs, th.latencyForMs) + 5 * MIN;
}

/** One command's figure on one node at each sample of that node: null when it had no calls (a gap). */
export interface CommandLatencySeries {
  command: string;
  /** The node, on a deployment of several. */
  node?: { address: string; role: "master" | "replica" };
  /** histogram: the interval's p99 (power-of-two buckets); commandstats: the interval's average per call. */
  source: "histogram" | "commandstats";
  /** Interval length, for the summary. */
  windowMs: number;
  points: { t: number; valueMs: number | null }[];
}

/**
 * A command whose p99 (or average, where only that exists) stays above the latency threshold for
 * the latency rule's duration: pending before, firing after. Judged per node and command.
 */
export function commandLatencyAlerts(
  instanceId: string,
  series: CommandLatencySeries[],
  now: number,
  th: AlertThresholds = defaultAlertThresholds,
): Alert[] {
  const alerts: Alert[] = [];
  for (const s of series) {
    const what = s.source === "histogram" ? "p99" : "average";
    const run = runAbove(s.points, th.latencyMs);
    if (!run) continue;
    const name = s.command.toUpperCase();
    const seconds = Math.round(s.windowMs / 1000);
    const basis =
      s.source === "histogram"
        ? `LATENCY HISTOGRAM over ${seconds} s intervals, power-of-two buckets`
        : `INFO commandstats, average per call over ${seconds} s intervals`;
    alerts.push({
      rule: "command-latency",
      ...(s.node ? { node: s.node.address } : {}),
      command: s.command,
      title: s.node ? `Command latency high: ${name} on ${s.node.address}` : `Command latency high: ${name}`,
      severity: "warning",
      state: now - run.since >= th.latencyForMs ? "firing" : "pending",
      since: new Date(run.since).toISOString(),
      value: run.value,
      threshold: th.latencyMs,
      forSeconds: Math.round(th.latencyForMs / 1000),
      summary: `${s.node ? `node ${s.node.address} (${s.node.role}): ` : ""}${name} ${what} ${formatMs(run.value)} over ${th.latencyMs} ms (server-side, ${basis})`,
      runbook: runbookFor("command-latency", instanceId),
    });
  }
  return alerts;
}

/** The unbroken run above `threshold` that ends at the last point (a null ends it), or null. */
function runAbove(
  points: { t: number; valueMs: number | null }[],
  threshold: number,
): { since: number; value: number } | null {
  const last = points.at(-1);
  if (!last || last.valueMs === null || !(last.valueMs > threshold)) return null;
  let since = last.t;
  for (let i = points.length - 2; i >= 0; i--) {
    const v = points[i]?.valueMs ?? null;
    if (v === null || !(v > threshold)) break;
    since = points[i]?.t ?? since;
  }
  return { since, value: last.valueMs };
}

const formatMs = (v: number) => (v >= 10 ? `${v.toFixed(0)} ms` : `${v.toFixed(1)} ms`);

/** INFO persistence and the save schedule of one node at one sample. */
export interface PersistencePoint {
  t: number;
  /** null: INFO persistence was not read at this sample. */
  info: PersistenceInfo | null;
  save: string | null;
  /** Redis answered MISCONF: the failed save stops every write (stop-writes-on-bgsave-error). */
  writesRefused?: boolean;
}

/**
 * Fires at once (no duration: a failed save stays failed until one succeeds) when lib/policy/persistence
 * judges a node's persistence failing; `since` is the first sample of the unbroken failing run.
 * Critical when Redis refuses writes because of it (MISCONF): ISL's cache writes fail too.
 */
export function persistenceAlerts(
  instanceId: string,
  series: { node?: { address: string; role: "master" | "replica" }; points: PersistencePoint[] }[],
): Alert[] {
  const alerts: Alert[] = [];
  for (const { node, points } of series) {
    const last = points.at(-1);
    if (!last) continue;
    const verdict = judgePersistence({ info: last.info, save: last.save, now: last.t });
    if (verdict.status !== "fail") continue;
    let since = last.t;
    for (let i = points.length - 2; i >= 0; i--) {
      const p = points[i];
      if (!p || judgePersistence({ info: p.info, save: p.save, now: p.t }).status !== "fail") break;
      since = p.t;
    }
    const refused = last.writesRefused === true;
    const problems = refused
      ? ["Redis refuses writes (MISCONF, stop-writes-on-bgsave-error yes)", ...verdict.problems]
      : verdict.problems;
    alerts.push({
      rule: "persistence",
      ...(node ? { node: node.address } : {}),
      title: node ? `Persistence failing on ${node.address}` : "Persistence failing",
      severity: refused ? "critical" : "warning",
      state: "firing",
      since: new Date(since).toISOString(),
      value: verdict.lastSaveAgeSeconds ?? 0,
      threshold: 0,
      forSeconds: 0,
      summary: `${node ? `node ${node.address} (${node.role}): ` : ""}${problems.join("; ")}`,
      runbook: runbookFor("persistence", instanceId),
    });
  }
  return alerts;
}
