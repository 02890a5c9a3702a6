// Response schema of GET /api/instances/{id}/overview, shared by the route handler and useOverview.
import { z } from "zod";

export const runbookStepSchema = z.object({ text: z.string(), href: z.string().optional() });

export const alertSchema = z.object({
  rule: z.enum(["memory", "evictions", "clients", "latency", "hit-rate", "keys-without-ttl", "ttl-compliance-unknown"]),
  title: z.string(),
  severity: z.enum(["critical", "warning", "info"]),
  state: z.enum(["pending", "firing"]),
  since: z.string(),
  value: z.number(),
  threshold: z.number(),
  forSeconds: z.number(),
  summary: z.string(),
  runbook: z.object({ check: z.array(runbookStepSchema), do: z.array(runbookStepSchema) }),
});
export type OverviewAlert = z.infer<typeof alertSchema>;

export const thresholdsSchema = z.object({
  memoryRatio: z.number(),
  evictionsPerMinute: z.number(),
  clientsRatio: z.number(),
  latencyMs: z.number(),
  hitRate: z.number(),
});
export type OverviewThresholds = z.infer<typeof thresholdsSchema>;

const nullableNumber = z.number().nullable();

export const overviewSchema = z.object({
  id: z.string(),
  /** False while the sampler cannot reach Redis, and before the first sample. */
  reachable: z.boolean(),
  /** When the current unreachable stretch began (ISO). */
  unreachableSince: z.string().optional(),
  error: z.string().optional(),
  /** Time of the data shown (the last reachable sample); null before the first one. */
  sampledAt: z.string().nullable(),
  /** Time of the sampler's last attempt, reachable or not. */
  checkedAt: z.string().nullable(),
  /** No process has sampled this instance for over three intervals: the figures are old. */
  stale: z.boolean(),
  sampleIntervalSeconds: z.number(),
  memory: z.object({ usedBytes: nullableNumber, maxBytes: nullableNumber, ratio: nullableNumber }),
  evictionsPerMinute: nullableNumber,
  hitRate: nullableNumber,
  opsPerSecond: nullableNumber,
  clients: z.object({ connected: nullableNumber, max: nullableNumber, ratio: nullableNumber }),
  latencyMs: z.object({ p50: nullableNumber, p95: nullableNumber }),
  keys: nullableNumber,
  /** The windows the rates are computed over. */
  windows: z.object({
    evictionsSeconds: z.number(),
    hitRateSeconds: z.number(),
    opsSeconds: z.number(),
    latencySeconds: z.number(),
  }),
  thresholds: thresholdsSchema,
  alerts: z.array(alertSchema),
});
export type Overview = z.infer<typeof overviewSchema>;
