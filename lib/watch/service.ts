// The live TTL watch for every configured instance, run only where this process holds the
// instance's sampler lease (lib/metrics/sampler.ts), so two consoles on one store do not both
// subscribe and read. Checked every 2 s: a process that gains the lease starts the instance's
// watch, one that loses it stops. The status API reads what the running process stored, from any
// process.
import "server-only";
import { getConfig, type InstanceConfig } from "@/lib/config";
import { compiledPolicy } from "@/lib/config/compiled-policy";
import type { WatchStatus } from "@/lib/schemas/watch";
import { getStore, type Db } from "@/lib/store";
import { leaseOwner } from "@/lib/store/sampler-leases";
import { logStoreFailure } from "@/lib/store/db";
import { findingCounts, readWatchStatus, writeWatchStatus } from "@/lib/store/watch";
import { InstanceWatch } from "./instance-watch";

export const DEFAULT_MAX_READS_PER_SECOND = 500;
const LEASE_CHECK_MS = 2000;
/** A stored status older than this was not written by a running watch. */
const STATUS_STALE_MS = 15_000;

export interface WatchServiceOptions {
  db: Db;
  instances: InstanceConfig[];
  maxReadsPerSecond: number;
  /** Whether this process runs the instance's per-instance work now (holds its sampler lease). */
  isLeader: (instanceId: string, now: number) => boolean | Promise<boolean>;
  now?: () => number;
  recheckMs?: { on: number; off: number };
}

export class WatchService {
  private readonly watches = new Map<string, InstanceWatch>();
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: WatchServiceOptions) {}

  private get now(): number {
    return this.options.now?.() ?? Date.now();
  }

  start(): void {
    if (this.timer) return;
    const tick = () => {
      // One check at a time: a slow store read never lets two start the same watch.
      if (this.checking) return;
      this.checking = this.check()
        .catch((err: unknown) => logStoreFailure("live watch: lease check failed", err))
        .finally(() => (this.checking = undefined));
    };
    tick();
    this.timer = setInterval(tick, LEASE_CHECK_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.checking;
    const all = [...this.watches.values()];
    this.watches.clear();
    await Promise.all(all.map((w) => w.stop()));
  }

  /** The running watch of an instance in this process (tests, the status of this process). */
  watchOf(instanceId: string): InstanceWatch | undefined {
    return this.watches.get(instanceId);
  }

  /** Starts or stops each instance's watch by the lease; writes "off" where the budget is 0. */
  async check(): Promise<void> {
    const now = this.now;
    for (const instance of this.options.instances) {
      const leader = await this.options.isLeader(instance.id, now);
      // Stopped while asking: start nothing more.
      if (this.stopped) return;
      const running = this.watches.get(instance.id);
      if (!leader) {
        if (running) {
          this.watches.delete(instance.id);
          void running.stop();
        }
        continue;
      }
      if (this.options.maxReadsPerSecond === 0) {
        await writeWatchStatus(
          this.options.db,
          offStatus(
            instance.id,
            "WATCH_MAX_READS_PER_SECOND is 0: the watch is turned off; scans still find keys without TTL",
            0,
            now,
          ),
          now,
        );
        continue;
      }
      if (running) continue;
      const watch = new InstanceWatch({
        db: this.options.db,
        instance,
        compiled: compiledPolicy(),
        maxReadsPerSecond: this.options.maxReadsPerSecond,
        ...(this.options.now ? { now: this.options.now } : {}),
        ...(this.options.recheckMs ? { recheckMs: this.options.recheckMs } : {}),
      });
      this.watches.set(instance.id, watch);
      watch.start();
    }
  }
}

function offStatus(id: string, reason: string, limit: number, now: number): WatchStatus {
  return {
    id,
    state: "off",
    reason,
    since: new Date(now).toISOString(),
    nodes: [],
    readsPerSecondLimit: limit,
    lastMinute: { events: 0, keys: 0, keysRead: 0, unread: 0, sampled: false },
    missed: [],
    findings: 0,
  };
}

function configuredLimit(): number {
  return getConfig().watch?.maxReadsPerSecond ?? DEFAULT_MAX_READS_PER_SECOND;
}

/**
 * The instance's watch status as stored by the process that runs it, with the current findings
 * count; "off" with why when no process runs it (or the budget is 0).
 */
export async function watchStatus(
  instance: InstanceConfig,
  {
    db = getStore(),
    now = Date.now(),
    limit = configuredLimit(),
  }: { db?: Db; now?: number; limit?: number } = {},
): Promise<WatchStatus> {
  const counts = await findingCounts(db, instance.id, now);
  const findings = counts.noTtl + counts.aboveStandard;
  if (limit === 0)
    return {
      ...offStatus(
        instance.id,
        "WATCH_MAX_READS_PER_SECOND is 0: the watch is turned off; scans still find keys without TTL",
        0,
        now,
      ),
      findings,
    };
  const stored = await readWatchStatus(db, instance.id);
  if (!stored || now - stored.updatedAt > STATUS_STALE_MS) {
    const since = stored ? new Date(stored.updatedAt).toISOString() : new Date(now).toISOString();
    return {
      ...offStatus(
        instance.id,
        stored
          ? `no console process has run the watch since ${since.slice(11, 19)} UTC (it runs in the process that samples the instance)`
          : "no console process runs the watch yet (it starts with the process that samples the instance)",
        limit,
        now,
      ),
      since,
      findings,
      ...(stored ? { missed: stored.status.missed } : {}),
    };
  }
  return { ...stored.status, findings };
}

const registry = globalThis as typeof globalThis & { __islWatch?: WatchService };

/** Starts the watch of every configured instance (once per process), led by the sampler's lease `owner`. */
export function startLiveWatch(owner: string): WatchService {
  if (registry.__islWatch) return registry.__islWatch;
  const config = getConfig();
  const db = getStore();
  const service = new WatchService({
    db,
    instances: config.instances,
    maxReadsPerSecond: configuredLimit(),
    isLeader: async (instanceId, now) => (await leaseOwner(db, instanceId, now)) === owner,
  });
  service.start();
  registry.__islWatch = service;
  return service;
}

export async function stopLiveWatch(): Promise<void> {
  const service = registry.__islWatch;
  registry.__islWatch = undefined;
  await service?.stop();
}
