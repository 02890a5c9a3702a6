// Schemas for guarded actions (POST /api/instances/{id}/actions, /api/actions/{jobId}), shared by
// the route handlers, lib/actions and the action buttons, so the shapes cannot drift.
import { z } from "zod";
import { auditOutcomeSchema } from "./audit";

/** Keys an expire/delete/fix-selected request may name at once. */
export const MAX_KEYS_PER_REQUEST = 1000;
/** Keys shown in a dry run and stored as the audit sample. */
export const KEY_SAMPLE_SIZE = 20;
/** The bound of `expire` for keys outside every pattern: 7 days. */
export const UNPATTERNED_MAX_TTL_SECONDS = 7 * 86_400;

const keyList = z.array(z.string().min(1).max(700_000)).min(1).max(MAX_KEYS_PER_REQUEST);
const reason = z.string().trim().max(500).optional();
const match = z.string().min(1).max(512);

export const expireBodySchema = z
  .object({
    action: z.literal("expire"),
    keys: keyList,
    ttlSeconds: z.number().int().min(1),
    reason,
  })
  .strict();

export const deleteBodySchema = z.object({ action: z.literal("delete"), keys: keyList, reason }).strict();

/** Exactly one source: a SCAN MATCH glob, the latest scan's list, or named keys ("fix selected"). */
export const fixTtlBodySchema = z
  .object({
    action: z.literal("fix-ttl"),
    match: match.optional(),
    list: z.enum(["noTtl", "aboveStandard"]).optional(),
    keys: keyList.optional(),
    dryRun: z.boolean().default(false),
    reason,
  })
  .strict()
  .refine((b) => [b.match, b.list, b.keys].filter((x) => x !== undefined).length === 1, {
    message: "give exactly one of match, list or keys",
  });

export const deletePatternBodySchema = z
  .object({ action: z.literal("delete-pattern"), match, dryRun: z.boolean().default(false), reason })
  .strict();

/**
 * FLUSHDB needs the instance id typed as `confirm` and a reason; its dry run (`dryRun: true`) needs
 * neither and answers how many keys (and, on a cluster, masters) the flush would empty.
 */
export const flushdbBodySchema = z
  .object({
    action: z.literal("flushdb"),
    confirm: z.string().optional(),
    reason: z.string().trim().min(1, "a reason is required").max(500).optional(),
    dryRun: z.boolean().default(false),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.dryRun) return;
    if (b.confirm === undefined)
      ctx.addIssue({ code: "custom", path: ["confirm"], message: "type the instance id to confirm" });
    if (b.reason === undefined)
      ctx.addIssue({ code: "custom", path: ["reason"], message: "a reason is required" });
  });

export const actionNames = ["expire", "delete", "fix-ttl", "delete-pattern", "flushdb"] as const;
export type ActionName = (typeof actionNames)[number];

export type ExpireBody = z.infer<typeof expireBodySchema>;
export type DeleteBody = z.infer<typeof deleteBodySchema>;
export type FixTtlBody = z.infer<typeof fixTtlBodySchema>;
export type DeletePatternBody = z.infer<typeof deletePatternBodySchema>;
export type FlushdbBody = z.infer<typeof flushdbBodySchema>;
export type ActionBody = ExpireBody | DeleteBody | FixTtlBody | DeletePatternBody | FlushdbBody;
export type ActionBodyInput =
  | z.input<typeof expireBodySchema>
  | z.input<typeof deleteBodySchema>
  | z.input<typeof fixTtlBodySchema>
  | z.input<typeof deletePatternBodySchema>
  | z.input<typeof flushdbBodySchema>;

export const actionBodySchemas: Record<ActionName, z.ZodType<ActionBody>> = {
  expire: expireBodySchema,
  delete: deleteBodySchema,
  "fix-ttl": fixTtlBodySchema,
  "delete-pattern": deletePatternBodySchema,
  flushdb: flushdbBodySchema,
};

const keyRefSchema = z.object({ key: z.string(), keyBase64: z.string() });

/** 200: a synchronous action or a dry run. */
export const actionResultSchema = z.object({
  auditId: z.number().int(),
  action: z.enum(actionNames),
  outcome: auditOutcomeSchema,
  dryRun: z.boolean(),
  /** Keys changed (0 for a dry run). */
  affected: z.number().int().nonnegative(),
  /** Dry run: keys the real run would change. */
  count: z.number().int().nonnegative().optional(),
  /** Dry run: the first of them. */
  sample: z.array(keyRefSchema).optional(),
  /** fix-ttl: keys outside every pattern, left alone. */
  skipped: z.number().int().nonnegative().optional(),
  skippedSample: z.array(keyRefSchema).optional(),
  /** Keys the request named that no longer existed. */
  missing: z.number().int().nonnegative().optional(),
  /** Dry run: keys whose TTL the console's Redis user may not read (ACL key patterns): not counted either way. */
  unreadable: z.number().int().nonnegative().optional(),
  /**
   * Dry run of fix-ttl from a list: "list" when it read just the latest scan's stored list (the
   * list was complete), "walk" when it walked the scan's match (`note` says why).
   */
  source: z.enum(["list", "walk"]).optional(),
  note: z.string().optional(),
  /** flushdb: DBSIZE just before. */
  keysBefore: z.number().int().nonnegative().optional(),
  /**
   * Several nodes (a cluster's masters): each master's share, in node order: the keys a flush
   * removed or would remove (DBSIZE before), or the keys a dry run counted on it.
   */
  nodes: z.array(z.object({ node: z.string(), count: z.number().int().nonnegative() })).optional(),
});
export type ActionResult = z.infer<typeof actionResultSchema>;

/** 202: a bulk run became a job. */
export const actionJobStartedSchema = z.object({ id: z.string(), auditId: z.number().int() });
export type ActionJobStarted = z.infer<typeof actionJobStartedSchema>;

export const actionJobStatusSchema = z.enum(["running", "done", "failed", "cancelled"]);

export const actionJobSchema = z.object({
  id: z.string(),
  auditId: z.number().int(),
  instance: z.string(),
  action: z.enum(["fix-ttl", "delete-pattern"]),
  match: z.string(),
  /** The actor of the intent that started it. */
  startedBy: z.string(),
  status: actionJobStatusSchema,
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  progress: z.object({
    /** Keys SCAN returned so far. */
    scanned: z.number().int().nonnegative(),
    /** DBSIZE at the start: an estimate. */
    total: z.number().int().nonnegative(),
    fraction: z.number().min(0).max(1),
    affected: z.number().int().nonnegative(),
    skipped: z.number().int().nonnegative(),
    /** Keys scanned per second since the start (while it runs): with `total`, the time left. */
    keysPerSecond: z.number().nonnegative().optional(),
  }),
  error: z.string().optional(),
  /** Several nodes (a cluster's masters): what the job did on each (scanned, changed, its failure). */
  nodes: z
    .array(
      z.object({
        node: z.string(),
        scanned: z.number().int().nonnegative(),
        affected: z.number().int().nonnegative(),
        error: z.string().optional(),
      }),
    )
    .optional(),
});
export type ActionJob = z.infer<typeof actionJobSchema>;
