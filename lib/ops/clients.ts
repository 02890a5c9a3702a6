// The ops page's "connection pool near max" triage from CLIENT LIST (lib/redis/client-list.ts):
// connected vs maxclients, clients grouped by name and by address, idle times, the oldest and the
// busiest connection.
import "server-only";
import type { InstanceConfig } from "@/lib/config";
import { readClientLists, type NodeClients } from "@/lib/redis/client-list";
import type { ClientGroup, ClientsResponse, ClientView } from "@/lib/schemas/ops";

export const CLIENTS_SHOWN = 200;

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

/**
 * CLIENT LIST of every server of the instance, each connection with its node. Connected and
 * maxclients are summed over the nodes; the ratio is the fullest node's (the limit is per server).
 */
export async function readClients(instance: InstanceConfig, threshold: number): Promise<ClientsResponse> {
  const reads = await readClientLists(instance);
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
