// Schema of the cache-key calculator API (POST /api/instances/{id}/cache-key), shared by the
// route handler and the page's hook. The request text is a string, not a JSON value: the server
// reads it as Python's json.loads would (big ints, int vs float, duplicate keys), which a parsed
// JSON body would already have lost.
import { z } from "zod";

/** The longest request text read, in UTF-8 bytes (ISL's requests are a few KiB). */
export const MAX_REQUEST_BYTES = 1024 * 1024;
/** The body carries up to two texts, JSON-escaped (control characters take 6 bytes each). */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

export const cacheKeyBodySchema = z
  .object({
    /** A policy pattern's name whose template has one placeholder: "result". */
    pattern: z.string().min(1).max(100),
    /** The request as JSON text, as ISL receives it. */
    request: z.string(),
    /** A second request text to compare with the first. */
    compare: z.string().optional(),
  })
  .strict();
export type CacheKeyBody = z.infer<typeof cacheKeyBodySchema>;

export const cacheKeyWarningSchema = z.object({
  kind: z.enum([
    "unsortedList",
    "integralFloat",
    "precision",
    "overflow",
    "bigInt",
    "negativeZero",
    "nonFinite",
    "duplicateKey",
    "notNfc",
    "whitespace",
  ]),
  /** JSONPath of the value: `$.inputs[2]`. */
  path: z.string(),
  message: z.string(),
});
export type CacheKeyWarningView = z.infer<typeof cacheKeyWarningSchema>;

export const cacheKeyResultSchema = z.object({
  /** json.dumps(data, sort_keys=True, separators=(",", ":")), ASCII. */
  canonical: z.string(),
  /** SHA-256 of the canonical text, 64 hex digits. */
  sha256: z.string(),
  /** The key ISL computes: the pattern's template with the first 16 hex digits in place. */
  key: z.string(),
  keyBase64: z.string(),
  /** Whether the key exists now; "unknown" when the console's Redis user may not read it (ACL). */
  exists: z.union([z.boolean(), z.literal("unknown")]),
  /** Why `exists` is "unknown". */
  existsReason: z.string().optional(),
  /** Seconds left, -1 for no expiry; null when the key does not exist or could not be read. */
  ttl: z.number().nullable(),
  type: z.string().optional(),
  /** MEMORY USAGE in bytes; null where Redis refused it. */
  bytes: z.number().nullable().optional(),
  warnings: z.array(cacheKeyWarningSchema),
  /** Warnings found beyond those listed. */
  warningsOmitted: z.number().int().nonnegative(),
});
export type CacheKeyResult = z.infer<typeof cacheKeyResultSchema>;

export const cacheKeyResponseSchema = cacheKeyResultSchema.extend({
  pattern: z.string(),
  /** The pattern's template: "isl:result:{request_hash}". */
  template: z.string(),
  /** Present when a second request was sent. */
  comparison: z
    .object({
      other: cacheKeyResultSchema,
      sameKey: z.boolean(),
      /** First index where the canonical texts differ; null when they are equal. */
      firstDifference: z.number().int().nullable(),
    })
    .optional(),
});
export type CacheKeyResponse = z.infer<typeof cacheKeyResponseSchema>;

/** Details of a request text json.loads refuses (the 400's `details`). */
export const cacheKeyParseErrorSchema = z.object({
  field: z.enum(["request", "compare"]),
  line: z.number(),
  column: z.number(),
  /** Offset in characters (code points), as Python reports it. */
  char: z.number(),
});
