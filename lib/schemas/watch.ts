// Schemas of the live TTL watch's API (GET /api/instances/{id}/watch, /watch/findings), shared by
// the route handlers, the store, the ops and TTL pages' hooks, so their shapes cannot drift.
import { z } from "zod";

export const watchStateSchema = z.enum(["on", "off", "starting", "reconnecting"]);
export type WatchState = z.infer<typeof watchStateSchema>;

/** One master the watch subscribes to (the one server of a standalone or sentinel instance). */
export const watchNodeSchema = z.object({
  address: z.string(),
  state: watchStateSchema,
  /** ISO time the node entered its state. */
  since: z.string(),
  /** Why it is off or reconnecting: "notify-keyspace-events is '' on 127.0.0.1:6379", the NOPERM text... */
  reason: z.string().optional(),
  /** notify-keyspace-events as last read on the node; null when CONFIG could not be read. */
  flags: z.string().nullable().optional(),
});
export type WatchNode = z.infer<typeof watchNodeSchema>;

/** A time window whose writes were not watched (a disconnect): the next scan covers them. */
export const watchMissedSchema = z.object({
  from: z.string(),
  /** Absent while still open (the node is still down). */
  to: z.string().optional(),
  node: z.string().optional(),
  /** "writes between 12:01:03 and 12:01:09 UTC were not watched; the next scan covers them". */
  text: z.string(),
});
export type WatchMissed = z.infer<typeof watchMissedSchema>;

export const watchLastMinuteSchema = z.object({
  /** Keyevent notifications received for keys under a policy pattern. */
  events: z.number().int().nonnegative(),
  /** Distinct keys that were due for a TTL read (after the batch window merged their events). */
  keys: z.number().int().nonnegative(),
  /** Keys whose TTL was read (at most readsPerSecondLimit a second). */
  keysRead: z.number().int().nonnegative(),
  /** TTL reads that failed: those keys are unread, never "no TTL". */
  unread: z.number().int().nonnegative(),
  /** Some due keys were not read (over budget): the findings are a sample. */
  sampled: z.boolean(),
  /** "sampling: read 30,000 of 2,900,000 written keys in the last minute", when sampled. */
  text: z.string().optional(),
});
export type WatchLastMinute = z.infer<typeof watchLastMinuteSchema>;

export const watchStatusSchema = z.object({
  id: z.string(),
  state: watchStateSchema,
  /** Why the watch is off (or partly off), in words an operator can act on. */
  reason: z.string().optional(),
  since: z.string(),
  /** When the process running the watch last wrote this status (absent when none runs it). */
  updatedAt: z.string().optional(),
  nodes: z.array(watchNodeSchema),
  readsPerSecondLimit: z.number().int().nonnegative(),
  lastMinute: watchLastMinuteSchema,
  /** The most recent windows first, at most 20. */
  missed: z.array(watchMissedSchema),
  /** Findings the watch holds now (no TTL or above standard, seen since the latest scan started). */
  findings: z.number().int().nonnegative(),
});
export type WatchStatus = z.infer<typeof watchStatusSchema>;

export const watchFindingClassSchema = z.enum(["noTtl", "aboveStandard"]);
export type WatchFindingClass = z.infer<typeof watchFindingClassSchema>;

export const watchFindingSchema = z.object({
  key: z.string(),
  keyBase64: z.string(),
  class: watchFindingClassSchema,
  /** TTL read after the write; -1 = none. */
  ttl: z.number().int(),
  pattern: z.string().nullable(),
  /** ISO time the write was seen. */
  seenAt: z.string(),
  /** The keyevent that brought the key ("set", "hset", "persist"...). */
  event: z.string(),
  /** The Redis type the event implies ("string", "hash"...), "unknown" for expire/persist/rename. */
  type: z.string(),
  node: z.string().optional(),
});
export type WatchFinding = z.infer<typeof watchFindingSchema>;

export const watchFindingsResponseSchema = z.object({
  id: z.string(),
  findings: z.array(watchFindingSchema),
  total: z.number().int().nonnegative(),
});
export type WatchFindingsResponse = z.infer<typeof watchFindingsResponseSchema>;

export const watchFindingsQuerySchema = z.object({
  class: watchFindingClassSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
