// Schemas for the audit log (GET /api/audit), shared by the store, the route and the /audit page.
import { z } from "zod";
import { intParam, isoTimeSchema } from "./query";

export const auditOutcomeSchema = z.enum(["ok", "denied", "rejected", "error", "cancelled"]);
export type AuditOutcome = z.infer<typeof auditOutcomeSchema>;

export const auditKindSchema = z.enum(["intent", "outcome"]);
export type AuditKind = z.infer<typeof auditKindSchema>;

/**
 * One row of the chain. An attempt is two rows: the intent (written before anything runs) and
 * its outcome (`intentId` points back). Both carry who, where, what and why, so filters match either.
 */
export const auditEntrySchema = z.object({
  id: z.number().int().positive(),
  at: z.string(),
  kind: auditKindSchema,
  intentId: z.number().int().positive().nullable(),
  actor: z.string(),
  role: z.string(),
  authMethod: z.string(),
  source: z.string(),
  instance: z.string(),
  action: z.string(),
  /** The request's parameters without its key list (that is `targetCount` + `sample`). */
  params: z.record(z.string(), z.unknown()),
  /** Keys named by the request (expire, delete, fix selected); null for pattern and flush actions. */
  targetCount: z.number().int().nonnegative().nullable(),
  /** The first keys, as display strings. */
  sample: z.array(z.string()),
  reason: z.string().nullable(),
  /** null on intents. */
  outcome: auditOutcomeSchema.nullable(),
  affected: z.number().int().nonnegative().nullable(),
  durationMs: z.number().int().nonnegative().nullable(),
  /** Why denied/rejected/failed, or what was skipped. */
  detail: z.string().nullable(),
  hash: z.string(),
  prevHash: z.string(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** Entries per page on the /audit page. */
export const AUDIT_PAGE = 100;

export const auditQuerySchema = z.object({
  instance: z.string().max(128).optional(),
  actor: z.string().max(256).optional(),
  action: z.string().max(64).optional(),
  outcome: auditOutcomeSchema.optional(),
  /** ISO 8601 time (`2026-03-01`, `2026-03-01T09:30:00Z`): entries at or after it. */
  since: isoTimeSchema.optional(),
  /** Entries with a smaller id (paging back). */
  before: intParam(1, Number.MAX_SAFE_INTEGER).optional(),
  limit: intParam(1, 1000).default(100),
  format: z.enum(["json", "csv"]).default("json"),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;
export type AuditQueryInput = z.input<typeof auditQuerySchema>;

export const auditResponseSchema = z.object({ entries: z.array(auditEntrySchema) });
export type AuditResponse = z.infer<typeof auditResponseSchema>;
