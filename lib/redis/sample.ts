// What the metrics sampler reads from Redis, per sample: INFO (the sections it needs) and a PING
// round trip; maxmemory/maxclients come from INFO where Redis reports them, else from CONFIG GET
// refreshed once a minute. Managed services may disable CONFIG: that is remembered, not an error.
import "server-only";
import type { InstanceConfig } from "@/lib/config";
import { withRedis } from "./client";
import { isRefusal } from "./errors";
import { parseInfo, summarizeInfo } from "./info";
import { instanceDb } from "./instances";

export interface RedisSample {
  runId: string;
  uptimeSeconds: number;
  usedBytes: number;
  /** null: no limit (maxmemory 0) or unknown. */
  maxBytes: number | null;
  connectedClients: number;
  maxClients: number | null;
  /** PING round trip in milliseconds. */
  latencyMs: number;
  keys: number;
  evictedKeys: number;
  expiredKeys: number;
  keyspaceHits: number;
  keyspaceMisses: number;
  totalCommands: number;
}

const CONFIG_REFRESH_MS = 60_000;

interface ConfigLimits {
  at: number;
  maxmemory?: number;
  maxclients?: number;
  /** CONFIG GET refused (disabled or not permitted) at `at`. */
  disabled: boolean;
}

const registry = globalThis as typeof globalThis & { __islConfigLimits?: Map<string, ConfigLimits> };
const limits: Map<string, ConfigLimits> = (registry.__islConfigLimits ??= new Map());

function pairsToMap(reply: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (!Array.isArray(reply)) return out;
  for (let i = 0; i + 1 < reply.length; i += 2) out.set(String(reply[i]), String(reply[i + 1]));
  return out;
}

async function configLimits(
  redis: Parameters<Parameters<typeof withRedis>[1]>[0],
  instanceId: string,
  now: number,
): Promise<ConfigLimits> {
  const cached = limits.get(instanceId);
  if (cached && now - cached.at < CONFIG_REFRESH_MS) return cached;
  let next: ConfigLimits;
  try {
    const reply = pairsToMap(await redis.call("CONFIG", "GET", "maxmemory"));
    const clients = pairsToMap(await redis.call("CONFIG", "GET", "maxclients"));
    const mm = Number(reply.get("maxmemory"));
    const mc = Number(clients.get("maxclients"));
    next = {
      at: now,
      maxmemory: Number.isFinite(mm) ? mm : undefined,
      maxclients: Number.isFinite(mc) ? mc : undefined,
      disabled: false,
    };
  } catch (err) {
    // Connection failures propagate; a refusal (unknown command, NOPERM) means CONFIG is off here.
    if (isRefusal(err)) {
      next = { at: now, disabled: true };
    } else {
      throw err;
    }
  }
  limits.set(instanceId, next);
  return next;
}

/** Whether CONFIG GET was refused on this instance at the last attempt (for the ops pages). */
export function configDisabled(instanceId: string): boolean {
  return limits.get(instanceId)?.disabled ?? false;
}

/** One sample: 2 commands (INFO default sections, PING), plus 2 CONFIG GETs at most once a minute when INFO lacks a limit. */
export async function readSample(instance: InstanceConfig, now = Date.now()): Promise<RedisSample> {
  return withRedis(instance, async (redis) => {
    const text = await redis.info();
    const started = performance.now();
    await redis.ping();
    const latencyMs = performance.now() - started;
    const sections = parseInfo(text);
    const info = summarizeInfo(sections);
    const infoHasMaxMemory = sections.memory?.maxmemory !== undefined;
    let maxBytes: number | null = infoHasMaxMemory ? info.maxMemoryBytes : null;
    let maxClients: number | null = info.maxClients ?? null;
    if (!infoHasMaxMemory || maxClients === null) {
      const cfg = await configLimits(redis, instance.id, now);
      if (!infoHasMaxMemory && cfg.maxmemory !== undefined) maxBytes = cfg.maxmemory;
      if (maxClients === null && cfg.maxclients !== undefined) maxClients = cfg.maxclients;
    }
    return {
      runId: info.runId,
      uptimeSeconds: info.uptimeSeconds,
      usedBytes: info.usedMemoryBytes,
      maxBytes: maxBytes === 0 ? null : maxBytes,
      connectedClients: info.connectedClients,
      maxClients,
      latencyMs,
      keys: info.keyspace[`db${instanceDb(instance)}`]?.keys ?? 0,
      evictedKeys: info.evictedKeys,
      expiredKeys: info.expiredKeys,
      keyspaceHits: info.keyspaceHits,
      keyspaceMisses: info.keyspaceMisses,
      totalCommands: info.totalCommandsProcessed,
    };
  });
}
