// Hand-built scan jobs for the review's unit tests: the default policy's four patterns with
// chosen counts, so every figure in a test is visible in the test itself.
import type { ScanBiggestEntry, ScanJob, ScanKeyEntry, ScanPattern, ScanResult } from "@/lib/schemas/scans";
import { TTL_BUCKETS_SECONDS } from "@/lib/schemas/scans";
import type { DoneScan } from "@/lib/review/build";

const HOUR = 3600;

const policyPatterns = [
  {
    name: "beliefs",
    pattern: "isl:beliefs:{user_id}",
    typicalBytes: 500,
    expected: { min: 50, max: 100 },
    standardTtlSeconds: 24 * HOUR,
  },
  {
    name: "ident",
    pattern: "isl:ident:{dag_hash}",
    typicalBytes: 1024,
    expected: { min: 20, max: 30 },
    standardTtlSeconds: 6 * HOUR,
  },
  {
    name: "result",
    pattern: "isl:result:{request_hash}",
    typicalBytes: 7680,
    expected: { min: 100, max: 200 },
    standardTtlSeconds: 2 * HOUR,
  },
  {
    name: "sensitivity",
    pattern: "isl:sensitivity:{model_hash}",
    typicalBytes: 2048,
    expected: { min: 30, max: 50 },
    standardTtlSeconds: 4 * HOUR,
  },
] as const;

export function histogram(counts: Partial<Record<number | "inf", number>> = {}): ScanPattern["ttlHistogram"] {
  return [
    ...TTL_BUCKETS_SECONDS.map((le) => ({ le, count: counts[le] ?? 0 })),
    { le: null, count: counts.inf ?? 0 },
  ];
}

export function pattern(
  name: (typeof policyPatterns)[number]["name"],
  over: Partial<ScanPattern> = {},
): ScanPattern {
  const p = policyPatterns.find((x) => x.name === name);
  if (!p) throw new Error(`no pattern ${name}`);
  const keys = over.keys ?? 0;
  const bytes = over.bytes ?? 0;
  return {
    ...p,
    expected: { ...p.expected },
    keys,
    bytes,
    avgBytes: keys > 0 ? Math.round(bytes / keys) : 0,
    noTtl: 0,
    aboveStandard: 0,
    possiblePii: 0,
    sizeUnknown: 0,
    ttlHistogram: histogram(),
    ...over,
  };
}

export function entry(key: string, over: Partial<ScanKeyEntry> = {}): ScanKeyEntry {
  return {
    key,
    keyBase64: Buffer.from(key, "latin1").toString("base64"),
    type: "string",
    ttl: 100,
    bytes: 64,
    pattern: null,
    ...over,
  };
}

export function biggest(key: string, over: Partial<ScanBiggestEntry> = {}): ScanBiggestEntry {
  return { ...entry(key), length: 10, ...over };
}

export function result(over: Partial<ScanResult> = {}): ScanResult {
  const patterns = over.patterns ?? [
    pattern("beliefs"),
    pattern("ident"),
    pattern("result"),
    pattern("sensitivity"),
  ];
  const keys = patterns.reduce((s, p) => s + p.keys, 0);
  const bytes = patterns.reduce((s, p) => s + p.bytes, 0);
  return {
    keys,
    bytes,
    durationMs: 12,
    vanished: 0,
    unknown: 0,
    sizeUnknown: 0,
    problems: [],
    classes: { ok: keys, noTtl: 0, aboveStandard: 0, unknownPattern: 0, foreign: 0, possiblePii: 0 },
    patterns,
    lists: { noTtl: [], aboveStandard: [], unknownPattern: [], foreign: [], possiblePii: [], unknown: [] },
    listTotals: { noTtl: 0, aboveStandard: 0, unknownPattern: 0, foreign: 0, possiblePii: 0, unknown: 0 },
    biggest: { byMemory: [], byLength: [] },
    prefixes: { unknownPattern: [], foreign: [] },
    ...over,
  };
}

export function scan(
  id: string,
  startedAt: string,
  res: ScanResult = result(),
  over: Partial<ScanJob> = {},
): DoneScan {
  return {
    id,
    instance: "demo",
    match: "*",
    mode: "gentle",
    trigger: "scheduled",
    status: "done",
    startedAt,
    finishedAt: new Date(Date.parse(startedAt) + 1000).toISOString(),
    progress: { scanned: res.keys, total: res.keys, fraction: 1, keysPerSecond: 1000 },
    result: res,
    ...over,
  } as DoneScan;
}
