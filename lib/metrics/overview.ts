// Builds the overview (current figures, rates over their windows, active alerts) from stored
// samples. Pure: the sampler passes the samples, the clock and the scan input; it stores the result.
import type { Environment } from "@/lib/policy/types";
import {
  commandLatencyAlerts,
  evaluateAlerts,
  persistenceAlerts,
  sortAlerts,
  topologyAlerts,
  type Alert,
  type AlertPoint,
  type AlertThresholds,
  type CommandLatencySeries,
  type LatestScan,
  type TopologyPoint,
  type TtlComplianceUnknown,
} from "@/lib/policy/alerts";
import type { FailoverEvent, Overview, OverviewNode, OverviewThresholds } from "@/lib/schemas/overview";
import type { StoredCommandLatency } from "@/lib/store/command-latency";
import type { MetricEvent, StoredNodeSample } from "@/lib/store/node-samples";
import type { StoredSample } from "@/lib/store/samples";
import { judgedUs } from "./latency";
import type { DeltaSum } from "@/lib/store/rollups";
import { addDeltas, emptySum, ratesOf, windowSum } from "./rates";

export const EVICTIONS_WINDOW_MS = 5 * 60_000;
export const HIT_RATE_WINDOW_MS = 5 * 60_000;
export const OPS_WINDOW_MS = 60_000;
export const LATENCY_WINDOW_MS = 5 * 60_000;

export function thresholdsFor(th: AlertThresholds, environment: Environment): OverviewThresholds {
  return {
    memoryRatio: th.memoryRatio,
    evictionsPerMinute: th.evictionsPerMinute,
    clientsRatio: th.clientsRatio,
    latencyMs: th.latencyMs,
    hitRate: th.hitRateTarget[environment],
  };
}

const ratio = (a: number | null, b: number | null) => (a !== null && b !== null && b > 0 ? a / b : null);

/** What the rates and the alert points read from a sample: the instance's totals or one node's row. */
export type SampleLike = Pick<
  StoredSample,
  "t" | "reachable" | "usedBytes" | "maxBytes" | "connectedClients" | "maxClients" | "latencyMs" | "deltas"
>;

/** Deltas summed over (t - windowMs, t] for every sample, in one pass (two pointers over prefix sums). */
export function windowedSums(samples: SampleLike[], windowMs: number): DeltaSum[] {
  const out: DeltaSum[] = [];
  const running = emptySum();
  const prefix: DeltaSum[] = [];
  let lo = 0;
  const sub = (a: DeltaSum, b: DeltaSum): DeltaSum => ({
    ms: a.ms - b.ms,
    evicted: a.evicted - b.evicted,
    expired: a.expired - b.expired,
    hits: a.hits - b.hits,
    misses: a.misses - b.misses,
    commands: a.commands - b.commands,
  });
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i];
    if (!s) continue;
    if (s.deltas) addDeltas(running, s.deltas);
    prefix.push({ ...running });
    while (lo < i && (samples[lo]?.t ?? 0) <= s.t - windowMs) lo++;
    // prefix[lo - 1] holds everything before the window.
    out.push(lo === 0 ? { ...running } : sub(running, prefix[lo - 1] ?? emptySum()));
  }
  return out;
}

/** The points the alert rules read, one per sample; unreachable samples are all-null points. */
export function alertPoints(samples: SampleLike[], th: AlertThresholds): AlertPoint[] {
  const evictions = windowedSums(samples, EVICTIONS_WINDOW_MS);
  const hits = windowedSums(samples, th.hitRateWindowMs);
  return samples.map((s, i) => {
    if (!s.reachable) {
      return {
        t: s.t,
        memoryRatio: null,
        evictionsPerMinute: null,
        clientsRatio: null,
        latencyMs: null,
        hitRate: null,
        lookups: 0,
      };
    }
    const hr = ratesOf(hits[i] ?? emptySum());
    return {
      t: s.t,
      memoryRatio: ratio(s.usedBytes, s.maxBytes),
      evictionsPerMinute: ratesOf(evictions[i] ?? emptySum()).evictionsPerMinute,
      clientsRatio: ratio(s.connectedClients, s.maxClients),
      latencyMs: s.latencyMs,
      hitRate: hr.hitRate,
      lookups: hr.lookups,
    };
  });
}

function quantile(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[idx] ?? null;
}

export interface OverviewInput {
  instanceId: string;
  environment: Environment;
  /** Oldest first; should reach back alertLookbackMs + the hit-rate window. */
  samples: StoredSample[];
  now: number;
  intervalMs: number;
  thresholds: AlertThresholds;
  latestScan: LatestScan | null;
  /** Why TTL compliance is unknown, if it is (lib/metrics/scan-input.ts). */
  ttlUnknown?: TtlComplianceUnknown | null;
  /** The previous overview: keeps an alert's `since` when its run started before the samples given. */
  previous?: Overview | null;
  /** Every node's rows (oldest first) over at least the alerts' lookback; absent: no node table. */
  nodeSamples?: StoredNodeSample[];
  /** Failovers seen (oldest first). */
  events?: MetricEvent[];
  /** Per-command latency rows (oldest first) over at least the latency rule's duration. */
  commandLatency?: StoredCommandLatency[];
}

function unreachableStretch(samples: StoredSample[]): { since: number; error: string | null } | null {
  const last = samples.at(-1);
  if (!last || last.reachable) return null;
  let since = last.t;
  for (let i = samples.length - 2; i >= 0; i--) {
    const s = samples[i];
    if (!s || s.reachable) break;
    since = s.t;
  }
  return { since, error: last.error };
}

function keepEarlierSince(
  overview: Overview,
  previous: Overview | null | undefined,
  firstT: number | undefined,
): void {
  if (!previous) return;
  const first = firstT === undefined ? "" : new Date(firstT).toISOString();
  for (const alert of overview.alerts) {
    const before = previous.alerts.find(
      (a) => a.rule === alert.rule && a.node === alert.node && a.command === alert.command,
    );
    if (before && alert.since === first && before.since < alert.since) {
      alert.since = before.since;
    }
    // A failing save can outlast the node rows read (the alerts' lookback): the run goes on while it fires.
    if (before && alert.rule === "persistence" && before.since < alert.since) alert.since = before.since;
    // Before any scan the compliance alert has no time of its own: it holds from when it was first seen.
    if (
      before &&
      alert.rule === "ttl-compliance-unknown" &&
      before.summary === alert.summary &&
      before.since < alert.since
    ) {
      alert.since = before.since;
    }
  }
}

function currentFigures(last: StoredSample | null): Pick<Overview, "memory" | "clients" | "keys"> {
  const usedBytes = last?.usedBytes ?? null;
  const maxBytes = last?.maxBytes ?? null;
  const connected = last?.connectedClients ?? null;
  const max = last?.maxClients ?? null;
  return {
    memory: { usedBytes, maxBytes, ratio: ratio(usedBytes, maxBytes) },
    clients: { connected, max, ratio: ratio(connected, max) },
    keys: last?.keys ?? null,
  };
}

export function buildOverview(input: OverviewInput): Overview {
  const { samples, thresholds: th } = input;
  const lastIndex = samples.findLastIndex((s) => s.reachable);
  const known = samples.slice(0, lastIndex + 1);
  const last = known.at(-1) ?? null;
  const down = unreachableStretch(samples);
  const end = last?.t ?? input.now;
  const rates = {
    evictions: ratesOf(windowSum(known, end, EVICTIONS_WINDOW_MS)),
    hits: ratesOf(windowSum(known, end, HIT_RATE_WINDOW_MS)),
    ops: ratesOf(windowSum(known, end, OPS_WINDOW_MS)),
  };
  const latencies = known
    .filter((s) => s.t > end - LATENCY_WINDOW_MS && s.latencyMs !== null)
    .map((s) => s.latencyMs ?? 0);
  const current = currentFigures(last);
  const kind = kindOf(samples);
  const byNode = groupNodes(input.nodeSamples ?? []);
  // While Redis is unreachable the alerts are the last known ones, judged at the last data.
  const alerts = alertsOf(input, known, byNode, kind, down ? end : input.now);
  const overview: Overview = {
    id: input.instanceId,
    reachable: samples.at(-1)?.reachable ?? false,
    ...(down ? { unreachableSince: new Date(down.since).toISOString() } : {}),
    ...(down?.error ? { error: down.error } : {}),
    sampledAt: last ? new Date(last.t).toISOString() : null,
    checkedAt: samples.length > 0 ? new Date(samples.at(-1)?.t ?? 0).toISOString() : null,
    stale: false,
    sampleIntervalSeconds: input.intervalMs / 1000,
    memory: current.memory,
    evictionsPerMinute: rates.evictions.evictionsPerMinute,
    hitRate: rates.hits.hitRate,
    opsPerSecond: rates.ops.opsPerSecond,
    clients: current.clients,
    latencyMs: { p50: quantile(latencies, 0.5), p95: quantile(latencies, 0.95) },
    keys: current.keys,
    windows: {
      evictionsSeconds: EVICTIONS_WINDOW_MS / 1000,
      hitRateSeconds: HIT_RATE_WINDOW_MS / 1000,
      opsSeconds: OPS_WINDOW_MS / 1000,
      latencySeconds: LATENCY_WINDOW_MS / 1000,
    },
    thresholds: thresholdsFor(th, input.environment),
    alerts,
    ...deploymentOf(kind, samples.at(-1) ?? null, byNode, input.events ?? [], th),
  };
  keepEarlierSince(overview, input.previous, samples[0]?.t);
  return overview;
}

/**
 * The instance's alerts. A deployment's memory, clients, evictions and latency are judged per node
 * (one node at 95 % fires even when the average is 50 %), its hit rate on the totals; the cluster's
 * state and the sentinels' master on every sample, reachable or not.
 */
function alertsOf(
  input: OverviewInput,
  known: StoredSample[],
  byNode: Map<string, StoredNodeSample[]>,
  kind: "standalone" | "cluster" | "sentinel",
  judgedAt: number,
): Alert[] {
  const th = input.thresholds;
  const perNode = kind !== "standalone" && byNode.size > 0;
  const alerts: Alert[] = evaluateAlerts({
    instanceId: input.instanceId,
    environment: input.environment,
    points: alertPoints(known, th),
    now: judgedAt,
    thresholds: th,
    latestScan: input.latestScan,
    ttlUnknown: input.ttlUnknown ?? null,
    ...(perNode ? { rules: ["hit-rate" as const] } : {}),
  });
  if (perNode) {
    for (const rows of byNode.values()) {
      const last = rows.at(-1);
      if (!last) continue;
      alerts.push(
        ...evaluateAlerts({
          instanceId: input.instanceId,
          environment: input.environment,
          points: alertPoints(rows, th),
          now: input.now,
          thresholds: th,
          node: { address: last.node, role: last.role },
          rules: ["memory", "evictions", "clients", "latency"],
        }),
      );
    }
  }
  alerts.push(...topologyAlerts(input.instanceId, input.samples.map(topologyPoint), input.now));
  alerts.push(
    ...commandLatencyAlerts(
      input.instanceId,
      commandSeries(input.commandLatency ?? [], byNode, kind),
      input.now,
      th,
    ),
  );
  alerts.push(...persistenceAlerts(input.instanceId, persistenceSeries(byNode, kind)));
  return sortAlerts(alerts);
}

/**
 * Per node and command, the judged figure at each of the node's reachable samples (null where the
 * command had no calls): windowed figures only, never since-start percentiles, which never clear.
 */
export function commandSeries(
  rows: StoredCommandLatency[],
  byNode: Map<string, StoredNodeSample[]>,
  kind: "standalone" | "cluster" | "sentinel",
): CommandLatencySeries[] {
  const out: CommandLatencySeries[] = [];
  for (const [address, nodeRows] of byNode) {
    const times = nodeRows.filter((r) => r.reachable).map((r) => r.t);
    const last = nodeRows.at(-1);
    const byCommand = new Map<string, Map<number, StoredCommandLatency>>();
    for (const r of rows) {
      if (r.node !== address || r.source === "latencystats") continue;
      let m = byCommand.get(r.command);
      if (!m) byCommand.set(r.command, (m = new Map()));
      m.set(r.t, r);
    }
    for (const [command, at] of byCommand) {
      const newest = [...at.values()].at(-1);
      if (!newest || newest.source === "latencystats") continue;
      out.push({
        command,
        ...(kind !== "standalone" && last ? { node: { address, role: last.role } } : {}),
        source: newest.source,
        windowMs: newest.windowMs ?? 0,
        points: times.map((t) => {
          const r = at.get(t);
          const us = r ? judgedUs(r) : null;
          return { t, valueMs: us === null ? null : us / 1000 };
        }),
      });
    }
  }
  return out;
}

function persistenceSeries(
  byNode: Map<string, StoredNodeSample[]>,
  kind: "standalone" | "cluster" | "sentinel",
) {
  return [...byNode.values()].flatMap((rows) => {
    const last = rows.at(-1);
    if (!last) return [];
    const points = rows.flatMap((r) =>
      r.reachable && r.persistence
        ? [
            {
              t: r.t,
              info: r.persistence.info,
              save: r.persistence.save,
              writesRefused: r.persistence.writesRefused,
            },
          ]
        : [],
    );
    return [{ ...(kind !== "standalone" ? { node: { address: last.node, role: last.role } } : {}), points }];
  });
}

function kindOf(samples: StoredSample[]): "standalone" | "cluster" | "sentinel" {
  return samples.at(-1)?.topology?.kind ?? "standalone";
}

function groupNodes(rows: StoredNodeSample[]): Map<string, StoredNodeSample[]> {
  const out = new Map<string, StoredNodeSample[]>();
  for (const r of rows) {
    let list = out.get(r.node);
    if (!list) out.set(r.node, (list = []));
    list.push(r);
  }
  return out;
}

function topologyPoint(s: StoredSample): TopologyPoint {
  const sentinel = s.topology?.sentinel ?? null;
  let sentinelProblem: string | null = null;
  if (sentinel?.error) sentinelProblem = `master unknown: ${sentinel.error}`;
  else if (sentinel && !sentinel.masterOk)
    sentinelProblem = `the sentinels name ${sentinel.master ?? "no master"}, which does not answer as a master (failover pending or under way)`;
  return { t: s.t, clusterNotOk: s.topology?.clusterNotOk ?? null, sentinelProblem };
}

const slotsText = (ranges: [number, number][]) =>
  ranges.map(([a, b]) => (a === b ? String(a) : `${a}-${b}`)).join(", ");

function nodeStatus(
  n: StoredNodeSample,
  memoryRatio: number | null,
  clientsRatio: number | null,
  th: AlertThresholds,
) {
  const problems: { tone: "warn" | "bad"; text: string }[] = [];
  if (!n.reachable) problems.push({ tone: "bad", text: `unreachable: ${n.error ?? "no answer"}` });
  const flagged = n.flags.filter((f) => ["fail", "fail?", "noaddr", "handshake"].includes(f));
  if (n.reachable && flagged.length > 0)
    problems.push({ tone: "bad", text: `flagged ${flagged.join(", ")}` });
  if (n.reachable && n.role === "replica" && n.linkStatus === "down")
    problems.push({ tone: "bad", text: "master link down" });
  if (n.clusterState !== null && n.clusterState !== "ok")
    problems.push({ tone: "bad", text: `cluster_state ${n.clusterState}` });
  if (memoryRatio !== null && memoryRatio > th.memoryRatio)
    problems.push({ tone: "bad", text: `memory ${(memoryRatio * 100).toFixed(0)} %` });
  else if (memoryRatio !== null && memoryRatio > th.memoryRatio * 0.9)
    problems.push({ tone: "warn", text: `memory ${(memoryRatio * 100).toFixed(0)} %` });
  if (clientsRatio !== null && clientsRatio > th.clientsRatio)
    problems.push({ tone: "bad", text: `clients ${(clientsRatio * 100).toFixed(0)} % of max` });
  if (problems.length === 0)
    return {
      status: "ok" as const,
      statusText: n.role === "replica" && n.linkStatus === "up" ? "up, link up" : "up",
    };
  return {
    status: problems.some((p) => p.tone === "bad") ? ("bad" as const) : ("warn" as const),
    statusText: problems.map((p) => p.text).join("; "),
  };
}

function nodeView(rows: StoredNodeSample[], th: AlertThresholds): OverviewNode | null {
  const n = rows.at(-1);
  if (!n) return null;
  const end = n.t;
  const evictions = ratesOf(windowSum(rows, end, EVICTIONS_WINDOW_MS));
  const ops = ratesOf(windowSum(rows, end, OPS_WINDOW_MS));
  const hits = ratesOf(windowSum(rows, end, HIT_RATE_WINDOW_MS));
  const memoryRatio = ratio(n.usedBytes, n.maxBytes);
  const clientsRatio = ratio(n.connectedClients, n.maxClients);
  return {
    address: n.node,
    role: n.role,
    master: n.master,
    slots: n.slots,
    slotCount: n.slots.reduce((c, [a, b]) => c + b - a + 1, 0),
    slotsText: slotsText(n.slots),
    reachable: n.reachable,
    error: n.error,
    memory: { usedBytes: n.usedBytes, maxBytes: n.maxBytes, ratio: memoryRatio },
    evictionsPerMinute: n.reachable ? evictions.evictionsPerMinute : null,
    opsPerSecond: n.reachable ? ops.opsPerSecond : null,
    hitRate: n.reachable ? hits.hitRate : null,
    clients: { connected: n.connectedClients, max: n.maxClients, ratio: clientsRatio },
    latencyMs: n.latencyMs,
    keys: n.keys,
    replication: {
      linkStatus: n.linkStatus,
      linkDownSeconds: n.linkDownSeconds,
      lagSeconds: n.lagSeconds,
      offsetBehind: n.offsetBehind,
      connectedReplicas: n.connectedReplicas,
    },
    flags: n.flags.filter((f) => !["myself", "master", "slave"].includes(f)),
    clusterState: n.clusterState,
    ...nodeStatus(n, memoryRatio, clientsRatio, th),
  };
}

function failoverOf(e: MetricEvent): FailoverEvent {
  return {
    at: new Date(e.t).toISOString(),
    from: e.detail.from,
    to: e.detail.to,
    ...(e.detail.configEpoch !== undefined ? { configEpoch: e.detail.configEpoch } : {}),
    ...(e.detail.slots !== undefined ? { slots: e.detail.slots } : {}),
  };
}

/** The node table (nodes of the newest sample, masters first), coverage of the totals, cluster and sentinel state. */
function deploymentOf(
  kind: "standalone" | "cluster" | "sentinel",
  last: StoredSample | null,
  byNode: Map<string, StoredNodeSample[]>,
  events: MetricEvent[],
  th: AlertThresholds,
): Partial<Overview> {
  const newest = Math.max(...[...byNode.values()].map((rows) => rows.at(-1)?.t ?? 0), 0);
  const nodes = [...byNode.values()]
    .filter((rows) => rows.at(-1)?.t === newest)
    .map((rows) => nodeView(rows, th))
    .filter((n): n is OverviewNode => n !== null)
    .sort(
      (a, b) =>
        Number(a.role === "replica") - Number(b.role === "replica") || a.address.localeCompare(b.address),
    );
  const topology = last?.topology ?? null;
  const failovers = events.map(failoverOf);
  const out: Partial<Overview> = { kind, nodes, failovers };
  if (topology) {
    out.coverage = {
      nodes: topology.nodes,
      answered: topology.nodes - topology.unanswered.length,
      unanswered: topology.unanswered,
      rateGaps: topology.rateGaps,
    };
  }
  if (kind === "cluster") {
    const notOk = topology?.clusterNotOk ?? null;
    out.cluster = {
      state: notOk === null ? "unknown" : notOk.length > 0 ? "fail" : "ok",
      notOk: notOk ?? [],
      masters: nodes.filter((n) => n.role === "master").length,
      replicas: nodes.filter((n) => n.role === "replica").length,
    };
  }
  if (kind === "sentinel" && topology?.sentinel) {
    const s = topology.sentinel;
    out.sentinel = {
      master: s.master,
      masterOk: s.masterOk,
      replicas: s.replicas,
      sentinels: s.sentinels,
      configEpoch: s.configEpoch,
      error: s.error,
      lastFailover: failovers.at(-1) ?? null,
    };
  }
  return out;
}

/** An overview with no data yet (before the first sample). */
export function emptyOverview(
  instanceId: string,
  environment: Environment,
  intervalMs: number,
  th: AlertThresholds,
): Overview {
  return buildOverview({
    instanceId,
    environment,
    samples: [],
    now: 0,
    intervalMs,
    thresholds: th,
    latestScan: null,
  });
}
