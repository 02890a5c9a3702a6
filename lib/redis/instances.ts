// Reachability and headline figures per instance, for /api/instances, /api/health and the home cards.
import "server-only";
import type { InstanceStatus } from "@/lib/schemas/instances";
import type { InstanceConfig } from "@/lib/config";
import { instanceKind, withRedis } from "./client";
import { describeRedisError } from "./errors";
import { parseInfo, summarizeInfo } from "./info";
import { readInstance, totalsOf } from "./sample";

/** A probe never takes longer than this, so a hung Redis cannot hang a page. */
export const PROBE_TIMEOUT_MS = 2000;

export function instanceDb(instance: InstanceConfig): number {
  const db = new URL(instance.url).pathname.replace(/^\//, "");
  return db === "" ? 0 : Number(db);
}

/** Where the instance is, without credentials: a server, a cluster's seeds, or the sentinels and the master name. */
export function instanceAddress(instance: InstanceConfig): string {
  const kind = instanceKind(instance);
  if (kind === "sentinel" && instance.sentinel) {
    const sentinels = instance.sentinel.addresses.map((a) => `${a.host}:${a.port}`).join(", ");
    return `sentinel ${instance.sentinel.masterName} via ${sentinels}/${instanceDb(instance)}`;
  }
  if (kind === "cluster") {
    const seeds = (instance.nodes ?? [instance.url]).map((u) => {
      const url = new URL(u);
      return `${url.hostname}:${url.port || "6379"}`;
    });
    return `cluster via ${seeds.join(", ")}`;
  }
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
  if (instanceKind(instance) !== "standalone") return probeDeployment(instance, base);
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

/** A cluster or sentinel deployment: reachable while any node answers; its totals, and the nodes that did not answer. */
async function probeDeployment(
  instance: InstanceConfig,
  base: Omit<InstanceStatus, "reachable">,
): Promise<InstanceStatus> {
  try {
    const reading = await withTimeout(readInstance(instance), PROBE_TIMEOUT_MS * 2, "Redis");
    const totals = totalsOf(reading, instance.id);
    const unanswered = reading.nodes.filter((n) => n.sample === null).map((n) => n.address);
    return {
      ...base,
      reachable: true,
      kind: reading.kind,
      nodes: { total: reading.nodes.length, unanswered },
      ...(unanswered.length > 0
        ? { error: `${unanswered.length} node(s) not answering: ${unanswered.join(", ")}` }
        : {}),
      role: reading.kind === "cluster" ? "cluster" : "master",
      redisVersion: reading.nodes.find((n) => n.sample)?.sample?.redisVersion,
      uptimeSeconds: totals.uptimeSeconds,
      memory: { usedBytes: totals.usedBytes, maxBytes: totals.maxBytes ?? 0 },
      keys: totals.keys,
      connectedClients: totals.connectedClients,
    };
  } catch (err) {
    return { ...base, reachable: false, kind: instanceKind(instance), error: describeRedisError(err) };
  }
}

export function probeAll(instances: InstanceConfig[]): Promise<InstanceStatus[]> {
  return Promise.all(instances.map(probeInstance));
}
