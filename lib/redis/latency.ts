// LATENCY LATEST (Redis's latency monitor) and the threshold it runs with. The monitor is off
// unless latency-monitor-threshold > 0; the PING history itself comes from the sampler's store.
import "server-only";
import type { InstanceConfig } from "@/lib/config";
import { withRedis } from "./client";
import { configGet } from "./server-config";

export interface LatencyEvent {
  event: string;
  time: string;
  latestMs: number;
  maxMs: number;
}

export interface LatencyMonitor {
  /** latency-monitor-threshold in ms; 0 = off; null = CONFIG disabled. */
  thresholdMs: number | null;
  events: LatencyEvent[];
}

/** [[event, unix seconds, latest ms, max ms], ...] -> events, newest first. */
export function parseLatencyLatest(reply: unknown): LatencyEvent[] {
  if (!Array.isArray(reply)) return [];
  return reply
    .filter((row): row is unknown[] => Array.isArray(row) && row.length >= 4)
    .map((row) => ({
      event: String(row[0]),
      time: new Date(Number(row[1]) * 1000).toISOString(),
      latestMs: Number(row[2]),
      maxMs: Number(row[3]),
    }))
    .sort((a, b) => b.time.localeCompare(a.time));
}

export async function readLatencyMonitor(instance: InstanceConfig): Promise<LatencyMonitor> {
  return withRedis(instance, async (redis) => {
    const config = await configGet(redis, ["latency-monitor-threshold"]);
    const threshold = config?.get("latency-monitor-threshold");
    // A refused LATENCY LATEST is not "no events": it fails, and the caller says why events are missing.
    const events = parseLatencyLatest(await redis.call("LATENCY", "LATEST"));
    return { thresholdMs: threshold === undefined ? null : Number(threshold), events };
  });
}
