// Schemas for keyspace scans (/api/instances/{id}/scans, /api/scans/{id}), shared by the route
// handlers, the store, the TTL and review pages and the scripts, so their shapes cannot drift.
import { z } from "zod";
import { actionJobSchema } from "./actions";

export const scanModeSchema = z.enum(["gentle", "fast"]);
export type ScanMode = z.infer<typeof scanModeSchema>;

export const scanStatusSchema = z.enum(["running", "done", "failed", "cancelled"]);
export type ScanStatus = z.infer<typeof scanStatusSchema>;

export const scanTriggerSchema = z.enum(["manual", "scheduled"]);
export type ScanTrigger = z.infer<typeof scanTriggerSchema>;

/** Body of POST /api/instances/{id}/scans. `match` is a SCAN MATCH glob. */
export const startScanBodySchema = z
  .object({
    match: z.string().min(1).max(512).default("*"),
    mode: scanModeSchema.default("gentle"),
  })
  .strict();
export type StartScanBody = z.infer<typeof startScanBodySchema>;

export const startScanResponseSchema = z.object({ id: z.string() });

export const scanProgressSchema = z.object({
  /** Keys read so far (vanished keys included). */
  scanned: z.number().int().nonnegative(),
  /** DBSIZE when the scan started: an estimate, SCAN may return a key twice or see new ones. */
  total: z.number().int().nonnegative(),
  /** scanned / total, clamped to 0..1 (1 once done). */
  fraction: z.number().min(0).max(1),
  keysPerSecond: z.number().nonnegative(),
});
export type ScanProgress = z.infer<typeof scanProgressSchema>;

/** One key in a list: `key` is redis-cli's escaped display text, `keyBase64` the exact bytes. */
export const scanKeyEntrySchema = z.object({
  key: z.string(),
  keyBase64: z.string(),
  type: z.string(),
  /** Redis TTL in seconds; -1 = no expiry; null = could not be read (the `unknown` list). */
  ttl: z.number().int().nullable(),
  /** MEMORY USAGE in bytes; null where Redis refused it (never 0 for "unknown"). */
  bytes: z.number().int().nonnegative().nullable(),
  /** Policy pattern name, or null for unknown-pattern and foreign keys. */
  pattern: z.string().nullable(),
  /** "watch": the live TTL watch saw the key written after the scan started (absent: the scan found it). */
  source: z.enum(["scan", "watch"]).optional(),
  /** ISO time the watch saw the write (source "watch"). */
  seenAt: z.string().optional(),
  /** The keyevent the watch saw ("set", "persist"...), source "watch". */
  event: z.string().optional(),
});
export type ScanKeyEntry = z.infer<typeof scanKeyEntrySchema>;

/** Biggest-keys entries also carry the element count of collections (0 for strings). */
export const scanBiggestEntrySchema = scanKeyEntrySchema.extend({ length: z.number().int().nonnegative() });
export type ScanBiggestEntry = z.infer<typeof scanBiggestEntrySchema>;

/**
 * One TTL histogram bucket, NOT cumulative: keys whose TTL is in (previous le, le] seconds.
 * `le: null` is the last bucket, above the largest bound. Keys without TTL are not in the
 * histogram; they are counted in the pattern's `noTtl`.
 */
export const ttlBucketSchema = z.object({
  le: z.number().int().positive().nullable(),
  count: z.number().int().nonnegative(),
});
export type TtlBucket = z.infer<typeof ttlBucketSchema>;

/**
 * Per-pattern cache effectiveness (lib/scan/effectiveness.ts): of the string keys written with the
 * standard TTL, the share read since written and never read, and when they were last read as a
 * share of the TTL. `mode`: how "read" was told (OBJECT IDLETIME: "idle"; OBJECT FREQ under LFU:
 * "freq"; nodes of both: "mixed"); null when no key could be judged (`reason` says why).
 */
export const scanEffectivenessSchema = z.object({
  mode: z.enum(["idle", "freq", "mixed"]).nullable(),
  judged: z.number().int().nonnegative(),
  read: z.number().int().nonnegative(),
  neverRead: z.number().int().nonnegative(),
  readShare: z.number().min(0).max(1).nullable(),
  neverReadShare: z.number().min(0).max(1).nullable(),
  /** Read keys by (age − idle) / standard TTL, in buckets [from, to); null unless every judged key had an idle time. */
  lastReadHistogram: z
    .array(z.object({ from: z.number().min(0).max(1), to: z.number().min(0).max(1), count: z.number().int().nonnegative() }))
    .nullable(),
  /** Keys of the pattern not judged, by reason. */
  notJudged: z.object({
    /** Collections (the scan's length read touches them) and other types. */
    notString: z.number().int().nonnegative(),
    /** No TTL, or a TTL above the standard: not written with the standard TTL. */
    ttlOutside: z.number().int().nonnegative(),
    /** Written within the tolerance: a read cannot be told from the write. */
    tooYoung: z.number().int().nonnegative(),
    /** The access figure was not read (refused, or the policy unknown). */
    unknown: z.number().int().nonnegative(),
    /** Idle longer than the age: the TTL was set after the write. */
    inconsistent: z.number().int().nonnegative(),
    /** Left out of the sample (see sampleEvery). */
    notSampled: z.number().int().nonnegative().default(0),
  }),
  toleranceSeconds: z.number().int().nonnegative(),
  /** The figure was read for one string key in this many (1: every key). */
  sampleEvery: z.number().int().positive().default(1),
  reason: z.string().optional(),
});
export type ScanEffectiveness = z.infer<typeof scanEffectivenessSchema>;

export const scanPatternSchema = z.object({
  name: z.string(),
  /** The policy's template: "isl:result:{request_hash}". */
  pattern: z.string(),
  keys: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  /** bytes / keys, rounded; 0 without keys. */
  avgBytes: z.number().int().nonnegative(),
  typicalBytes: z.number().int().nonnegative(),
  expected: z.object({ min: z.number().int().nonnegative(), max: z.number().int().nonnegative() }),
  standardTtlSeconds: z.number().int().positive(),
  noTtl: z.number().int().nonnegative(),
  aboveStandard: z.number().int().nonnegative(),
  possiblePii: z.number().int().nonnegative(),
  /** Keys of the pattern whose MEMORY USAGE Redis refused: `bytes` and `avgBytes` leave them out. */
  sizeUnknown: z.number().int().nonnegative().default(0),
  ttlHistogram: z.array(ttlBucketSchema),
  /** Absent in scans stored before the scan read access figures. */
  effectiveness: scanEffectivenessSchema.optional(),
});
export type ScanPattern = z.infer<typeof scanPatternSchema>;

export const scanClassesSchema = z.object({
  ok: z.number().int().nonnegative(),
  noTtl: z.number().int().nonnegative(),
  aboveStandard: z.number().int().nonnegative(),
  unknownPattern: z.number().int().nonnegative(),
  foreign: z.number().int().nonnegative(),
  /** A flag, not a class: counted on top of the key's class. */
  possiblePii: z.number().int().nonnegative(),
});
export type ScanClasses = z.infer<typeof scanClassesSchema>;

export const SCAN_LIST_NAMES = [
  "noTtl",
  "aboveStandard",
  "unknownPattern",
  "foreign",
  "possiblePii",
  /** Keys whose metadata the console could not read (ACL key patterns): their class is unknown. */
  "unknown",
] as const;
export type ScanListName = (typeof SCAN_LIST_NAMES)[number];

const listsSchema = z.object({
  noTtl: z.array(scanKeyEntrySchema),
  aboveStandard: z.array(scanKeyEntrySchema),
  unknownPattern: z.array(scanKeyEntrySchema),
  foreign: z.array(scanKeyEntrySchema),
  possiblePii: z.array(scanKeyEntrySchema),
  unknown: z.array(scanKeyEntrySchema).default([]),
});

const listTotalsSchema = z.object({
  noTtl: z.number().int().nonnegative(),
  aboveStandard: z.number().int().nonnegative(),
  unknownPattern: z.number().int().nonnegative(),
  foreign: z.number().int().nonnegative(),
  possiblePii: z.number().int().nonnegative(),
  unknown: z.number().int().nonnegative().default(0),
});

/** Why part of a scan could not be read: one entry per classified reason, with how many keys it hit. */
export const scanProblemSchema = z.object({
  kind: z.string(),
  command: z.string().optional(),
  message: z.string(),
  /** "unknown": the keys' class could not be read; "size": only their MEMORY USAGE; "access": only their OBJECT IDLETIME / FREQ. */
  affects: z.enum(["unknown", "size", "access"]),
  keys: z.number().int().nonnegative(),
});
export type ScanProblem = z.infer<typeof scanProblemSchema>;

/** Key groups outside the patterns, by their first two `:` segments ("isl:tmp:", "sess:"). */
export const scanPrefixSchema = z.object({
  prefix: z.string(),
  keys: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
});
export type ScanPrefix = z.infer<typeof scanPrefixSchema>;

/** Inclusive cluster slot ranges, [from, to]. */
export const slotRangeSchema = z.tuple([
  z.number().int().min(0).max(16383),
  z.number().int().min(0).max(16383),
]);
export type SlotRange = z.infer<typeof slotRangeSchema>;

/**
 * How one node's part of the keyspace went. "done": scanned to the end; "retried": the node that
 * held the part failed mid-scan (`failedNode`, `error`) and its part was scanned again from the
 * start on the node that took over its slots (`address`); "failed": the part was not scanned to
 * the end (`error` says why; the keys read before the failure are counted); "cancelled": the scan
 * was cancelled before the part was done.
 */
export const scanNodeStatusSchema = z.enum(["done", "retried", "failed", "cancelled"]);
export type ScanNodeStatus = z.infer<typeof scanNodeStatusSchema>;

export const scanNodeSchema = z.object({
  /** "host:port" of the server that was scanned. */
  address: z.string(),
  role: z.enum(["master", "replica"]),
  /** A replica's master. */
  master: z.string().optional(),
  /** The cluster slots this part of the keyspace holds ([] outside a cluster). */
  slots: z.array(slotRangeSchema),
  /** Keys classified on this node (vanished ones excluded); the node entries sum to the result's `keys`. */
  keys: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  vanished: z.number().int().nonnegative().default(0),
  unknown: z.number().int().nonnegative().default(0),
  durationMs: z.number().nonnegative().default(0),
  status: scanNodeStatusSchema,
  /** The node that failed before a retry took its slots over. */
  failedNode: z.string().optional(),
  /** The node's maxmemory-policy (INFO memory) and the access figure read under it; absent in older scans. */
  access: z
    .object({ policy: z.string().nullable(), mode: z.enum(["idle", "freq", "none"]), note: z.string().optional() })
    .optional(),
  error: z.string().optional(),
});
export type ScanNode = z.infer<typeof scanNodeSchema>;

export const scanResultSchema = z.object({
  /** Distinct keys classified (vanished ones excluded). */
  keys: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  durationMs: z.number().nonnegative(),
  /** Keys SCAN returned that were gone before we read them (Redis answered TTL -2): skipped. */
  vanished: z.number().int().nonnegative(),
  /**
   * Keys whose metadata could not be read (the console's user may not touch them): neither counted
   * in a class nor as vanished. A scan with unknown keys is partial: it cannot clear an alert.
   */
  unknown: z.number().int().nonnegative().default(0),
  /** Keys counted in their class whose size (MEMORY USAGE) Redis refused: `bytes` leaves them out. */
  sizeUnknown: z.number().int().nonnegative().default(0),
  /** What Redis refused while the scan read metadata, classified. */
  problems: z.array(scanProblemSchema).default([]),
  classes: scanClassesSchema,
  /** One entry per policy pattern, in policy order, including patterns with no keys. */
  patterns: z.array(scanPatternSchema),
  /** Capped at SCAN_LIST_CAP entries each, in scan order; `listTotals` has the exact counts. */
  lists: listsSchema,
  listTotals: listTotalsSchema,
  biggest: z.object({
    /** Top 50 by MEMORY USAGE, largest first. */
    byMemory: z.array(scanBiggestEntrySchema),
    /** Top 50 collections by element count (HLEN/LLEN/SCARD/ZCARD/XLEN), largest first. */
    byLength: z.array(scanBiggestEntrySchema),
  }),
  /** Largest groups of unknown-pattern and foreign keys (at most 50 each, most keys first). */
  prefixes: z.object({ unknownPattern: z.array(scanPrefixSchema), foreign: z.array(scanPrefixSchema) }),
  /**
   * The servers scanned, one entry per part of the keyspace (a standalone or sentinel instance: one;
   * a cluster: one per master's slot ranges). Absent in scans stored before nodes were recorded.
   */
  nodes: z.array(scanNodeSchema).optional(),
  /** Cluster slots whose keys were not (fully) scanned: a scan with any is failed, never done. */
  uncoveredSlots: z.array(slotRangeSchema).optional(),
});
export type ScanResult = z.infer<typeof scanResultSchema>;

/**
 * What the console's own actions changed since the scan finished (lib/scan/changes.ts): the lists,
 * totals, classes and per-pattern counts served are already adjusted; the TTLs in the lists are
 * still the values read at scan time.
 */
export const scanChangesSchema = z.object({
  /** Keys that left a violation list with a TTL now. */
  fixed: z.number().int().nonnegative(),
  /** Keys that left the lists because an action deleted them. */
  deleted: z.number().int().nonnegative(),
  /** The latest change. */
  at: z.string(),
});
export type ScanChanges = z.infer<typeof scanChangesSchema>;

export const scanJobSchema = z.object({
  id: z.string(),
  instance: z.string(),
  match: z.string(),
  mode: scanModeSchema,
  trigger: scanTriggerSchema,
  /** The actor who started a manual scan (absent for scheduled scans). */
  startedBy: z.string().optional(),
  status: scanStatusSchema,
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  progress: scanProgressSchema,
  error: z.string().optional(),
  /** Present once an action changed keys of this (finished) scan's lists. */
  changedSinceScan: scanChangesSchema.optional(),
  /**
   * GET .../scans/latest: keys the live TTL watch saw since the scan started that joined its lists
   * and counts (keys already in a list are not counted twice); absent when none.
   */
  watchedSinceScan: z
    .object({
      noTtl: z.number().int().nonnegative(),
      aboveStandard: z.number().int().nonnegative(),
      /** ISO time of the newest write seen. */
      lastSeenAt: z.string(),
    })
    .optional(),
  result: scanResultSchema.optional(),
});
export type ScanJob = z.infer<typeof scanJobSchema>;

/** A past scan in GET /api/instances/{id}/scans: the job without its lists, with headline counts. */
export const scanSummarySchema = scanJobSchema.omit({ result: true }).extend({
  summary: z
    .object({
      keys: z.number().int(),
      bytes: z.number().int(),
      durationMs: z.number(),
      classes: scanClassesSchema,
    })
    .optional(),
});
export type ScanSummary = z.infer<typeof scanSummarySchema>;

export const scanListResponseSchema = z.object({ scans: z.array(scanSummarySchema) });
export type ScanListResponse = z.infer<typeof scanListResponseSchema>;

export const SCAN_LIST_CAP = 1000;
export const SCAN_TOP_N = 50;
/** TTL histogram bounds in seconds: 1 min ... 7 days, then one open bucket. */
export const TTL_BUCKETS_SECONDS = [
  60, 300, 900, 1800, 3600, 7200, 14400, 21600, 43200, 86400, 172800, 604800,
] as const;

/** GET /api/scans/{id}/keys: one page of one list, filtered by pattern and key text. */
export const scanKeysQuerySchema = z.object({
  list: z.enum(SCAN_LIST_NAMES).default("noTtl"),
  /** A pattern name, "none" for keys outside every pattern, or absent for all. */
  pattern: z.string().max(64).optional(),
  /** Case-insensitive substring of the key's display text. */
  q: z.string().max(512).optional(),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type ScanKeysQuery = z.infer<typeof scanKeysQuerySchema>;
export type ScanKeysQueryInput = z.input<typeof scanKeysQuerySchema>;

export const scanKeysResponseSchema = z.object({
  scanId: z.string(),
  list: z.enum(SCAN_LIST_NAMES),
  entries: z.array(scanKeyEntrySchema),
  /** Entries of the stored list that pass the filters. */
  matched: z.number().int().nonnegative(),
  /** Entries the scan stored for this list (at most SCAN_LIST_CAP). */
  stored: z.number().int().nonnegative(),
  /** Keys of this list the scan found (exact, may exceed `stored`). */
  total: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  limit: z.number().int().positive(),
});
export type ScanKeysResponse = z.infer<typeof scanKeysResponseSchema>;

/** The instance's running work, whoever started it (GET /api/instances/{id}/scans/running). */
export const runningWorkSchema = z.object({
  /** Running scans, scheduled ones included (at most one per instance). */
  scans: z.array(scanSummarySchema),
  /** Running bulk action jobs (fix-ttl, delete-pattern) as GET /api/actions/{id} answers them. */
  jobs: z.array(actionJobSchema),
});
export type RunningWork = z.infer<typeof runningWorkSchema>;
