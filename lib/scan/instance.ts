// A scan of a whole instance: the servers that together hold its keyspace once (topology.ts
// keyspaceNodes). A standalone or sentinel instance is one server, scanned as it always was. A
// cluster's masters (or one replica of each, with scanFrom "replicas") are walked in parallel,
// each with a throttle of its own (a gentle scan stays gentle on every node) and an aggregator of
// its own, merged at the end. A node that fails mid-scan is waited for (a bounded time) until the
// slot map names a new owner of its slots; its part is then scanned again from cursor 0 there
// with a fresh aggregator, keys of other slots skipped, so nothing is counted twice. When no node
// takes over, the scan ends failed, naming the node and the slots not covered; it is never "done"
// over part of the keyspace.
import "server-only";
import type { InstanceConfig } from "@/lib/config";
import type { CompiledPolicy } from "@/lib/policy/classify";
import type { Policy } from "@/lib/policy/types";
import { instanceKind } from "@/lib/redis/connection";
import { classifyRedisError, toRedisError } from "@/lib/redis/errors";
import { scanThrottle } from "@/lib/redis/scanner";
import {
  atNode,
  CLUSTER_SLOTS,
  describeSlots,
  keySlot,
  keyspaceNodes,
  slotRanges,
  uncoveredSlots,
  type RedisNode,
} from "@/lib/redis/topology";
import {
  BudgetThrottle,
  GENTLE_COMMAND_BUDGET_MS,
  WalkCancelledError,
  type Throttle,
} from "@/lib/redis/walk";
import type { ScanMode, ScanNode, ScanProgress, ScanResult, SlotRange } from "@/lib/schemas/scans";
import { ScanAggregator } from "./aggregate";
import { accessSampleEvery } from "./effectiveness";
import { makeProgress, nodeAccess, nodeEntry, runScan, scanInto, toCompiled } from "./connection-scan";

/** How long a failed node's slots may stay without a new owner before the scan gives them up. */
export const FAILOVER_WAIT_MS = 20_000;
/** Rescans of one part of the keyspace after failures, at most. */
const MAX_RETRIES = 2;

/** What a scan will walk, read when it starts: the nodes, their DBSIZE, and slots nobody serves. */
export interface ScanPlan {
  cluster: boolean;
  nodes: RedisNode[];
  /** DBSIZE per node, in `nodes` order. */
  sizes: number[];
  /** Their sum: the progress total. */
  total: number;
  /** Cluster slots without a master when the scan started. */
  uncovered: SlotRange[];
}

/** The nodes to scan and their sizes; a node that does not answer DBSIZE fails the start, named. */
export async function planScan(instance: InstanceConfig): Promise<ScanPlan> {
  const cluster = instanceKind(instance) === "cluster";
  const nodes = await keyspaceNodes(instance, { purpose: "scan" });
  const sizes = await Promise.all(
    nodes.map(async (node) => {
      try {
        return await node.client.dbsize();
      } catch (err) {
        throw atNode(err, instance, node, nodes.length);
      }
    }),
  );
  return {
    cluster,
    nodes,
    sizes,
    total: sizes.reduce((a, b) => a + b, 0),
    uncovered: cluster ? await uncoveredSlots(instance) : [],
  };
}

export interface InstanceScanOptions {
  policy: Policy | CompiledPolicy;
  match?: string;
  mode?: ScanMode;
  /** A throttle per node (benchmarks); the mode's by default. */
  throttle?: () => Throttle;
  signal?: AbortSignal;
  /** From planScan; read here when not given. */
  plan?: ScanPlan;
  onProgress?: (progress: ScanProgress) => void;
  progressEveryMs?: number;
  /** How long to wait for a failed node's slots to get a new owner. */
  failoverWaitMs?: number;
  /** Metadata reader on cluster nodes: the cross-slot script where allowed, or pipelines only. */
  clusterReader?: "cluster" | "pipeline";
}

export interface InstanceScanOutcome {
  status: "done" | "failed";
  result: ScanResult;
  progress: ScanProgress;
  /** The metadata path(s) used. */
  via: string;
  /** Why the scan is failed: the nodes that failed and the slots not covered. */
  error?: string;
}

/**
 * Scans the instance. A standalone or sentinel instance: one server, a Redis failure rejects
 * (classified) as it always did. A cluster: resolves "failed" with the merged partial result when
 * a part of the keyspace could not be covered. Cancellation rejects with WalkCancelledError.
 */
export async function scanInstance(
  instance: InstanceConfig,
  options: InstanceScanOptions,
): Promise<InstanceScanOutcome> {
  const plan = options.plan ?? (await planScan(instance));
  if (!plan.cluster) return scanOneServer(instance, plan, options);
  return scanCluster(instance, plan, options);
}

async function scanOneServer(
  instance: InstanceConfig,
  plan: ScanPlan,
  options: InstanceScanOptions,
): Promise<InstanceScanOutcome> {
  const [node] = plan.nodes;
  if (!node) throw new Error(`instance ${instance.id} has no server to scan`);
  try {
    const out = await runScan(node.client, {
      policy: options.policy,
      match: options.match,
      mode: options.mode,
      throttle: options.throttle?.(),
      signal: options.signal,
      total: plan.total,
      onProgress: options.onProgress,
      progressEveryMs: options.progressEveryMs,
      node: {
        address: node.address,
        role: node.role,
        slots: node.slots,
        ...(node.master ? { master: node.master } : {}),
      },
    });
    return { status: "done", ...out };
  } catch (err) {
    if (err instanceof WalkCancelledError) throw err;
    throw toRedisError(err, { instanceId: instance.id });
  }
}

/** One part of a cluster's keyspace: a master's slots, scanned on it (or its replica, or its successor). */
interface Part {
  /** The node being (or last) scanned. */
  node: RedisNode;
  slots: [number, number][];
  aggregator: ScanAggregator;
  /** Keys SCAN returned in the current attempt. */
  scanned: number;
  ms: number;
  status: ScanNode["status"] | "running";
  access?: ScanNode["access"];
  error?: string;
  failedNode?: string;
  retried?: boolean;
}

function covers(owned: [number, number][], wanted: [number, number][]): boolean {
  return wanted.every(([a, b]) => {
    let at = a;
    // Ranges are sorted and disjoint: walk them until `at` passes b.
    for (const [x, y] of owned) if (x <= at && at <= y) at = y + 1;
    return at > b;
  });
}

function slotFilter(ranges: [number, number][]): (key: Buffer) => boolean {
  const mask = new Uint8Array(CLUSTER_SLOTS);
  for (const [a, b] of ranges) mask.fill(1, a, b + 1);
  return (key) => mask[keySlot(key)] === 1;
}

function mergeRanges(ranges: [number, number][]): [number, number][] {
  const slots: number[] = [];
  for (const [a, b] of ranges) for (let s = a; s <= b; s++) slots.push(s);
  return slotRanges([...new Set(slots)].sort((x, y) => x - y));
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * Waits (at most `waitMs`) until the slot map names a node that serves all of `slots` (another
 * than `failed`, when given: a node that went away) and that node answers with cluster_state ok
 * (a cluster without full coverage refuses every key command); undefined when none does in time.
 */
async function nextOwner(
  instance: InstanceConfig,
  slots: [number, number][],
  failed: string | undefined,
  waitMs: number,
  signal?: AbortSignal,
): Promise<RedisNode | undefined> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (signal?.aborted) throw new WalkCancelledError("cancelled");
    try {
      const nodes = await keyspaceNodes(instance, { purpose: "scan" });
      const owner = nodes.find((n) => n.address !== failed && covers(n.slots, slots));
      if (owner) {
        const info = String(await owner.client.call("CLUSTER", "INFO"));
        if (/^cluster_state:ok\s*$/m.test(info)) return owner;
      }
    } catch {
      // The slot map is changing, or the candidate does not answer yet: look again.
    }
    if (Date.now() >= deadline) return undefined;
    await sleep(250, signal);
  }
}

function failureText(err: unknown): { text: string; retry: boolean; nodeAnswered: boolean } {
  const classified = classifyRedisError(err);
  if (!classified)
    return { text: err instanceof Error ? err.message : String(err), retry: false, nodeAnswered: true };
  // A node that went away may come back through a failover; a live node refusing key commands
  // while the cluster is down (another master failed) serves them again once it is back. A
  // refusal (ACL, a disabled command) would only be refused again.
  const clusterState = /^(CLUSTERDOWN|MOVED|ASK|TRYAGAIN)\b/.test(classified.raw);
  return {
    text: `${classified.kind}: ${classified.message}`,
    retry: classified.transient || clusterState,
    nodeAnswered: clusterState || classified.kind === "busy" || classified.kind === "loading",
  };
}

async function scanCluster(
  instance: InstanceConfig,
  plan: ScanPlan,
  options: InstanceScanOptions,
): Promise<InstanceScanOutcome> {
  const compiled = toCompiled(options.policy);
  const match = options.match ?? "*";
  // Gentle: a budget per node, whose bare round trip is measured before the walks share the
  // process (one node at a time) and kept at its lowest (see BudgetThrottle's `shared`).
  const makeThrottle =
    options.throttle ??
    (() =>
      (options.mode ?? "gentle") === "gentle"
        ? new BudgetThrottle(GENTLE_COMMAND_BUDGET_MS, 0.25, undefined, true)
        : scanThrottle("fast"));
  const waitMs = options.failoverWaitMs ?? FAILOVER_WAIT_MS;
  const reader = options.clusterReader ?? "cluster";
  const every = options.progressEveryMs ?? 250;
  const started = performance.now();
  const vias = new Set<string>();
  const parts: Part[] = plan.nodes.map((node) => ({
    node,
    slots: node.slots,
    aggregator: new ScanAggregator(compiled),
    scanned: 0,
    ms: 0,
    status: "running",
  }));
  let lastReport = 0;
  const scannedSoFar = () => parts.reduce((n, p) => n + p.scanned, 0);
  const report = () => {
    const now = performance.now();
    if (!options.onProgress || now - lastReport < every) return;
    lastReport = now;
    options.onProgress(makeProgress(scannedSoFar(), plan.total, now - started));
  };

  const prepared = async (node: RedisNode): Promise<Throttle> => {
    const throttle = makeThrottle();
    await throttle.prepare?.(node.client);
    return throttle;
  };
  // One node after the other, before the walks start: each bare round trip measured undisturbed.
  const first: (Throttle | undefined)[] = [];
  for (const part of parts) first.push(await prepared(part.node).catch(() => undefined));

  const scanPart = async (part: Part, index: number): Promise<void> => {
    let filter: ((key: Buffer) => boolean) | undefined;
    for (let attempt = 0; ; attempt++) {
      part.aggregator = new ScanAggregator(compiled);
      part.scanned = 0;
      const t0 = performance.now();
      try {
        const throttle = (attempt === 0 ? first[index] : undefined) ?? (await prepared(part.node));
        const outcome = await scanInto(part.node.client, part.aggregator, {
          compiled,
          match,
          throttle,
          signal: options.signal,
          reader,
          filter,
          timeRedisOnly: true,
          // One rate for every node: the merged shares weigh each node's keys alike.
          accessSampleEvery: accessSampleEvery(plan.total),
          onKeys: (count) => {
            part.scanned += count;
            report();
          },
        });
        vias.add(outcome.via);
        part.access = nodeAccess(outcome);
        part.ms = performance.now() - t0;
        part.status = part.retried ? "retried" : "done";
        return;
      } catch (err) {
        part.ms = performance.now() - t0;
        if (err instanceof WalkCancelledError || options.signal?.aborted) {
          part.status = "cancelled";
          throw err instanceof WalkCancelledError ? err : new WalkCancelledError("cancelled");
        }
        const { text, retry, nodeAnswered } = failureText(err);
        const what = `node ${part.node.address} failed (${text}) after ${part.scanned} keys`;
        if (!retry || attempt >= MAX_RETRIES) {
          part.status = "failed";
          part.error = what;
          return;
        }
        // A node that answered (with the cluster down) may serve its slots again; one that went
        // away needs another owner.
        const next = await nextOwner(
          instance,
          part.slots,
          nodeAnswered ? undefined : part.node.address,
          waitMs,
          options.signal,
        );
        if (!next) {
          part.status = "failed";
          part.error = nodeAnswered
            ? `${what}; the cluster did not serve its slots again within ${Math.round(waitMs / 1000)} s`
            : `${what}; no node took over its slots within ${Math.round(waitMs / 1000)} s`;
          return;
        }
        part.retried = true;
        if (next.address !== part.node.address) part.failedNode ??= part.node.address;
        part.error = `${what}; rescanned from the start on ${next.address === part.node.address ? "the same node" : next.address}`;
        part.node = next;
        // The new owner may serve more slots than this part: only this part's keys count here.
        filter = slotFilter(part.slots);
      }
    }
  };

  const settled = await Promise.allSettled(parts.map(scanPart));
  const cancelled = settled.find(
    (s): s is PromiseRejectedResult => s.status === "rejected" && s.reason instanceof WalkCancelledError,
  );
  if (cancelled) throw cancelled.reason;
  const broken = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (broken) throw broken.reason;

  const durationMs = Math.round(performance.now() - started);
  const merged = new ScanAggregator(compiled);
  for (const part of parts) merged.merge(part.aggregator);
  const failedParts = parts.filter((p) => p.status === "failed");
  const uncovered = mergeRanges([...plan.uncovered, ...failedParts.flatMap((p) => p.slots)]);
  const problems = [
    ...failedParts.map(
      (p) =>
        `${p.error ?? `node ${p.node.address} failed`}: slots ${describeSlots(p.slots)} not fully scanned` +
        (p.aggregator.keyCount > 0
          ? ` (the ${p.aggregator.keyCount} keys read there before are counted)`
          : ""),
    ),
    ...(plan.uncovered.length > 0
      ? [`slots ${describeSlots(plan.uncovered)} had no master when the scan started: not scanned`]
      : []),
  ];
  const nodes = parts.map((p) =>
    nodeEntry(
      {
        address: p.node.address,
        role: p.node.role,
        slots: p.slots,
        ...(p.node.master ? { master: p.node.master } : {}),
      },
      p.aggregator,
      p.ms,
      p.status === "running" ? "failed" : p.status,
      { error: p.error, failedNode: p.failedNode, access: p.access },
    ),
  );
  const scanned = scannedSoFar();
  const status = problems.length > 0 ? "failed" : "done";
  return {
    status,
    result: { ...merged.result(durationMs), nodes, uncoveredSlots: uncovered },
    progress: makeProgress(scanned, plan.total, durationMs, status === "done"),
    via: [...vias].join(", ") || "none",
    ...(status === "failed"
      ? { error: `the scan covered part of the cluster only: ${problems.join("; ")}` }
      : {}),
  };
}
