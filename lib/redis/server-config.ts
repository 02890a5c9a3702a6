// Reads what the compliance checklist needs from every server of an instance: CONFIG GET where
// allowed, INFO always, ACL GETUSER for authentication. Managed services, `rename-command CONFIG ""`
// and ACL users without +config|get refuse CONFIG: then maxmemory and the policy come from INFO
// memory and the rest is unknown, never an error. Also runs the admin's "apply recommended"
// CONFIG SET on the servers that need it (called by the audited action only).
import "server-only";
import type Redis from "ioredis";
import type { InstanceConfig } from "@/lib/config";
import { instanceKind, withRedis } from "./connection";
import { classifyRedisError, isRefusal, RedisError } from "./errors";
import { parseInfo, parsePersistence, summarizeInfo } from "./info";
import type { ConfigFacts } from "@/lib/server-facts";
import { allNodes, atNode, downNodes, type DownNode, type RedisNode } from "./topology";

function pairs(reply: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (!Array.isArray(reply)) return out;
  for (let i = 0; i + 1 < reply.length; i += 2) out.set(String(reply[i]), String(reply[i + 1]));
  return out;
}

const CONFIG_NAMES = [
  "maxmemory",
  "maxmemory-policy",
  "save",
  "maxclients",
  "requirepass",
  "notify-keyspace-events",
  "latency-tracking",
  "latency-tracking-info-percentiles",
] as const;

/**
 * CONFIG GET of some settings, one call per name (Redis 6 takes one); `values` null when CONFIG is
 * refused, with why: the ACL user may not run it, or the server does not offer it (renamed away).
 */
export async function readConfig(
  redis: Redis,
  names: readonly string[],
): Promise<{ values: Map<string, string> | null; refusal?: "permission" | "unsupported" }> {
  try {
    const replies = await Promise.all(names.map((name) => redis.call("CONFIG", "GET", name)));
    const out = new Map<string, string>();
    for (const reply of replies) for (const [k, v] of pairs(reply)) out.set(k, v);
    return { values: out };
  } catch (err) {
    if (!isRefusal(err)) throw err;
    return {
      values: null,
      refusal: classifyRedisError(err)?.kind === "permission" ? "permission" : "unsupported",
    };
  }
}

/** CONFIG GET of some settings, or null when CONFIG is refused. */
export async function configGet(redis: Redis, names: readonly string[]): Promise<Map<string, string> | null> {
  return (await readConfig(redis, names)).values;
}

/** ACL GETUSER default: "open" when the default user is on and needs no password; null when refused. */
async function defaultUserAuth(redis: Redis): Promise<"required" | "open" | null> {
  try {
    const reply = await redis.call("ACL", "GETUSER", "default");
    if (!Array.isArray(reply)) return null;
    const fields = new Map<string, unknown>();
    for (let i = 0; i + 1 < reply.length; i += 2) fields.set(String(reply[i]), reply[i + 1]);
    const flags = fields.get("flags");
    if (!Array.isArray(flags)) return null;
    const list = flags.map(String);
    return list.includes("on") && list.includes("nopass") ? "open" : "required";
  } catch (err) {
    if (isRefusal(err)) return null;
    throw err;
  }
}

function hasCredentials(instance: InstanceConfig): boolean {
  if (instance.password) return true;
  const url = new URL(instance.url);
  return url.password !== "" || url.username !== "";
}

function numberOrNull(value: string | undefined): number | null {
  if (value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** A server of the instance as the ops page names it. */
export interface NodeName {
  address: string;
  role: "master" | "replica";
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long a cluster's per-node read waits for a slot map that is changing (a node just went down). */
const TOPOLOGY_SETTLE_MS = 3000;

/** A node the cluster flags as failing, as the error its read would have given. */
function downError(instance: InstanceConfig, node: DownNode): RedisError {
  const message = `node ${node.address} (${node.role}) is down: the cluster flags it ${node.flags}`;
  return new RedisError("unreachable", message, { instanceId: instance.id, raw: message });
}

/**
 * Every server of the instance, and (cluster) the nodes the cluster flags as failing, which its
 * slot map leaves out: they are named with an error instead of missing. While the slot map is
 * changing (a node just went down) the connections are asked again for a few seconds.
 */
export async function everyNode(
  instance: InstanceConfig,
): Promise<{ nodes: RedisNode[]; down: { node: NodeName; error: RedisError }[] }> {
  const deadline = Date.now() + TOPOLOGY_SETTLE_MS;
  for (;;) {
    try {
      const nodes = await withRedis(instance, () => allNodes(instance));
      const known = new Set(nodes.map((n) => n.address));
      const down = (await withRedis(instance, () => downNodes(instance)))
        .filter((d) => !known.has(d.address))
        .map((d) => ({ node: { address: d.address, role: d.role }, error: downError(instance, d) }));
      return { nodes, down };
    } catch (err) {
      const transient = err instanceof RedisError && err.kind === "unreachable";
      if (!transient || instanceKind(instance) !== "cluster" || Date.now() > deadline) throw err;
      await sleep(250);
    }
  }
}

/** What one server's checklist was read from. */
export interface NodeConfig {
  address: string;
  role: "master" | "replica";
  /** null: the server could not be read at all (`error` names why). */
  facts: ConfigFacts | null;
  source: "config" | "info" | null;
  error?: RedisError;
}

/** The latency-tracking settings (null where CONFIG is refused) and INFO persistence, read now. */
function latencyAndPersistenceFacts(
  config: Map<string, string> | null,
  sections: ReturnType<typeof parseInfo>,
): Pick<ConfigFacts, "latencyTracking" | "latencyPercentiles" | "persistence" | "readAt"> {
  return {
    latencyTracking: config?.get("latency-tracking") ?? null,
    latencyPercentiles: config?.get("latency-tracking-info-percentiles") ?? null,
    persistence: parsePersistence(sections),
    readAt: Date.now(),
  };
}

/** notify-keyspace-events as CONFIG GET read it (the live TTL watch's check); null when CONFIG is refused. */
function keyspaceEventsOf(config: Map<string, string> | null): string | null {
  return config ? (config.get("notify-keyspace-events") ?? null) : null;
}

/** Facts of one server: CONFIG GET where allowed, INFO always, ACL GETUSER for authentication. */
async function readNodeFacts(
  redis: Redis,
  instance: InstanceConfig,
): Promise<{ facts: ConfigFacts; source: "config" | "info" }> {
  const [infoText, { values: config, refusal }] = await Promise.all([
    redis.info(),
    readConfig(redis, CONFIG_NAMES),
  ]);
  const sections = parseInfo(infoText);
  const info = summarizeInfo(sections);
  let auth: ConfigFacts["auth"] = null;
  let authSource: ConfigFacts["authSource"];
  const requirepass = config?.get("requirepass");
  if (requirepass) {
    auth = "required";
    authSource = "requirepass";
  } else {
    auth = await defaultUserAuth(redis);
    if (auth !== null) authSource = "acl";
    else if (hasCredentials(instance)) {
      // Neither CONFIG nor ACL readable, but the server accepted our credentials.
      auth = "required";
      authSource = "credentials";
    }
  }
  const infoMaxmemory = sections.memory?.maxmemory !== undefined ? info.maxMemoryBytes : null;
  const facts: ConfigFacts = {
    maxmemory: config ? numberOrNull(config.get("maxmemory")) : infoMaxmemory,
    maxmemoryPolicy: config?.get("maxmemory-policy") ?? info.maxMemoryPolicy ?? null,
    save: config ? (config.get("save") ?? null) : null,
    maxclients: config ? numberOrNull(config.get("maxclients")) : (info.maxClients ?? null),
    connectedClients: info.connectedClients,
    tls: instance.tls !== undefined,
    auth,
    ...(authSource ? { authSource } : {}),
    version: info.redisVersion === "unknown" ? null : info.redisVersion,
    configDisabled: config === null,
    ...(refusal ? { configRefusal: refusal } : {}),
    notifyKeyspaceEvents: keyspaceEventsOf(config),
    ...latencyAndPersistenceFacts(config, sections),
  };
  return { facts, source: config ? "config" : "info" };
}

/**
 * The checklist's facts from every server of the instance (a cluster's masters and replicas, a
 * sentinel instance's master and replicas: a replica is promoted with the settings it has). A server
 * that cannot be read is listed with its error; a standalone server that cannot be read throws.
 */
export async function readNodeConfigs(instance: InstanceConfig): Promise<NodeConfig[]> {
  const { nodes, down } = await everyNode(instance);
  const only = nodes.length === 1 && down.length === 0 ? nodes[0] : undefined;
  if (only) {
    const { facts, source } = await withRedis(instance, () => readNodeFacts(only.client, instance));
    return [{ address: only.address, role: only.role, facts, source }];
  }
  const read = await Promise.all(
    nodes.map(async (node): Promise<NodeConfig> => {
      try {
        const { facts, source } = await readNodeFacts(node.client, instance);
        return { address: node.address, role: node.role, facts, source };
      } catch (err) {
        const error = atNode(err, instance, node, nodes.length);
        if (!(error instanceof RedisError)) throw error;
        return { address: node.address, role: node.role, facts: null, source: null, error };
      }
    }),
  );
  return [...read, ...down.map(({ node, error }) => ({ ...node, facts: null, source: null, error }))];
}

/** What CONFIG SET wrote (or failed to write) on one server. */
export interface NodeApplyResult {
  address: string;
  applied: [string, string][];
  error?: RedisError;
}

/**
 * CONFIG SET name value ... on each listed server, one pair per call (Redis 6 takes one), servers
 * in parallel. A server that refuses stops there: its result says what it had applied before and
 * the classified error naming it; the other servers go on.
 */
export async function applyNodeConfig(
  instance: InstanceConfig,
  plan: { address: string; settings: [string, string][] }[],
): Promise<NodeApplyResult[]> {
  const { nodes } = await everyNode(instance);
  const byAddress = new Map(nodes.map((n) => [n.address, n]));
  return Promise.all(
    plan.map(async ({ address, settings }): Promise<NodeApplyResult> => {
      const applied: [string, string][] = [];
      const node = byAddress.get(address);
      if (!node) {
        const message = `node ${address} is no longer part of the instance (the topology changed)`;
        return {
          address,
          applied,
          error: new RedisError("unreachable", message, { instanceId: instance.id, raw: message }),
        };
      }
      try {
        for (const [name, value] of settings) {
          await node.client.call("CONFIG", "SET", name, value);
          applied.push([name, value]);
        }
        return { address, applied };
      } catch (err) {
        const error = atNode(err, instance, node, nodes.length);
        if (!(error instanceof RedisError)) throw error;
        return { address, applied, error };
      }
    }),
  );
}

/** One server's answer to a per-node read: its value, or the classified error naming it. */
export type NodeRead<T> =
  { node: NodeName; value: T; error?: undefined } | { node: NodeName; value?: undefined; error: RedisError };

/**
 * Runs a read on every server of the instance at once (the ops page's slow log, clients, latency).
 * A standalone instance's one server throws as before; on several servers a failed one is kept
 * with its error (named) so the others still answer, and only when none answers does it throw.
 */
export async function readEveryNode<T>(
  instance: InstanceConfig,
  fn: (node: RedisNode) => Promise<T>,
): Promise<NodeRead<T>[]> {
  const { nodes, down } = await everyNode(instance);
  const only = nodes.length === 1 && down.length === 0 ? nodes[0] : undefined;
  if (only) return [{ node: only, value: await withRedis(instance, () => fn(only)) }];
  const read = await Promise.all(
    nodes.map(async (node): Promise<NodeRead<T>> => {
      try {
        return { node, value: await fn(node) };
      } catch (err) {
        const error = atNode(err, instance, node, nodes.length);
        if (!(error instanceof RedisError)) throw error;
        return { node, error };
      }
    }),
  );
  const reads: NodeRead<T>[] = [...read, ...down];
  const firstError = reads.find((r) => r.error)?.error;
  if (firstError && reads.every((r) => r.error)) throw firstError;
  return reads;
}
