// One scan of one Redis connection into a ScanResult: the scanner feeds the streaming
// aggregator batch by batch. Used by the job runner, the benchmark and the review CLI.
import "server-only";
import { compilePolicy, type CompiledPolicy } from "@/lib/policy/classify";
import type { Policy } from "@/lib/policy/types";
import { forEachKeyMeta, scanKeyspace, scanThrottle } from "@/lib/redis/scanner";
import type { Throttle } from "@/lib/redis/walk";
import type { ScanMode, ScanProgress, ScanResult } from "@/lib/schemas/scans";
import { ScanAggregator } from "./aggregate";

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
}

export function makeProgress(scanned: number, total: number, elapsedMs: number, done = false): ScanProgress {
  return {
    scanned,
    total,
    fraction: done ? 1 : total > 0 ? Math.min(1, scanned / total) : 0,
    keysPerSecond: elapsedMs > 0 ? Math.round((scanned / elapsedMs) * 1000) : 0,
  };
}

export async function runScan(
  redis: ScanClient,
  options: RunScanOptions,
): Promise<{ result: ScanResult; progress: ScanProgress; via: string }> {
  const compiled =
    "namespace" in options.policy && Buffer.isBuffer(options.policy.namespace)
      ? (options.policy as CompiledPolicy)
      : compilePolicy(options.policy as Policy);
  const total = options.total ?? (await redis.dbsize());
  const aggregator = new ScanAggregator(compiled);
  const started = performance.now();
  const every = options.progressEveryMs ?? 250;
  let scanned = 0;
  let lastReport = 0;
  const { via } = await scanKeyspace(redis, {
    match: options.match ?? "*",
    throttle: options.throttle ?? scanThrottle(options.mode ?? "gentle"),
    signal: options.signal,
    probeKey: Buffer.concat([compiled.namespace, Buffer.from("isl-console-probe")]),
    onBatch: (keys, batch) => {
      // pipelineMeta lists one reason per unreadable key, in key order, before the size reasons.
      const unreadable = batch.problems.filter((p) => p.keyDenied);
      let next = 0;
      forEachKeyMeta(keys, batch.packed, (key, type, ttl, bytes, length) => {
        if (type === "unknown") aggregator.unknown(key, unreadable[next++]);
        else if (ttl === -2) aggregator.vanished();
        else aggregator.add(key, type, ttl, bytes, length);
      });
      for (const p of batch.problems) if (!p.keyDenied) aggregator.problem(p, "size");
      scanned += keys.length;
      const now = performance.now();
      if (options.onProgress && now - lastReport >= every) {
        lastReport = now;
        options.onProgress(makeProgress(scanned, total, now - started));
      }
    },
  });
  const durationMs = Math.round(performance.now() - started);
  return {
    result: aggregator.result(durationMs),
    progress: makeProgress(scanned, total, durationMs, true),
    via,
  };
}
