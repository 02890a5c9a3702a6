// Reachability and headline figures per instance, for /api/instances, /api/health and the home
// cards: one INFO of a server, or the sampler's reading of every node of a cluster or sentinel set.
import "server-only";
import type { InstanceConfig } from "@/lib/config";
import { instanceKind, withRedis } from "@/lib/redis/connection";
import { describeRedisError } from "@/lib/redis/errors";
import { parseInfo, summarizeInfo } from "@/lib/redis/info";
import { instanceAddress, instanceDb, PROBE_TIMEOUT_MS, withTimeout } from "@/lib/redis/instances";
import { readInstance, totalsOf } from "@/lib/redis/sample";
import type { InstanceStatus } from "@/lib/schemas/instances";

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
