// LATENCY LATEST (Redis's latency monitor) of every server and the threshold it runs with. The
// monitor is off unless latency-monitor-threshold > 0; the PING history comes from the sampler's store.
import "server-only";
import type Redis from "ioredis";
import type { InstanceConfig } from "@/lib/config";
import { configGet, readEveryNode } from "./server-config";

export interface LatencyEvent {
  event: string;
  time: string;
  latestMs: number;
  maxMs: number;
  /** The server that recorded it. */
  node?: string;
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

export interface NodeLatencyMonitor extends LatencyMonitor {
  address: string;
  role: "master" | "replica";
}

async function readNodeMonitor(redis: Redis, address: string): Promise<LatencyMonitor> {
  const config = await configGet(redis, ["latency-monitor-threshold"]);
  const threshold = config?.get("latency-monitor-threshold");
  // A refused LATENCY LATEST is not "no events": it fails, and the caller says why events are missing.
  const events = parseLatencyLatest(await redis.call("LATENCY", "LATEST")).map((e) => ({
    ...e,
    node: address,
  }));
  return { thresholdMs: threshold === undefined ? null : Number(threshold), events };
}

/**
 * LATENCY LATEST of every server of the instance, events newest first with their node. The
 * threshold is the nodes' common one (null when they differ: `nodes` holds each); a node that
 * failed is in `nodes` with its error, naming it.
 */
export async function readLatencyMonitor(instance: InstanceConfig): Promise<
  LatencyMonitor & {
    nodes: (NodeLatencyMonitor | { address: string; role: "master" | "replica"; error: string })[];
  }
> {
  const reads = await readEveryNode(instance, (node) => readNodeMonitor(node.client, node.address));
  const answered = reads.flatMap((r) => (r.value ? [r.value] : []));
  const [first] = answered;
  const thresholdMs =
    first && answered.every((m) => m.thresholdMs === first.thresholdMs) ? first.thresholdMs : null;
  return {
    thresholdMs,
    events: answered.flatMap((m) => m.events).sort((a, b) => b.time.localeCompare(a.time)),
    nodes: reads.map(({ node, value, error }) =>
      value
        ? { address: node.address, role: node.role, ...value }
        : { address: node.address, role: node.role, error: error.message },
    ),
  };
}
