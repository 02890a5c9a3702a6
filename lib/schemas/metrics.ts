// Query and response schemas of GET /api/instances/{id}/metrics, shared by the route and useMetrics.
import { z } from "zod";
import { thresholdsSchema } from "./overview";

export const metricsRanges = ["15m", "1h", "6h", "24h", "7d"] as const;
export const metricsRangeSchema = z.enum(metricsRanges);
export type MetricsRange = z.infer<typeof metricsRangeSchema>;

export const metricsQuerySchema = z.object({ range: metricsRangeSchema.default("1h") });
export type MetricsQuery = z.infer<typeof metricsQuerySchema>;

const n = z.number().nullable();

/** One bucket; null where there is a gap (no sample, Redis unreachable, or a counter reset). */
export const metricsPointSchema = z.object({
  /** Start of the bucket, milliseconds since the epoch (UTC). */
  t: z.number(),
  usedBytes: n,
  usedBytesMax: n,
  maxBytes: n,
  evictionsPerMinute: n,
  hitRate: n,
  opsPerSecond: n,
  connectedClients: n,
  maxClients: n,
  latencyMs: n,
  latencyMsMax: n,
  keys: n,
});
export type MetricsPoint = z.infer<typeof metricsPointSchema>;

export const metricsResponseSchema = z.object({
  id: z.string(),
  range: metricsRangeSchema,
  from: z.number(),
  to: z.number(),
  stepSeconds: z.number(),
  source: z.enum(["raw", "rollups"]),
  thresholds: thresholdsSchema,
  points: z.array(metricsPointSchema),
  /** Failovers (another master) in the range, for markers on the charts. */
  events: z.array(z.object({ t: z.number(), kind: z.literal("failover"), label: z.string() })).optional(),
});
export type MetricsResponse = z.infer<typeof metricsResponseSchema>;
