// Reachability and headline figures per instance, for /api/instances, /api/health and the home cards.
import "server-only";
import type { InstanceStatus } from "@/lib/schemas/instances";
import type { InstanceConfig } from "@/lib/config";
import { withRedis } from "./client";
import { describeRedisError } from "./errors";
import { parseInfo, summarizeInfo } from "./info";

/** A probe never takes longer than this, so a hung Redis cannot hang a page. */
export const PROBE_TIMEOUT_MS = 2000;

export function instanceDb(instance: InstanceConfig): number {
  const db = new URL(instance.url).pathname.replace(/^\//, "");
  return db === "" ? 0 : Number(db);
}

export function instanceAddress(instance: InstanceConfig): string {
  const url = new URL(instance.url);
  return `${url.hostname}:${url.port || "6379"}/${instanceDb(instance)}`;
}

export class TimeoutError extends Error {
  override name = "TimeoutError";
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function probeInstance(instance: InstanceConfig): Promise<InstanceStatus> {
  const base = {
    id: instance.id,
    name: instance.name,
    environment: instance.environment,
    readOnly: instance.readOnly,
    address: instanceAddress(instance),
    tls: instance.tls !== undefined,
    checkedAt: new Date().toISOString(),
  };
  try {
    const text = await withTimeout(
      withRedis(instance, (redis) => redis.info(), { timeoutMs: PROBE_TIMEOUT_MS }),
      PROBE_TIMEOUT_MS + 200,
      "Redis",
    );
    const info = summarizeInfo(parseInfo(text));
    return {
      ...base,
      reachable: true,
      redisVersion: info.redisVersion,
      role: info.role,
      uptimeSeconds: info.uptimeSeconds,
      memory: { usedBytes: info.usedMemoryBytes, maxBytes: info.maxMemoryBytes },
      keys: info.keyspace[`db${instanceDb(instance)}`]?.keys ?? 0,
      connectedClients: info.connectedClients,
    };
  } catch (err) {
    return { ...base, reachable: false, error: describeRedisError(err) };
  }
}

export function probeAll(instances: InstanceConfig[]): Promise<InstanceStatus[]> {
  return Promise.all(instances.map(probeInstance));
}
