// CLIENT LIST of every server and the guide's "connection pool near max" triage: connected vs
// maxclients, clients grouped by name and by address, idle times, the oldest and the busiest connection.
import "server-only";
import type Redis from "ioredis";
import type { InstanceConfig } from "@/lib/config";
import type { ClientGroup, ClientsResponse, ClientView } from "@/lib/schemas/ops";
import { parseInfo, summarizeInfo } from "./info";
import { configGet, readEveryNode } from "./server-config";

export const CLIENTS_SHOWN = 200;

/** One CLIENT LIST line ("id=3 addr=127.0.0.1:5000 ... name= age=10 idle=0 ...") as fields. */
export function parseClientLine(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of line.trim().split(" ")) {
    const eq = part.indexOf("=");
    if (eq > 0) out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

export function parseClientList(text: string): ClientView[] {
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const f = parseClientLine(line);
      const n = (k: string) => (f[k] === undefined ? 0 : Number(f[k]) || 0);
      return {
        id: f.id ?? "",
        addr: f.addr ?? "",
        name: f.name ?? "",
        ageSeconds: n("age"),
        idleSeconds: n("idle"),
        db: n("db"),
        cmd: f.cmd ?? "",
        user: f.user ?? "",
        flags: f.flags ?? "",
        memoryBytes: n("tot-mem"),
        commands: f["tot-cmds"] === undefined ? null : n("tot-cmds"),
      };
    });
}

/** "10.0.0.7:51234" -> "10.0.0.7"; "[::1]:6379" -> "::1"; unix sockets stay as they are. */
export function hostOf(addr: string): string {
  const bracket = /^\[(.*)\]:\d+$/.exec(addr);
  if (bracket?.[1]) return bracket[1];
  const colon = addr.lastIndexOf(":");
  return colon > 0 ? addr.slice(0, colon) : addr;
}

function group(clients: ClientView[], keyOf: (c: ClientView) => string): ClientGroup[] {
  const groups = new Map<string, ClientGroup>();
  for (const c of clients) {
    const key = keyOf(c);
    const g = groups.get(key);
    if (!g) {
      groups.set(key, {
        key,
        count: 1,
        minIdleSeconds: c.idleSeconds,
        maxIdleSeconds: c.idleSeconds,
        oldestAgeSeconds: c.ageSeconds,
        memoryBytes: c.memoryBytes,
      });
      continue;
    }
    g.count++;
    g.minIdleSeconds = Math.min(g.minIdleSeconds, c.idleSeconds);
    g.maxIdleSeconds = Math.max(g.maxIdleSeconds, c.idleSeconds);
    g.oldestAgeSeconds = Math.max(g.oldestAgeSeconds, c.ageSeconds);
    g.memoryBytes += c.memoryBytes;
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

function maxBy(clients: ClientView[], value: (c: ClientView) => number): ClientView | null {
  let best: ClientView | null = null;
  for (const c of clients) if (best === null || value(c) > value(best)) best = c;
  return best;
}

/** Pure: the parsed list and the limits -> the API's answer. */
export function summarizeClients(
  id: string,
  clients: ClientView[],
  { connected, maxClients, threshold }: { connected: number; maxClients: number | null; threshold: number },
): ClientsResponse {
  const withCommands = clients.some((c) => c.commands !== null);
  const byIdle = [...clients].sort((a, b) => b.idleSeconds - a.idleSeconds || b.ageSeconds - a.ageSeconds);
  return {
    id,
    connected,
    maxClients,
    ratio: maxClients ? connected / maxClients : null,
    threshold,
    byName: group(clients, (c) => c.name || "(no name)"),
    byAddress: group(clients, (c) => hostOf(c.addr) || "(unknown)"),
    oldest: maxBy(clients, (c) => c.ageSeconds),
    busiest: withCommands ? maxBy(clients, (c) => c.commands ?? 0) : maxBy(clients, (c) => c.memoryBytes),
    busiestBy: withCommands ? "commands" : "memory",
    clients: byIdle.slice(0, CLIENTS_SHOWN),
    truncated: byIdle.length > CLIENTS_SHOWN,
  };
}

interface NodeClients {
  clients: ClientView[];
  connected: number;
  maxClients: number | null;
}

async function readNodeClients(redis: Redis, address: string): Promise<NodeClients> {
  const [listText, infoText] = await Promise.all([
    redis.call("CLIENT", "LIST") as Promise<string>,
    redis.info("clients"),
  ]);
  const info = summarizeInfo(parseInfo(infoText));
  let maxClients = info.maxClients ?? null;
  if (maxClients === null) {
    const config = await configGet(redis, ["maxclients"]);
    const value = Number(config?.get("maxclients"));
    maxClients = Number.isFinite(value) && config?.has("maxclients") ? value : null;
  }
  return {
    clients: parseClientList(String(listText)).map((c) => ({ ...c, node: address })),
    connected: info.connectedClients,
    maxClients,
  };
}

/**
 * CLIENT LIST of every server of the instance, each connection with its node. Connected and
 * maxclients are summed over the nodes; the ratio is the fullest node's (the limit is per server).
 */
export async function readClients(instance: InstanceConfig, threshold: number): Promise<ClientsResponse> {
  const reads = await readEveryNode(instance, (node) => readNodeClients(node.client, node.address));
  const answered = reads.flatMap((r) => (r.value ? [r.value] : []));
  const ratioOf = (n: NodeClients) => (n.maxClients ? n.connected / n.maxClients : null);
  const ratios = answered.map(ratioOf).filter((r): r is number => r !== null);
  const maxKnown = answered.every((n) => n.maxClients !== null);
  const summary = summarizeClients(
    instance.id,
    answered.flatMap((n) => n.clients),
    {
      connected: answered.reduce((sum, n) => sum + n.connected, 0),
      maxClients: maxKnown ? answered.reduce((sum, n) => sum + (n.maxClients ?? 0), 0) : null,
      threshold,
    },
  );
  return {
    ...summary,
    ratio: ratios.length > 0 ? Math.max(...ratios) : null,
    nodes: reads.map(({ node, value, error }) => ({
      address: node.address,
      role: node.role,
      connected: value?.connected ?? null,
      maxClients: value?.maxClients ?? null,
      ratio: value ? ratioOf(value) : null,
      error: error ? error.message : null,
    })),
  };
}
