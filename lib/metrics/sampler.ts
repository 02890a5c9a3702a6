// The metrics sampler: a background loop in the server process that, per instance and every
// sample interval, reads INFO and a PING round trip from every node of the instance at once,
// stores each node's reading with its own counter deltas and the instance's totals over them,
// records a failover (another master) as an event, and writes the overview (figures, node table,
// rates, alerts) for the API to read. Only the process holding
// an instance's lease in the store samples it, so two consoles on one data directory do not both
// poll Redis; viewers never cause Redis calls.
import type { ScanState } from "./scan-input";
import "server-only";
import type { InstanceConfig } from "@/lib/config";
import { alertLookbackMs, type AlertThresholds } from "@/lib/policy/alerts";
import { describeRedisError } from "@/lib/redis/errors";
import {
  readInstance,
  totalsOf,
  type CommandReading,
  type InstanceReading,
  type RedisSample,
} from "@/lib/redis/sample";
import { overviewSchema, type Overview } from "@/lib/schemas/overview";
import type { Db } from "@/lib/store";
import {
  commandLatencyBetween,
  insertCommandLatency,
  type StoredCommandLatency,
} from "@/lib/store/command-latency";
import { readOverview, writeOverview } from "@/lib/store/overview-snapshots";
import { unreachableReading, type StoredReading } from "@/lib/store/readings";
import { logStoreFailure } from "@/lib/store/db";
import {
  acquireLease,
  announceSampler,
  forgetSampler,
  leasesHeldBy,
  liveSamplers,
  markUnreachable,
  clearUnreachable,
  unreachableMarks,
  releaseLease,
} from "@/lib/store/sampler-leases";
import {
  eventsBetween,
  insertEvent,
  insertNodeSamples,
  latestNodeSet,
  nodeSamplesBetween,
  type MetricEvent,
  type StoredNodeSample,
} from "@/lib/store/node-samples";
import {
  insertSample,
  latestSample,
  samplesBetween,
  type SampleTopology,
  type StoredSample,
} from "@/lib/store/samples";
import { commandWindow } from "./latency";
import { buildOverview } from "./overview";
import type { Deltas } from "@/lib/store/samples";
import { addDeltas, counterDeltas, emptySum, maxGapFor } from "./rates";
import { maintainInstance } from "./retention";
import { processId } from "@/lib/process-id";

export interface SamplerOptions {
  db: Db;
  instances: InstanceConfig[];
  intervalMs: number;
  thresholds: AlertThresholds;
  rawRetentionMs: number;
  rollupRetentionMs: number;
  owner?: string;
  /** Reads one sample of a one-node instance (tests may replace the reading of every node with it). */
  read?: (instance: InstanceConfig, now: number) => Promise<RedisSample>;
  /** Reads every node of the instance (default: lib/redis readInstance). */
  readNodes?: (instance: InstanceConfig, now: number) => Promise<InstanceReading>;
  /** The scans' state for the scan-based alerts (keys without TTL, TTL compliance unknown). */
  scanState?: (db: Db, instanceId: string) => Promise<ScanState>;
  now?: () => number;
  /**
   * Arms the loop's next sample after `delayMs` and answers how to cancel it (default: a timer that
   * does not keep the process alive); tests drive the loop on their own clock with it.
   */
  setTimer?: (run: () => void, delayMs: number) => () => void;
}

export type SampleOutcome = "sampled" | "unreachable" | "standby";

const MAINTENANCE_EVERY_MS = 60_000;
/**
 * Unreachable samples in a row after which a process hands the instance to another live one that
 * has not found it unreachable too: a replica cut off from one Redis must not speak for it.
 */
export const HANDOVER_AFTER_UNREACHABLE = 3;
/** How long a process's "could not reach it" stands (then it may take the instance back in turn). */
export const UNREACHABLE_MARK_MS = 10 * 60_000;
/** How long failover events stay on the charts and in the overview. */
export const EVENT_LOOKBACK_MS = 7 * 86_400_000;

export class MetricsSampler {
  readonly owner: string;
  /** Each instance's armed next sample, as its cancel function. */
  private readonly timers = new Map<string, () => void>();
  private readonly lastMaintenance = new Map<string, number>();
  private readonly previous = new Map<string, Overview>();
  private readonly lastSentinel = new Map<string, { master: string; epoch: number | null }>();
  /** Each node's last per-command counters (by instance and node): the next sample's interval is their difference. */
  private readonly lastCommands = new Map<string, { t: number; runId: string; reading: CommandReading }>();
  private running = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Unreachable samples in a row, by instance. */
  private readonly unreachableStreak = new Map<string, number>();
  /** Instances this process marked unreachable in the store (cleared when it reaches them again). */
  private readonly markedUnreachable = new Set<string>();

  constructor(private readonly options: SamplerOptions) {
    this.owner = options.owner ?? processId();
  }

  private get now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** The lease outlives a few missed samples, so a slow Redis does not hand sampling over. */
  get leaseMs(): number {
    return maxGapFor(this.options.intervalMs) + 5000;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    for (const instance of this.options.instances) this.schedule(instance, 0);
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
    await Promise.allSettled([...this.inFlight]);
    for (const instance of this.options.instances) await releaseLease(this.options.db, instance.id, this.owner);
    await forgetSampler(this.options.db, this.owner);
  }

  private schedule(instance: InstanceConfig, delayMs: number): void {
    if (!this.running) return;
    const run = () => {
      const started = this.now;
      const work = this.sampleOnce(instance.id)
        .catch((err: unknown) => logStoreFailure(`sampler ${instance.id}`, err))
        .finally(() => {
          this.inFlight.delete(work);
          const elapsed = this.now - started;
          this.schedule(instance, Math.max(0, this.options.intervalMs - elapsed));
        });
      this.inFlight.add(work);
    };
    this.timers.set(instance.id, (this.options.setTimer ?? unrefTimer)(run, delayMs));
  }

  private instance(id: string): InstanceConfig {
    const instance = this.options.instances.find((i) => i.id === id);
    if (!instance) throw new Error(`sampler: unknown instance ${id}`);
    return instance;
  }

  /**
   * Whether this process may hold the instance's lease at `t`: every live sampling process takes
   * its fair share, ceil(instances / processes). Under it, a free or expired lease may be taken;
   * over it (a process joined), the last of its leases by id is given back, one a sample, for the
   * newcomer to take at its next sample. The count of processes comes from each one's presence,
   * renewed at every sample and gone with the lease time, so a dead process's share passes on when
   * its leases expire.
   *
   * An instance another live process could not reach (it handed it over) may be taken beyond the
   * share and does not count in it; one this process could not reach is left to the others, unless
   * none of them can reach it either (then someone must still record that it is unreachable).
   */
  private async mayHold(instanceId: string, t: number): Promise<boolean> {
    const { db } = this.options;
    await announceSampler(db, this.owner, t);
    // This process among them: it announced itself just above.
    const live = await liveSamplers(db, t, this.leaseMs);
    const share = Math.ceil(this.options.instances.length / live.length);
    const marks = await unreachableMarks(db, t - UNREACHABLE_MARK_MS);
    const markedByOthers = (id: string) => (marks.get(id) ?? []).some((o) => o !== this.owner && live.includes(o));
    const held = await leasesHeldBy(db, this.owner, t);
    const counted = held.filter((id) => !markedByOthers(id));
    if (!held.includes(instanceId)) {
      const markers = marks.get(instanceId) ?? [];
      if (markers.includes(this.owner)) {
        return live.every((o) => markers.includes(o)) && counted.length < share;
      }
      return markedByOthers(instanceId) || counted.length < share;
    }
    if (counted.length > share && counted.at(-1) === instanceId) {
      await releaseLease(db, instanceId, this.owner);
      return false;
    }
    return true;
  }

  /**
   * After an unreachable sample: past HANDOVER_AFTER_UNREACHABLE in a row, hands the instance to
   * another live process that has not found it unreachable too, marking it so none hands it back.
   * After a reachable one: clears this process's mark.
   */
  private async afterSample(instanceId: string, reachable: boolean, t: number): Promise<void> {
    const { db } = this.options;
    if (reachable) {
      this.unreachableStreak.delete(instanceId);
      if (this.markedUnreachable.delete(instanceId)) await clearUnreachable(db, instanceId, this.owner);
      return;
    }
    const streak = (this.unreachableStreak.get(instanceId) ?? 0) + 1;
    this.unreachableStreak.set(instanceId, streak);
    if (streak < HANDOVER_AFTER_UNREACHABLE) return;
    const markers = (await unreachableMarks(db, t - UNREACHABLE_MARK_MS)).get(instanceId) ?? [];
    const others = (await liveSamplers(db, t, this.leaseMs)).filter(
      (o) => o !== this.owner && !markers.includes(o),
    );
    if (others.length === 0) return;
    await markUnreachable(db, instanceId, this.owner, t);
    this.markedUnreachable.add(instanceId);
    this.unreachableStreak.delete(instanceId);
    await releaseLease(db, instanceId, this.owner);
    console.warn(
      `isl-console: sampler: ${instanceId} unreachable from this process ${streak} times in a row; handed to another (${others.length} live)`,
    );
  }

  /** Takes one sample of the instance now, if this process holds (or can take) its lease. */
  async sampleOnce(instanceId: string): Promise<SampleOutcome> {
    const { db } = this.options;
    const instance = this.instance(instanceId);
    const t = this.now;
    if (!(await this.mayHold(instanceId, t))) return "standby";
    if (!(await acquireLease(db, instanceId, this.owner, t, this.leaseMs))) return "standby";
    let stored: StoredSample;
    let nodes: StoredNodeSample[] = [];
    let commands: StoredCommandLatency[] = [];
    if (this.options.read) {
      stored = await this.readOne(instance, t);
    } else {
      ({ stored, nodes, commands } = await this.readAll(instance, t));
    }
    await insertSample(db, stored);
    if (nodes.length > 0) await insertNodeSamples(db, nodes);
    await insertCommandLatency(db, commands);
    await this.writeOverview(instance, t);
    await this.maybeMaintain(instanceId, t);
    await this.afterSample(instanceId, stored.reachable, t);
    return stored.reachable ? "sampled" : "unreachable";
  }

  /** The one-node path of a replaced reader: the instance's sample is its only node's. */
  private async readOne(instance: InstanceConfig, t: number): Promise<StoredSample> {
    const { db, intervalMs } = this.options;
    try {
      const r = await (this.options.read as NonNullable<SamplerOptions["read"]>)(instance, t);
      const prev = await latestSample(db, instance.id);
      const deltas = counterDeltas(previousCounters(prev), { t, ...r }, maxGapFor(intervalMs));
      return { instanceId: instance.id, t, reachable: true, error: null, ...r, deltas };
    } catch (err) {
      return unreachableSample(instance.id, t, describeRedisError(err));
    }
  }

  /** Every node at once: a row per node with its own deltas, and the totals over the nodes that answered. */
  private async readAll(
    instance: InstanceConfig,
    t: number,
  ): Promise<{ stored: StoredSample; nodes: StoredNodeSample[]; commands: StoredCommandLatency[] }> {
    const { db, intervalMs } = this.options;
    const before = await latestNodeSet(db, instance.id);
    let reading: InstanceReading;
    try {
      reading = await (this.options.readNodes ?? readInstance)(instance, t);
    } catch (err) {
      // No node could even be asked: the nodes last seen are named, each with the instance's error.
      const error = describeRedisError(err);
      return {
        stored: unreachableSample(instance.id, t, error),
        nodes: before.map((n) => ({
          ...unreachableNode(instance.id, t, n.node, error),
          role: n.role,
          master: n.master,
          slots: n.slots,
        })),
        commands: [],
      };
    }
    const nodes = nodeRows(instance.id, t, reading, before, maxGapFor(intervalMs));
    const topology = topologyOf(reading, nodes);
    await this.recordFailovers(instance.id, t, reading, before, nodes);
    let stored: StoredSample;
    try {
      const totals = totalsOf(reading, instance.id);
      stored = {
        instanceId: instance.id,
        t,
        reachable: true,
        error: null,
        ...totals,
        deltas: totalDeltas(nodes),
        topology,
      };
    } catch (err) {
      stored = { ...unreachableSample(instance.id, t, describeRedisError(err)), topology };
    }
    return { stored, nodes, commands: this.commandRows(instance.id, t, reading) };
  }

  /**
   * Per node, each command's figures over the interval since the node's previous sample, when that
   * sample is recent and of the same server run (a restart or a long gap is a gap, never a spike).
   */
  private commandRows(instanceId: string, t: number, reading: InstanceReading): StoredCommandLatency[] {
    const rows: StoredCommandLatency[] = [];
    const maxGap = maxGapFor(this.options.intervalMs);
    for (const n of reading.nodes) {
      const s = n.sample;
      if (!s?.commands) continue;
      const key = `${instanceId}\0${n.address}`;
      const prev = this.lastCommands.get(key);
      const comparable = prev && prev.runId === s.runId && t - prev.t <= maxGap ? prev : null;
      const points = commandWindow(
        comparable?.reading ?? null,
        s.commands,
        comparable ? t - comparable.t : null,
      );
      this.lastCommands.set(key, { t, runId: s.runId, reading: s.commands });
      for (const p of points) rows.push({ ...p, instanceId, t, node: n.address });
    }
    return rows;
  }

  /** Another master between two samples is a failover: the sentinels name another one, or a replica became master. */
  private async recordFailovers(
    instanceId: string,
    t: number,
    reading: InstanceReading,
    before: StoredNodeSample[],
    now: StoredNodeSample[],
  ): Promise<void> {
    const { db } = this.options;
    const events: MetricEvent[] = [];
    if (reading.sentinel?.master) {
      const last = this.lastSentinel.get(instanceId) ?? (await sentinelOfLatest(db, instanceId));
      const cur = { master: reading.sentinel.master, epoch: reading.sentinel.configEpoch };
      if (
        last &&
        (last.master !== cur.master || (cur.epoch !== null && last.epoch !== null && cur.epoch > last.epoch))
      ) {
        events.push({
          t,
          kind: "failover",
          detail: { from: last.master, to: cur.master, configEpoch: cur.epoch },
        });
      }
      this.lastSentinel.set(instanceId, cur);
    } else if (reading.kind === "cluster") {
      for (const n of now) {
        const prev = before.find((b) => b.node === n.node);
        if (n.reachable && n.role === "master" && prev?.reachable && prev.role === "replica") {
          const slots = n.slots.map(([a, b]) => (a === b ? String(a) : `${a}-${b}`)).join(", ");
          events.push({ t, kind: "failover", detail: { from: prev.master, to: n.node, slots } });
        }
      }
    }
    for (const e of events) await insertEvent(db, instanceId, e);
  }

  private async writeOverview(instance: InstanceConfig, now: number): Promise<void> {
    const { db, thresholds, intervalMs } = this.options;
    const from = now - alertLookbackMs(thresholds) - thresholds.hitRateWindowMs;
    const previous = this.previous.get(instance.id) ?? (await storedOverview(db, instance.id));
    const nodeFrom = now - alertLookbackMs(thresholds);
    const overview = buildOverview({
      instanceId: instance.id,
      environment: instance.environment,
      samples: await samplesBetween(db, instance.id, from, now),
      nodeSamples: await nodeSamplesBetween(db, instance.id, nodeFrom, now),
      commandLatency: await commandLatencyBetween(db, instance.id, nodeFrom, now),
      events: await eventsBetween(db, instance.id, now - EVENT_LOOKBACK_MS, now),
      now,
      intervalMs,
      thresholds,
      ...((await this.options.scanState?.(db, instance.id)) ?? { latestScan: null, ttlUnknown: null }),
      previous,
    });
    this.previous.set(instance.id, overview);
    await writeOverview(db, instance.id, now, overview);
  }

  private async maybeMaintain(instanceId: string, now: number): Promise<void> {
    const last = this.lastMaintenance.get(instanceId) ?? 0;
    if (now - last < MAINTENANCE_EVERY_MS) return;
    this.lastMaintenance.set(instanceId, now);
    await maintainInstance(this.options.db, instanceId, now, {
      rawRetentionMs: this.options.rawRetentionMs,
      rollupRetentionMs: this.options.rollupRetentionMs,
    });
  }
}

/** A stored reading as the base of the next one's counter deltas: none unless it was reached with a run id. */
function previousCounters(prev: (StoredReading & { t: number }) | null | undefined) {
  if (!prev?.reachable || prev.runId === null) return null;
  return {
    t: prev.t,
    runId: prev.runId,
    evictedKeys: prev.evictedKeys ?? 0,
    expiredKeys: prev.expiredKeys ?? 0,
    keyspaceHits: prev.keyspaceHits ?? 0,
    keyspaceMisses: prev.keyspaceMisses ?? 0,
    totalCommands: prev.totalCommands ?? 0,
  };
}

/** A timer that does not keep the process alive (the sampler runs beside the server). */
function unrefTimer(run: () => void, delayMs: number): () => void {
  const timer = setTimeout(run, delayMs);
  timer.unref();
  return () => clearTimeout(timer);
}

function unreachableSample(instanceId: string, t: number, error: string): StoredSample {
  return { instanceId, t, ...unreachableReading(error), uptimeSeconds: null };
}

function unreachableNode(instanceId: string, t: number, node: string, error: string): StoredNodeSample {
  return {
    instanceId,
    t,
    node,
    role: "master",
    master: null,
    slots: [],
    flags: [],
    ...unreachableReading(error),
    linkStatus: null,
    linkDownSeconds: null,
    lagSeconds: null,
    offsetBehind: null,
    connectedReplicas: null,
    clusterState: null,
  };
}

/** One row per node read, with the deltas since that node's own previous row (its own run_id). */
export function nodeRows(
  instanceId: string,
  t: number,
  reading: InstanceReading,
  before: StoredNodeSample[],
  maxGapMs: number,
): StoredNodeSample[] {
  return reading.nodes.map((n) => {
    const base = {
      ...unreachableNode(instanceId, t, n.address, n.error ?? "no answer"),
      role: n.role,
      master: n.master,
      slots: n.slots,
      flags: n.flags,
    };
    const s = n.sample;
    if (!s) return base;
    const prevReading = previousCounters(before.find((b) => b.node === n.address));
    return {
      ...base,
      reachable: true,
      error: null,
      runId: s.runId,
      usedBytes: s.usedBytes,
      maxBytes: s.maxBytes,
      connectedClients: s.connectedClients,
      maxClients: s.maxClients,
      latencyMs: s.latencyMs,
      keys: s.keys,
      evictedKeys: s.evictedKeys,
      expiredKeys: s.expiredKeys,
      keyspaceHits: s.keyspaceHits,
      keyspaceMisses: s.keyspaceMisses,
      totalCommands: s.totalCommands,
      deltas: counterDeltas(prevReading, { t, ...s }, maxGapMs),
      linkStatus: s.replication.linkStatus,
      linkDownSeconds: s.replication.linkDownSeconds,
      lagSeconds: s.replication.lagSeconds,
      offsetBehind: s.replication.offsetBehind,
      connectedReplicas: s.replication.connectedReplicas,
      clusterState: s.clusterState,
      persistence: s.persistence,
    };
  });
}

/**
 * The totals' deltas: the sum over the nodes that answered, when every one of them has a rate. A node
 * that restarted (or is new) makes the totals' rates a gap for this sample rather than a lower figure.
 */
export function totalDeltas(nodes: StoredNodeSample[]): Deltas | null {
  const answered = nodes.filter((n) => n.reachable);
  if (answered.length === 0 || answered.some((n) => n.deltas === null)) return null;
  const sum = emptySum();
  for (const n of answered) if (n.deltas) addDeltas(sum, n.deltas);
  // Every node was sampled at the same two moments: the totals cover one interval, not one per node.
  return { ...sum, ms: Math.max(...answered.map((n) => n.deltas?.ms ?? 0)) };
}

function topologyOf(reading: InstanceReading, nodes: StoredNodeSample[]): SampleTopology {
  const clusterStates = nodes.filter((n) => n.clusterState !== null);
  const sentinel = reading.sentinel;
  const masterNode = sentinel?.master ? nodes.find((n) => n.node === sentinel.master) : undefined;
  return {
    kind: reading.kind,
    nodes: nodes.length,
    unanswered: nodes.filter((n) => !n.reachable).map((n) => n.node),
    rateGaps: nodes.filter((n) => n.reachable && n.deltas === null).map((n) => n.node),
    clusterNotOk:
      reading.kind === "cluster" && clusterStates.length > 0
        ? clusterStates
            .filter((n) => n.clusterState !== "ok")
            .map((n) => ({ node: n.node, state: n.clusterState ?? "" }))
        : null,
    sentinel: sentinel
      ? { ...sentinel, masterOk: masterNode?.reachable === true && masterNode.role === "master" }
      : null,
  };
}

async function sentinelOfLatest(
  db: Db,
  instanceId: string,
): Promise<{ master: string; epoch: number | null } | null> {
  const s = (await latestSample(db, instanceId))?.topology?.sentinel;
  return s?.master ? { master: s.master, epoch: s.configEpoch } : null;
}

async function storedOverview(db: Db, instanceId: string): Promise<Overview | null> {
  const row = await readOverview(db, instanceId);
  if (!row) return null;
  const parsed = overviewSchema.safeParse(row.body);
  return parsed.success ? parsed.data : null;
}
