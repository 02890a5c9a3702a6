// Schemas for the key browser API (/api/instances/{id}/keys and /keys/{keyBase64url}), shared by
// the route handlers and the browser hooks. Pure: the glob check lives here so both sides agree.
import { z } from "zod";
import { intParam, isUintText, UINT64_MAX } from "./query";

export const MAX_MATCH_LENGTH = 512;
/** Redis's glob matcher backtracks on every `*`; a pattern with dozens of them can stall the server. */
export const MAX_MATCH_STARS = 16;

export const redisTypes = ["string", "hash", "list", "set", "zset", "stream"] as const;
export const redisTypeSchema = z.enum(redisTypes);
export type RedisTypeName = z.infer<typeof redisTypeSchema>;

/** Why a glob is refused, or undefined when Redis can run it as meant. */
export function globProblem(match: string): string | undefined {
  if (match.length > MAX_MATCH_LENGTH) return `is longer than ${MAX_MATCH_LENGTH} characters`;
  let stars = 0;
  let inClass = false;
  for (let i = 0; i < match.length; i++) {
    const ch = match[i];
    if (ch === "\\") {
      if (i === match.length - 1) return "ends with a lone backslash (escape it as \\\\)";
      i++;
    } else if (inClass) {
      if (ch === "]") inClass = false;
    } else if (ch === "[") {
      inClass = true;
    } else if (ch === "*") {
      stars++;
    }
  }
  if (inClass) return "has a [ without its closing ]";
  if (stars > MAX_MATCH_STARS) return `has more than ${MAX_MATCH_STARS} * wildcards`;
  return undefined;
}

export const matchSchema = z.string().superRefine((value, ctx) => {
  const problem = globProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: `match ${problem}` });
});

/** The opaque cursor of a listing over several nodes (a cluster): base64url, never only digits. */
const NODE_CURSOR = /^[A-Za-z0-9_-]{8,600}$/;

/**
 * A key-list cursor: "0" to start, or the `cursor` a previous page returned. One server's listing
 * continues from its SCAN cursor (decimal digits, 0..2^64-1, passed on in canonical form); a
 * cluster's from an opaque token naming the node and that node's SCAN cursor.
 */
export const keysCursorSchema = z
  .string({ error: "must be the cursor a previous page returned" })
  .refine(
    (v) => isUintText(v, UINT64_MAX) || (NODE_CURSOR.test(v) && !/^\d+$/.test(v)),
    "must be the cursor a previous page returned (0 to start)",
  )
  .transform((v) => (isUintText(v, UINT64_MAX) ? BigInt(v).toString() : v));

export const keysQuerySchema = z.object({
  match: z.preprocess((v) => (v === "" ? undefined : v), matchSchema.default("*")),
  cursor: keysCursorSchema.default("0"),
  count: intParam(1, 1000).default(100),
  type: z.preprocess((v) => (v === "" ? undefined : v), redisTypeSchema.optional()),
});
export type KeysQuery = z.infer<typeof keysQuerySchema>;
export type KeysQueryInput = z.input<typeof keysQuerySchema>;

export const keyClassSchema = z.enum(["ok", "noTtl", "aboveStandard", "unknownPattern", "foreign"]);

export const keyListItemSchema = z.object({
  key: z.string(),
  keyBase64: z.string(),
  type: z.string(),
  /** Seconds; -1 means no expiry. */
  ttl: z.number(),
  /** MEMORY USAGE; null where the command is unavailable. */
  bytes: z.number().nullable(),
  /** Element count for collections, length for strings. */
  length: z.number().nullable(),
  pattern: z.string().nullable(),
  class: keyClassSchema,
  possiblePii: z.boolean(),
  /** Values under this pattern may describe a person; viewers do not see them. */
  sensitive: z.boolean(),
  /** Cluster only: the key's hash slot (0..16383). */
  slot: z.number().int().optional(),
  /** Cluster only: the master that holds the key ("host:port"). */
  node: z.string().optional(),
  /** Cluster only: the key's hash tag (the text between its first `{` and the next `}`), when it has one. */
  hashTag: z.string().optional(),
});
export type KeyListItem = z.infer<typeof keyListItemSchema>;

export const keysResponseSchema = z.object({
  /** "0" when the iteration is complete. */
  cursor: z.string(),
  keys: z.array(keyListItemSchema),
  /** Keys of this page the console's Redis user may not read (ACL key patterns): not listed, not missing. */
  unreadable: z.number().int().nonnegative().optional(),
  unreadableReason: z.string().optional(),
  /**
   * Cluster only: the listing walks the masters one after another, in slot order; `nodes` is how
   * many, `nodeIndex` (1-based) the one the next page continues on (absent once done).
   */
  cluster: z
    .object({ nodes: z.number().int().positive(), nodeIndex: z.number().int().positive().optional() })
    .optional(),
  /** Cluster only: slots no master serves right now ("0-5460"): their keys are not listed. */
  uncoveredSlots: z.string().optional(),
  /** Something the listing had to do that the reader should know (a node that failed over restarted its part). */
  notice: z.string().optional(),
});
export type KeysResponse = z.infer<typeof keysResponseSchema>;

// ---- one key with its value ----

export const MAX_PAGE_ELEMENTS = 1000;

/**
 * Where a page of a collection starts: a list or sorted-set index, a hash or set SCAN cursor (both
 * digits; bounded to what a JavaScript number holds exactly, far beyond any real collection), or the
 * stream id to continue before (`ms-seq`, each part 0..2^64-1, above 0-0).
 */
export function isPageStart(text: string): boolean {
  if (isUintText(text, BigInt(Number.MAX_SAFE_INTEGER))) return true;
  const [ms = "", seq = "", ...rest] = text.split("-");
  return (
    rest.length === 0 &&
    isUintText(ms, UINT64_MAX) &&
    isUintText(seq, UINT64_MAX) &&
    BigInt(ms) + BigInt(seq) > 0n
  );
}

export const keyDetailQuerySchema = z.object({
  /** list / zset: index of the first element; hash / set: the SCAN cursor; stream: the id to continue before. */
  from: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z
      .string()
      .refine(isPageStart, "must be the `next` a previous page returned (an index, a cursor or a stream id)")
      .optional(),
  ),
  limit: intParam(1, MAX_PAGE_ELEMENTS).default(MAX_PAGE_ELEMENTS),
});
export type KeyDetailQuery = z.infer<typeof keyDetailQuerySchema>;

/** A binary-safe element: text when it is printable UTF-8, else escaped like redis-cli. */
export const textValueSchema = z.object({
  text: z.string(),
  /** false when `text` holds redis-cli escapes (`\xff`) for bytes that are not printable UTF-8. */
  utf8: z.boolean(),
  /** The element's full length in bytes, when `text` shows only its start. */
  truncatedFrom: z.number().optional(),
});
export type TextValue = z.infer<typeof textValueSchema>;

const pageFields = {
  /** Elements in the whole key. */
  total: z.number(),
  /** More elements exist than this page shows. */
  truncated: z.boolean(),
  /** Pass as `from` for the next page; absent on the last page. */
  next: z.string().optional(),
};

export const keyValueSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("string"),
    /** text: UTF-8; json: pretty-printed; hex: binary, two hex digits per byte. */
    encoding: z.enum(["text", "json", "hex"]),
    value: z.string(),
    /** Full length in bytes. */
    size: z.number(),
    /** Bytes read and shown. */
    shownBytes: z.number(),
    truncated: z.boolean(),
  }),
  z.object({
    kind: z.literal("hash"),
    ...pageFields,
    fields: z.array(z.object({ field: textValueSchema, value: textValueSchema })),
  }),
  z.object({
    kind: z.literal("list"),
    ...pageFields,
    offset: z.number(),
    elements: z.array(textValueSchema),
  }),
  z.object({ kind: z.literal("set"), ...pageFields, members: z.array(textValueSchema) }),
  z.object({
    kind: z.literal("zset"),
    ...pageFields,
    offset: z.number(),
    members: z.array(z.object({ member: textValueSchema, score: z.string() })),
  }),
  z.object({
    kind: z.literal("stream"),
    ...pageFields,
    /** Newest first. */
    entries: z.array(
      z.object({
        id: z.string(),
        fields: z.array(z.object({ field: textValueSchema, value: textValueSchema })),
      }),
    ),
  }),
  z.object({ kind: z.literal("hidden"), reason: z.string() }),
  z.object({ kind: z.literal("unsupported"), type: z.string() }),
]);
export type KeyValue = z.infer<typeof keyValueSchema>;

export const keyDetailResponseSchema = keyListItemSchema.extend({
  /** The pattern's standard TTL in seconds, or null outside the patterns. */
  standardTtl: z.number().nullable(),
  /** When the value was read (ISO, UTC): the TTL counts down from here. */
  readAt: z.string(),
  value: keyValueSchema,
});
export type KeyDetailResponse = z.infer<typeof keyDetailResponseSchema>;
