// The ops page's reads: config compliance, slow log, clients and latency for one instance.
// Redis is asked only for what the store does not hold (config, slow log, clients, latency
// events); the PING history comes from the sampler's samples.
import "server-only";
import { getConfig, type InstanceConfig } from "@/lib/config";
import { checkConfig, recommendedSettings } from "@/lib/policy/config-checks";
import { readClients } from "@/lib/redis/clients";
import { describeRedisError } from "@/lib/redis/errors";
import { readLatencyMonitor } from "@/lib/redis/latency";
import { readServerConfig } from "@/lib/redis/server-config";
import { readSlowlog } from "@/lib/redis/slowlog";
import type { ClientsResponse, ConfigResponse, LatencyResponse, SlowlogResponse } from "@/lib/schemas/ops";
import { getStore, type Db } from "@/lib/store";
import { samplesBetween } from "@/lib/store/samples";
import { latencyMinutes } from "@/lib/metrics/latency";

export async function configCompliance(instance: InstanceConfig, now = new Date()): Promise<ConfigResponse> {
  const { facts, source } = await readServerConfig(instance);
  const checks = checkConfig(facts, instance.environment);
  return {
    id: instance.id,
    environment: instance.environment,
    source,
    configDisabled: facts.configDisabled,
    checkedAt: now.toISOString(),
    checks,
    recommended: facts.configDisabled
      ? []
      : recommendedSettings(checks, instance.environment).map(([name, value]) => ({ name, value })),
  };
}

export async function slowlog(
  instance: InstanceConfig,
  { count, reveal }: { count: number; reveal: boolean },
): Promise<SlowlogResponse> {
  const log = await readSlowlog(instance, { count, reveal });
  return { id: instance.id, revealed: reveal, ...log };
}

export function clients(instance: InstanceConfig): Promise<ClientsResponse> {
  return readClients(instance, getConfig().metrics.alerts.clientsRatio);
}

export async function latency(
  instance: InstanceConfig,
  minutes: number,
  { db = getStore(), now = Date.now() }: { db?: Db; now?: number } = {},
): Promise<LatencyResponse> {
  const from = now - minutes * 60_000;
  const body: LatencyResponse = {
    id: instance.id,
    minutes: latencyMinutes(samplesBetween(db, instance.id, from - 60_000, now), from, now),
    thresholdMs: getConfig().metrics.alerts.latencyMs,
    monitorThresholdMs: null,
    events: [],
  };
  try {
    const monitor = await readLatencyMonitor(instance);
    body.monitorThresholdMs = monitor.thresholdMs;
    body.events = monitor.events;
  } catch (err) {
    // The history is in the store: an unreachable Redis only costs the events.
    body.eventsError = describeRedisError(err);
  }
  return body;
}
