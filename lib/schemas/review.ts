// Schema of the weekly key-distribution review (GET /api/instances/{id}/review), shared by the
// pure builder (lib/review/build.ts), the route handler, the review page and the CLI.
import { z } from "zod";
import { environmentSchema } from "@/lib/policy/types";
import {
  scanBiggestEntrySchema,
  scanClassesSchema,
  scanKeyEntrySchema,
  scanEffectivenessSchema,
  scanModeSchema,
  scanPrefixSchema,
} from "./scans";

export const keysStatusSchema = z.enum(["below", "within", "above"]);
export type KeysStatus = z.infer<typeof keysStatusSchema>;

/** Average size against the policy's typical size: off by more than 2x either way is flagged. */
export const sizeFlagSchema = z.enum(["small", "typical", "large"]);
export type SizeFlag = z.infer<typeof sizeFlagSchema>;

const deltaSchema = z.object({ keys: z.number().int(), bytes: z.number().int() });
export type Delta = z.infer<typeof deltaSchema>;

export const reviewTtlBucketSchema = z.object({
  /** Upper bound in seconds (inclusive); null for the open last bucket. */
  le: z.number().int().positive().nullable(),
  count: z.number().int().nonnegative(),
  /** "≤ 1 min", "1 min – 5 min", "> 7 d". */
  label: z.string(),
  /** Every TTL in this bucket is above the pattern's standard TTL. */
  overStandard: z.boolean(),
});
export type ReviewTtlBucket = z.infer<typeof reviewTtlBucketSchema>;

/**
 * A TTL recommendation from the pattern's cache effectiveness (lib/review/build.ts):
 * "never-read": a large share of its keys is never read after the write (their memory buys no hits);
 * "late-reads": keys are still read near the end of their life (a longer TTL would likely raise the hit rate).
 */
export const reviewRecommendationSchema = z.object({
  kind: z.enum(["never-read", "late-reads"]),
  text: z.string(),
  /** The figure behind it (a share, 0..1) and the threshold it passed. */
  share: z.number().min(0).max(1),
  threshold: z.number().min(0).max(1),
  /** A TTL the guide suggests for this pattern, in seconds, where it names one. */
  suggestedTtlSeconds: z.number().int().positive().nullable(),
});
export type ReviewRecommendation = z.infer<typeof reviewRecommendationSchema>;

export const reviewPatternSchema = z.object({
  name: z.string(),
  pattern: z.string(),
  keys: z.number().int().nonnegative(),
  expected: z.object({ min: z.number().int().nonnegative(), max: z.number().int().nonnegative() }),
  keysStatus: keysStatusSchema,
  /** MEMORY USAGE summed over the keys whose size Redis answered (see sizeUnknown). */
  bytes: z.number().int().nonnegative(),
  /** Keys whose size Redis refused: not in `bytes` nor in `avgBytes`. */
  sizeUnknown: z.number().int().nonnegative().default(0),
  /** Share of all scanned bytes, 0..1. */
  shareOfBytes: z.number().min(0).max(1),
  /** null without keys whose size is known. */
  avgBytes: z.number().int().nonnegative().nullable(),
  typicalBytes: z.number().int().nonnegative(),
  /** avgBytes / typicalBytes; null without keys. */
  sizeRatio: z.number().nonnegative().nullable(),
  sizeFlag: sizeFlagSchema.nullable(),
  standardTtlSeconds: z.number().int().positive(),
  noTtl: z.number().int().nonnegative(),
  aboveStandard: z.number().int().nonnegative(),
  possiblePii: z.number().int().nonnegative(),
  ttlHistogram: z.array(reviewTtlBucketSchema),
  /** Since the baseline scan; null without a baseline. */
  change: deltaSchema.nullable(),
  /** Cache effectiveness from the scan; null for scans stored before it was read. */
  effectiveness: scanEffectivenessSchema.nullable().default(null),
  recommendations: z.array(reviewRecommendationSchema).default([]),
});
export type ReviewPattern = z.infer<typeof reviewPatternSchema>;

const outsideGroupSchema = z.object({
  /** Exact count from the scan. */
  total: z.number().int().nonnegative(),
  /** Largest groups by their first two `:` segments. */
  prefixes: z.array(scanPrefixSchema),
  /** The first keys of the scan's (capped) list. */
  sample: z.array(scanKeyEntrySchema),
});
export type OutsideGroup = z.infer<typeof outsideGroupSchema>;

export const reviewChangeSchema = z.object({
  baseline: z.object({ scanId: z.string(), startedAt: z.string(), ageSeconds: z.number().nonnegative() }),
  keys: z.number().int(),
  bytes: z.number().int(),
  classes: z.object({
    noTtl: z.number().int(),
    aboveStandard: z.number().int(),
    unknownPattern: z.number().int(),
    foreign: z.number().int(),
    possiblePii: z.number().int(),
  }),
});
export type ReviewChange = z.infer<typeof reviewChangeSchema>;

export const capacityPointSchema = z.object({ t: z.string(), usedBytes: z.number().nonnegative() });
export type CapacityPoint = z.infer<typeof capacityPointSchema>;

export const capacityStatusSchema = z.enum(["ok", "insufficient-history", "no-maxmemory"]);

export const capacitySchema = z.object({
  /**
   * ok: fitted and projected against maxmemory; insufficient-history: too little memory history to
   * fit; no-maxmemory: fitted, but there is no limit to project against.
   */
  status: capacityStatusSchema,
  /** One sentence saying what the projection found, or why there is none. */
  note: z.string(),
  /** null when maxmemory is 0 (no limit) or unknown. */
  maxBytes: z.number().int().positive().nullable(),
  /** 80 % of maxBytes. */
  thresholdBytes: z.number().int().positive().nullable(),
  currentBytes: z.number().nonnegative().nullable(),
  history: z.object({
    points: z.number().int().nonnegative(),
    from: z.string().nullable(),
    to: z.string().nullable(),
    spanSeconds: z.number().nonnegative(),
  }),
  /** Least-squares line of used memory over time; null with insufficient history. */
  fit: z.object({ slopeBytesPerDay: z.number(), bytesNow: z.number(), r2: z.number().nullable() }).nullable(),
  trend: z.enum(["growing", "flat", "shrinking"]).nullable(),
  projections: z.array(
    z.object({
      months: z.number().int().positive(),
      at: z.string(),
      bytes: z.number(),
      ratio: z.number().nullable(),
    }),
  ),
  /** When the fitted line reaches 80 % of maxmemory; null if flat, shrinking, no limit or beyond the horizon. */
  crosses80At: z.string().nullable(),
  /** The latest used memory is already at or above 80 % of maxmemory. */
  alreadyAbove80: z.boolean(),
  /** History, averaged into at most ~200 points, for the chart. */
  series: z.array(capacityPointSchema),
});
export type Capacity = z.infer<typeof capacitySchema>;

export const reviewSchema = z.object({
  instance: z.object({ id: z.string(), name: z.string(), environment: environmentSchema }),
  generatedAt: z.string(),
  scan: z.object({
    id: z.string(),
    match: z.string(),
    mode: scanModeSchema,
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    durationMs: z.number().nonnegative(),
    keys: z.number().int().nonnegative(),
    bytes: z.number().int().nonnegative(),
    vanished: z.number().int().nonnegative(),
    classes: scanClassesSchema,
  }),
  patterns: z.array(reviewPatternSchema),
  unknownPattern: outsideGroupSchema,
  foreign: outsideGroupSchema,
  biggest: z.object({ byMemory: z.array(scanBiggestEntrySchema), byLength: z.array(scanBiggestEntrySchema) }),
  /** Against the stored scan closest to 7 days before this one; null when there is none. */
  change: reviewChangeSchema.nullable(),
  /** Why `change` is null, or which scan it compares with. */
  changeNote: z.string(),
  capacity: capacitySchema,
  /** What the cache effectiveness figures assume, and how they were read (the nodes' policies). */
  effectivenessNote: z.string().default(""),
});
export type Review = z.infer<typeof reviewSchema>;

export const reviewFormatSchema = z.enum(["json", "csv", "md"]);
export type ReviewFormat = z.infer<typeof reviewFormatSchema>;

export const reviewQuerySchema = z.object({
  format: reviewFormatSchema.default("json"),
  /** "1" adds Content-Disposition: attachment with a file name. */
  download: z.enum(["0", "1", "true", "false"]).optional(),
});
export type ReviewQuery = z.infer<typeof reviewQuerySchema>;
