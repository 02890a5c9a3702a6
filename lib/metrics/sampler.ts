// The metrics sampler: a background loop in the server process that, per instance and every
// sample interval, reads INFO and a PING round trip, stores the sample with its counter deltas,
// and writes the overview (figures, rates, alerts) for the API to read. Only the process holding
// an instance's lease in the store samples it, so two consoles on one data directory do not both
// poll Redis; viewers never cause Redis calls.
import type { ScanState } from "./scan-input";
import "server-only";
import { randomUUID } from "node:crypto";
import os from "node:os";
import type { InstanceConfig } from "@/lib/config";
import { alertLookbackMs, type AlertThresholds } from "@/lib/policy/alerts";
import { describeRedisError } from "@/lib/redis/errors";
import { readSample, type RedisSample } from "@/lib/redis/sample";
import { overviewSchema, type Overview } from "@/lib/schemas/overview";
import type { Db } from "@/lib/store";
import { readOverview, writeOverview } from "@/lib/store/overview-snapshots";
import { acquireLease, releaseLease } from "@/lib/store/sampler-leases";
import { insertSample, latestSample, samplesBetween, type StoredSample } from "@/lib/store/samples";
import { buildOverview } from "./overview";
import { counterDeltas, maxGapFor } from "./rates";
import { maintainInstance } from "./retention";

export interface SamplerOptions {
  db: Db;
  instances: InstanceConfig[];
  intervalMs: number;
  thresholds: AlertThresholds;
  rawRetentionMs: number;
  rollupRetentionMs: number;
  owner?: string;
  /** Reads one sample from Redis (tests may replace it). */
  read?: (instance: InstanceConfig, now: number) => Promise<RedisSample>;
  /** The scans' state for the scan-based alerts (keys without TTL, TTL compliance unknown). */
  scanState?: (db: Db, instanceId: string) => ScanState;
  now?: () => number;
}

export type SampleOutcome = "sampled" | "unreachable" | "standby";

const MAINTENANCE_EVERY_MS = 60_000;

export class MetricsSampler {
  readonly owner: string;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly lastMaintenance = new Map<string, number>();
  private readonly previous = new Map<string, Overview>();
  private running = false;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly options: SamplerOptions) {
    this.owner = options.owner ?? `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
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
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.inFlight]);
    for (const instance of this.options.instances) releaseLease(this.options.db, instance.id, this.owner);
  }

  private schedule(instance: InstanceConfig, delayMs: number): void {
    if (!this.running) return;
    const timer = setTimeout(() => {
      const started = this.now;
      const work = this.sampleOnce(instance.id)
        .catch((err: unknown) => console.error(`isl-console: sampler ${instance.id}:`, err))
        .finally(() => {
          this.inFlight.delete(work);
          const elapsed = this.now - started;
          this.schedule(instance, Math.max(0, this.options.intervalMs - elapsed));
        });
      this.inFlight.add(work);
    }, delayMs);
    timer.unref();
    this.timers.set(instance.id, timer);
  }

  private instance(id: string): InstanceConfig {
    const instance = this.options.instances.find((i) => i.id === id);
    if (!instance) throw new Error(`sampler: unknown instance ${id}`);
    return instance;
  }

  /** Takes one sample of the instance now, if this process holds (or can take) its lease. */
  async sampleOnce(instanceId: string): Promise<SampleOutcome> {
    const { db, intervalMs } = this.options;
    const instance = this.instance(instanceId);
    const t = this.now;
    if (!acquireLease(db, instanceId, this.owner, t, this.leaseMs)) return "standby";
    let stored: StoredSample;
    try {
      const r = await (this.options.read ?? readSample)(instance, t);
      const prev = latestSample(db, instanceId);
      const prevReading =
        prev?.reachable && prev.runId !== null
          ? {
              t: prev.t,
              runId: prev.runId,
              evictedKeys: prev.evictedKeys ?? 0,
              expiredKeys: prev.expiredKeys ?? 0,
              keyspaceHits: prev.keyspaceHits ?? 0,
              keyspaceMisses: prev.keyspaceMisses ?? 0,
              totalCommands: prev.totalCommands ?? 0,
            }
          : null;
      const deltas = counterDeltas(prevReading, { t, ...r }, maxGapFor(intervalMs));
      stored = { instanceId, t, reachable: true, error: null, ...r, deltas };
    } catch (err) {
      stored = unreachableSample(instanceId, t, describeRedisError(err));
    }
    insertSample(db, stored);
    this.writeOverview(instance, t);
    await this.maybeMaintain(instanceId, t);
    return stored.reachable ? "sampled" : "unreachable";
  }

  private writeOverview(instance: InstanceConfig, now: number): void {
    const { db, thresholds, intervalMs } = this.options;
    const from = now - alertLookbackMs(thresholds) - thresholds.hitRateWindowMs;
    const previous = this.previous.get(instance.id) ?? storedOverview(db, instance.id);
    const overview = buildOverview({
      instanceId: instance.id,
      environment: instance.environment,
      samples: samplesBetween(db, instance.id, from, now),
      now,
      intervalMs,
      thresholds,
      ...(this.options.scanState?.(db, instance.id) ?? { latestScan: null, ttlUnknown: null }),
      previous,
    });
    this.previous.set(instance.id, overview);
    writeOverview(db, instance.id, now, overview);
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

function unreachableSample(instanceId: string, t: number, error: string): StoredSample {
  return {
    instanceId,
    t,
    reachable: false,
    error,
    runId: null,
    uptimeSeconds: null,
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

function storedOverview(db: Db, instanceId: string): Overview | null {
  const row = readOverview(db, instanceId);
  if (!row) return null;
  const parsed = overviewSchema.safeParse(row.body);
  return parsed.success ? parsed.data : null;
}
