// What the rest of the server uses: start the process-wide sampler, and answer the overview and
// metrics APIs from the store (never from Redis), with a small cache keyed by the newest sample.
// The scan-based alerts (keys without TTL, TTL compliance unknown) are judged again at read time
// whenever the scans or the live watch's findings changed since the sample: a key the watch saw
// written without TTL fires the alert within a second, not at the next sample.
import "server-only";
import { getConfig, type InstanceConfig } from "@/lib/config";
import { evaluateAlerts, sortAlerts, utcText, type AlertThresholds } from "@/lib/policy/alerts";
import type { MetricsRange, MetricsResponse } from "@/lib/schemas/metrics";
import type { Overview } from "@/lib/schemas/overview";
import { getStore, type Db } from "@/lib/store";
import { readOverview } from "@/lib/store/overview-snapshots";
import { rollupsBetween, rollupWatermark } from "@/lib/store/rollups";
import { eventsBetween } from "@/lib/store/node-samples";
import { newestSampleT, samplesBetween } from "@/lib/store/samples";
import { latestFinishedScanVersion } from "@/lib/store/scans";
import { findingsVersion } from "@/lib/store/watch";
import { buildPoints, rangeMs, stepFor, usesRollups } from "./history";
import { emptyOverview, thresholdsFor } from "./overview";
import { maxGapFor } from "./rates";
import { MetricsSampler } from "./sampler";
import { scanStateInput, type ScanState } from "./scan-input";

const registry = globalThis as typeof globalThis & { __islSampler?: MetricsSampler };

/** A sampler over every configured instance, with the configured interval, thresholds and retention (not started). */
export function samplerFromConfig(): MetricsSampler {
  const config = getConfig();
  return new MetricsSampler({
    db: getStore(),
    instances: config.instances,
    intervalMs: config.metrics.sampleIntervalMs,
    thresholds: config.metrics.alerts,
    rawRetentionMs: config.metrics.rawRetentionMs,
    rollupRetentionMs: config.metrics.rollupRetentionMs,
    scanState: scanStateInput,
  });
}

/** Starts sampling every configured instance (once per process; the store lease picks one process). */
export function startMetricsSampler(): MetricsSampler {
  if (registry.__islSampler) return registry.__islSampler;
  const sampler = samplerFromConfig();
  sampler.start();
  registry.__islSampler = sampler;
  return sampler;
}

/**
 * The running sampler's owner id (its name in the store's leases), or undefined before the server
 * started it; never starts one.
 */
export function samplerOwner(): string | undefined {
  return registry.__islSampler?.owner;
}

export async function stopMetricsSampler(): Promise<void> {
  const sampler = registry.__islSampler;
  registry.__islSampler = undefined;
  await sampler?.stop();
}

// Per store handle, so tests with their own store never see another's answers.
const overviewCaches = new WeakMap<Db, Map<string, { t: number; fingerprint: string; overview: Overview }>>();
const metricsCaches = new WeakMap<Db, Map<string, { newest: number; at: number; body: MetricsResponse }>>();

function cacheOf<V>(caches: WeakMap<Db, Map<string, V>>, db: Db): Map<string, V> {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  return cache;
}

export interface ReadSettings {
  intervalMs: number;
  thresholds: AlertThresholds;
}

function settings(): ReadSettings {
  const { metrics } = getConfig();
  return { intervalMs: metrics.sampleIntervalMs, thresholds: metrics.alerts };
}

/** The overview the sampler last wrote; `stale` when no process has sampled for a few intervals. */
export async function getOverview(
  instance: InstanceConfig,
  db: Db = getStore(),
  opts: ReadSettings = settings(),
  now = Date.now(),
): Promise<Overview> {
  const row = await readOverview(db, instance.id);
  if (!row)
    return {
      ...emptyOverview(instance.id, instance.environment, opts.intervalMs, opts.thresholds),
      stale: true,
    };
  const overviewCache = cacheOf(overviewCaches, db);
  let cached = overviewCache.get(instance.id);
  const fingerprint = await scanFingerprint(db, instance.id);
  if (!cached || cached.t !== row.t || cached.fingerprint !== fingerprint) {
    const overview = withScanAlerts(
      row.body as Overview,
      instance,
      await scanStateInput(db, instance.id, now),
      opts,
      now,
    );
    cached = { t: row.t, fingerprint, overview };
    overviewCache.set(instance.id, cached);
  }
  const stale = now - row.t > maxGapFor(opts.intervalMs) + 2000;
  return stale === cached.overview.stale ? cached.overview : { ...cached.overview, stale };
}

/** Changes whenever a scan finishes or is adjusted, or the watch's findings change. */
async function scanFingerprint(db: Db, instanceId: string): Promise<string> {
  return `${await latestFinishedScanVersion(db, instanceId)}|${await findingsVersion(db, instanceId)}`;
}

const SCAN_RULES = new Set(["keys-without-ttl", "ttl-compliance-unknown"]);

/**
 * The stored overview with its scan-based alerts judged on the current scans and findings. A
 * compliance alert with the same words keeps its earlier `since`; the keys-without-TTL alert names
 * the keys the watch saw.
 */
export function withScanAlerts(
  stored: Overview,
  instance: InstanceConfig,
  state: ScanState,
  opts: ReadSettings,
  now: number,
): Overview {
  const fresh = evaluateAlerts({
    instanceId: instance.id,
    environment: instance.environment,
    points: [],
    now,
    thresholds: opts.thresholds,
    latestScan: state.latestScan,
    ttlUnknown: state.ttlUnknown,
    rules: [],
  }) as Overview["alerts"];
  for (const alert of fresh) {
    const before = stored.alerts.find((a) => a.rule === alert.rule && a.summary === alert.summary);
    if (before && before.since < alert.since) alert.since = before.since;
    const watch = state.watch;
    if (alert.rule === "keys-without-ttl" && watch) {
      const live = `${watch.keys} seen live by the watch (the last written at ${utcText(watch.lastSeenAt, now)})`;
      alert.summary =
        watch.scanKeys > 0
          ? `${alert.value} keys without TTL: ${watch.scanKeys} in the latest scan, ${live}`
          : `${alert.value} key${alert.value === 1 ? "" : "s"} without TTL ${live.replace(/^\d+ /, "")}`;
    }
  }
  const alerts = sortAlerts([...stored.alerts.filter((a) => !SCAN_RULES.has(a.rule)), ...fresh] as never[]);
  return { ...stored, alerts: alerts as Overview["alerts"] };
}

export async function getMetrics(
  instance: InstanceConfig,
  range: MetricsRange,
  db: Db = getStore(),
  opts: ReadSettings = settings(),
  now = Date.now(),
): Promise<MetricsResponse> {
  const intervalMs = opts.intervalMs;
  const stepMs = stepFor(range, intervalMs);
  const key = `${instance.id}:${range}`;
  const newest = await newestSampleT(db, instance.id);
  const metricsCache = cacheOf(metricsCaches, db);
  const hit = metricsCache.get(key);
  // Same newest sample and the same bucket of time: the answer has not changed.
  if (hit && hit.newest === newest && Math.floor(hit.at / stepMs) === Math.floor(now / stepMs))
    return hit.body;
  const from = now - rangeMs[range];
  let points;
  if (usesRollups(range)) {
    const watermark = (await rollupWatermark(db, instance.id)) ?? from;
    const rollups = await rollupsBetween(db, instance.id, from, watermark);
    const tail = await samplesBetween(db, instance.id, Math.max(from, watermark), now);
    points = buildPoints({ from, to: now, stepMs, intervalMs, samples: tail, rollups });
  } else {
    points = buildPoints({
      from,
      to: now,
      stepMs,
      intervalMs,
      samples: await samplesBetween(db, instance.id, from, now),
    });
  }
  const events = (await eventsBetween(db, instance.id, from, now)).map((e) => ({
    t: e.t,
    kind: "failover" as const,
    label: `failover: ${e.detail.from ?? "?"} -> ${e.detail.to}`,
  }));
  const body: MetricsResponse = {
    id: instance.id,
    range,
    from,
    to: now,
    stepSeconds: stepMs / 1000,
    source: usesRollups(range) ? "rollups" : "raw",
    thresholds: thresholdsFor(opts.thresholds, instance.environment),
    points,
    ...(events.length > 0 ? { events } : {}),
  };
  metricsCache.set(key, { newest, at: now, body });
  return body;
}
