// The ops page's reads: config compliance, slow log, clients and latency for one instance, read
// from every server of it (a cluster's or a sentinel instance's masters and replicas).
// Redis is asked only for what the store does not hold (config, slow log, clients, latency
// events); the PING history comes from the sampler's samples.
import "server-only";
import { getConfig, type InstanceConfig } from "@/lib/config";
import {
  checkConfig,
  combineNodeChecks,
  recommendedSettings,
  type ConfigCheck,
} from "@/lib/policy/config-checks";
import { judgePersistence } from "@/lib/policy/persistence";
import { readClients } from "./clients";
import { describeRedisError } from "@/lib/redis/errors";
import { readLatencyMonitor } from "@/lib/redis/latency";
import { readNodeConfigs, type NodeConfig } from "@/lib/redis/server-config";
import type { ConfigFacts } from "@/lib/server-facts";
import { readSlowlog } from "@/lib/redis/slowlog";
import type {
  ClientsResponse,
  ConfigResponse,
  LatencyResponse,
  NodePersistenceView,
  SlowlogResponse,
} from "@/lib/schemas/ops";
import { getStore, type Db } from "@/lib/store";
import { samplesBetween } from "@/lib/store/samples";
import { commandMinutes, latencyMinutes, latestCommands } from "@/lib/metrics/latency";
import { commandLatencyBetween } from "@/lib/store/command-latency";
import { latestNodeSet } from "@/lib/store/node-samples";

/** The checklist of every server read, combined: a node that differs or could not tell is named. */
export function complianceOf(
  instance: InstanceConfig,
  nodes: NodeConfig[],
): { checks: ConfigCheck[]; perNode: { node: NodeConfig; checks: ConfigCheck[] | null }[] } {
  const perNode = nodes.map((node) => ({
    node,
    checks: node.facts ? checkConfig(node.facts, instance.environment) : null,
  }));
  const checks = combineNodeChecks(
    perNode.map(({ node, checks: c }) => ({
      address: node.address,
      role: node.role,
      checks: c,
      ...(node.error ? { error: describeRedisError(node.error) } : {}),
    })),
  );
  return { checks, perNode };
}

/**
 * The CONFIG SET each node needs, or why none can be planned: CONFIG refused or a node unreadable
 * anywhere (applying elsewhere would leave the nodes differing while looking done).
 */
export function recommendedPlan(
  instance: InstanceConfig,
  perNode: { node: NodeConfig; checks: ConfigCheck[] | null }[],
): { address: string; settings: [string, string][] }[] | { blocked: string } {
  const unread = perNode.filter((p) => p.checks === null).map((p) => p.node.address);
  if (unread.length > 0) return { blocked: `node ${unread.join(", ")} could not be read` };
  const refused = perNode.filter((p) => p.node.facts?.configDisabled).map((p) => p.node.address);
  if (refused.length > 0) {
    return {
      blocked:
        perNode.length === 1
          ? "CONFIG is disabled on this instance: change the settings in the provider's console"
          : `CONFIG is refused on ${refused.length === perNode.length ? "every node" : `node ${refused.join(", ")}`}: change the settings in the provider's console`,
    };
  }
  return perNode
    .map(({ node, checks }) => ({
      address: node.address,
      settings: recommendedSettings(checks ?? [], instance.environment),
    }))
    .filter((p) => p.settings.length > 0);
}

/** Settings of a plan by name and value, with the nodes each goes to (in the plan's order). */
export function planBySetting(
  plan: { address: string; settings: [string, string][] }[],
): { name: string; value: string; nodes: string[] }[] {
  const out = new Map<string, { name: string; value: string; nodes: string[] }>();
  for (const { address, settings } of plan) {
    for (const [name, value] of settings) {
      const key = `${name}\0${value}`;
      const entry = out.get(key) ?? { name, value, nodes: [] };
      entry.nodes.push(address);
      out.set(key, entry);
    }
  }
  return [...out.values()];
}

export async function configCompliance(instance: InstanceConfig, now = new Date()): Promise<ConfigResponse> {
  const nodes = await readNodeConfigs(instance);
  const { checks, perNode } = complianceOf(instance, nodes);
  const plan = recommendedPlan(instance, perNode);
  const configDisabled = nodes.some((n) => n.facts?.configDisabled);
  return {
    id: instance.id,
    environment: instance.environment,
    source: nodes.some((n) => n.source === "info") ? "info" : "config",
    configDisabled,
    checkedAt: now.toISOString(),
    checks,
    recommended: "blocked" in plan ? [] : planBySetting(plan),
    nodes: nodes.map((n) => ({
      address: n.address,
      role: n.role,
      source: n.source,
      configDisabled: n.facts ? n.facts.configDisabled : null,
      ...(n.facts?.configRefusal ? { configRefusal: n.facts.configRefusal } : {}),
      error: n.error ? describeRedisError(n.error) : null,
      persistence: n.facts ? persistenceView(n.facts, now.getTime()) : null,
    })),
  };
}

/** A node's INFO persistence for the ops page, judged as the persistence check judges it. */
export function persistenceView(facts: ConfigFacts, now: number): NodePersistenceView | null {
  const info = facts.persistence;
  if (!info) return null;
  const verdict = judgePersistence({ info, save: facts.save, now: facts.readAt ?? now });
  return {
    status: verdict.status === "ok" ? "pass" : verdict.status,
    problems: verdict.problems,
    rdbLastBgsaveStatus: info.rdbLastBgsaveStatus,
    rdbLastSaveTime: new Date(info.rdbLastSaveTime * 1000).toISOString(),
    lastSaveAgeSeconds: verdict.lastSaveAgeSeconds,
    rdbChangesSinceLastSave: info.rdbChangesSinceLastSave,
    rdbLastBgsaveTimeSec: info.rdbLastBgsaveTimeSec,
    rdbBgsaveInProgress: info.rdbBgsaveInProgress,
    aofEnabled: info.aofEnabled,
    aofRewriteInProgress: info.aofRewriteInProgress,
    aofLastBgrewriteStatus: info.aofLastBgrewriteStatus,
    aofLastWriteStatus: info.aofLastWriteStatus,
    save: facts.save,
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
  // Per-command figures come from the sampler's store, like the PING history: no Redis call.
  const rows = await commandLatencyBetween(db, instance.id, from, now);
  const nodeCount = new Set((await latestNodeSet(db, instance.id)).map((n) => n.node)).size;
  const body: LatencyResponse = {
    id: instance.id,
    commands: latestCommands(rows, nodeCount),
    commandHistory: commandMinutes(rows, from, now),
    minutes: latencyMinutes(await samplesBetween(db, instance.id, from - 60_000, now), from, now),
    thresholdMs: getConfig().metrics.alerts.latencyMs,
    monitorThresholdMs: null,
    events: [],
  };
  try {
    const monitor = await readLatencyMonitor(instance);
    body.monitorThresholdMs = monitor.thresholdMs;
    body.events = monitor.events;
    body.nodes = monitor.nodes.map((n) => ({
      address: n.address,
      role: n.role,
      monitorThresholdMs: "error" in n ? null : n.thresholdMs,
      error: "error" in n ? n.error : null,
    }));
    const failed = monitor.nodes.flatMap((n) => ("error" in n ? [n.error] : []));
    if (failed.length > 0) body.eventsError = failed.join("; ");
  } catch (err) {
    // The history is in the store: an unreachable Redis only costs the events.
    body.eventsError = describeRedisError(err);
  }
  return body;
}
