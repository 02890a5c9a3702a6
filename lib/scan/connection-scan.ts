// One scan of one Redis connection into a ScanResult: the scanner feeds the streaming
// aggregator batch by batch. Used by the job runner (through lib/scan/instance.ts, which scans
// every node of a cluster with it), the benchmark and the review CLI.
import "server-only";
import { compilePolicy, type CompiledPolicy } from "@/lib/policy/classify";
import type { Policy } from "@/lib/policy/types";
import { isCluster, type KeyClient } from "@/lib/redis/connection";
import {
  forEachKeyMeta,
  scanKeyspace,
  scanThrottle,
  type ScanKeyspaceOptions,
  type ScanKeyspaceOutcome,
} from "@/lib/redis/scanner";
import type { Throttle } from "@/lib/redis/walk";
import type { ScanMode, ScanNode, ScanProgress, ScanResult } from "@/lib/schemas/scans";
import { ScanAggregator } from "./aggregate";
import { accessSampleEvery } from "./effectiveness";

/** The ioredis client, named through lib/redis so this module stays off the client library. */
type ScanClient = Parameters<typeof scanKeyspace>[0];

export interface RunScanOptions {
  policy: Policy | CompiledPolicy;
  match?: string;
  mode?: ScanMode;
  /** Overrides the mode's throttle (benchmarks). */
  throttle?: Throttle;
  signal?: AbortSignal;
  /** DBSIZE, for progress; read here when not given. */
  total?: number;
  /** Called after each batch, at most every `progressEveryMs`. */
  onProgress?: (progress: ScanProgress) => void;
  progressEveryMs?: number;
  /** The server scanned, for the result's node entry (default: the connection's host and port). */
  node?: Pick<ScanNode, "address" | "role" | "master" | "slots">;
}

export function makeProgress(scanned: number, total: number, elapsedMs: number, done = false): ScanProgress {
  return {
    scanned,
    total,
    fraction: done ? 1 : total > 0 ? Math.min(1, scanned / total) : 0,
    keysPerSecond: elapsedMs > 0 ? Math.round((scanned / elapsedMs) * 1000) : 0,
  };
}

export function toCompiled(policy: Policy | CompiledPolicy): CompiledPolicy {
  return "namespace" in policy && Buffer.isBuffer(policy.namespace)
    ? (policy as CompiledPolicy)
    : compilePolicy(policy as Policy);
}

export interface ScanIntoOptions {
  compiled: CompiledPolicy;
  match: string;
  throttle: Throttle;
  signal?: AbortSignal;
  reader?: ScanKeyspaceOptions["reader"];
  filter?: ScanKeyspaceOptions["filter"];
  timeRedisOnly?: boolean;
  /** After each batch: how many keys SCAN returned in it (vanished ones included). */
  onKeys?: (count: number) => void;
  /** Read the access figure of one string key in this many (accessSampleEvery of the scan's key count). */
  accessSampleEvery?: number;
}

/** Walks one server's keyspace into `aggregator`; answers the metadata path used and the access figure read. */
export async function scanInto(
  redis: ScanClient,
  aggregator: ScanAggregator,
  options: ScanIntoOptions,
): Promise<ScanKeyspaceOutcome> {
  const every = options.accessSampleEvery ?? 1;
  aggregator.setAccessSampling(every);
  return scanKeyspace(redis, {
    accessSampleEvery: every,
    match: options.match,
    throttle: options.throttle,
    signal: options.signal,
    reader: options.reader,
    filter: options.filter,
    timeRedisOnly: options.timeRedisOnly,
    probeKey: Buffer.concat([options.compiled.namespace, Buffer.from("isl-console-probe")]),
    onBatch: (keys, batch) => {
      // pipelineMeta lists one reason per unreadable key, in key order, before the size reasons.
      const unreadable = batch.problems.filter((p) => p.keyDenied);
      let next = 0;
      forEachKeyMeta(keys, batch.packed, (key, type, ttl, bytes, length, access) => {
        if (type === "unknown") aggregator.unknown(key, unreadable[next++]);
        else if (ttl === -2) aggregator.vanished();
        else aggregator.add(key, type, ttl, bytes, length, access, batch.access);
      });
      for (const p of batch.problems)
        if (!p.keyDenied) aggregator.problem(p, p.command?.startsWith("object") ? "access" : "size");
      options.onKeys?.(keys.length);
    },
  });
}

/** A node entry from what its aggregator counted. */
export function nodeEntry(
  node: Pick<ScanNode, "address" | "role" | "master" | "slots">,
  aggregator: ScanAggregator,
  durationMs: number,
  status: ScanNode["status"],
  extra: { error?: string; failedNode?: string; access?: ScanNode["access"] } = {},
): ScanNode {
  return {
    address: node.address,
    role: node.role,
    ...(node.master ? { master: node.master } : {}),
    slots: node.slots,
    keys: aggregator.keyCount,
    bytes: aggregator.byteCount,
    vanished: aggregator.vanishedCount,
    unknown: aggregator.unknownCount,
    durationMs: Math.round(durationMs),
    status,
    ...(extra.failedNode ? { failedNode: extra.failedNode } : {}),
    ...(extra.error ? { error: extra.error } : {}),
    ...(extra.access ? { access: extra.access } : {}),
  };
}

/** A node entry's access summary from what its walk read. */
export function nodeAccess(
  outcome: Pick<ScanKeyspaceOutcome, "access" | "policy" | "accessNote">,
): ScanNode["access"] {
  return {
    policy: outcome.policy,
    mode: outcome.access,
    ...(outcome.accessNote ? { note: outcome.accessNote } : {}),
  };
}

/**
 * Scans one server (a standalone or sentinel instance, or one node for a benchmark). A cluster
 * client is refused: its SCAN would go to one random node; scanInstance walks every master.
 */
export async function runScan(
  client: ScanClient | KeyClient,
  options: RunScanOptions,
): Promise<{ result: ScanResult; progress: ScanProgress; via: string }> {
  if (isCluster(client)) throw new Error("runScan reads one server: scan a cluster with scanInstance");
  const redis: ScanClient = client;
  const compiled = toCompiled(options.policy);
  const total = options.total ?? (await redis.dbsize());
  const aggregator = new ScanAggregator(compiled);
  const started = performance.now();
  const every = options.progressEveryMs ?? 250;
  let scanned = 0;
  let lastReport = 0;
  const outcome = await scanInto(redis, aggregator, {
    compiled,
    match: options.match ?? "*",
    throttle: options.throttle ?? scanThrottle(options.mode ?? "gentle"),
    signal: options.signal,
    accessSampleEvery: accessSampleEvery(total),
    onKeys: (count) => {
      scanned += count;
      const now = performance.now();
      if (options.onProgress && now - lastReport >= every) {
        lastReport = now;
        options.onProgress(makeProgress(scanned, total, now - started));
      }
    },
  });
  const durationMs = Math.round(performance.now() - started);
  const node = options.node ?? {
    address: `${redis.options.host ?? "localhost"}:${redis.options.port ?? 6379}`,
    role: "master" as const,
    slots: [],
  };
  return {
    result: {
      ...aggregator.result(durationMs),
      nodes: [nodeEntry(node, aggregator, durationMs, "done", { access: nodeAccess(outcome) })],
      uncoveredSlots: [],
    },
    progress: makeProgress(scanned, total, durationMs, true),
    via: outcome.via,
  };
}
