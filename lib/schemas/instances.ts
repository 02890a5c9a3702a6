// Response schemas for /api/instances and /api/health, shared by the route handlers and the client hooks.
import { z } from "zod";
import { environmentSchema } from "@/lib/policy/types";

export const instanceStatusSchema = z.object({
  id: z.string(),
  name: z.string(),
  environment: environmentSchema,
  readOnly: z.boolean(),
  address: z.string(),
  tls: z.boolean(),
  reachable: z.boolean(),
  error: z.string().optional(),
  checkedAt: z.string(),
  redisVersion: z.string().optional(),
  role: z.string().optional(),
  uptimeSeconds: z.number().optional(),
  memory: z.object({ usedBytes: z.number(), maxBytes: z.number() }).optional(),
  keys: z.number().optional(),
  connectedClients: z.number().optional(),
  /** Cluster and sentinel deployments (absent: standalone); memory, keys and clients are then totals. */
  kind: z.enum(["standalone", "cluster", "sentinel"]).optional(),
  /** Cluster and sentinel: how many nodes were asked, and those that did not answer. */
  nodes: z.object({ total: z.number(), unanswered: z.array(z.string()) }).optional(),
});
export type InstanceStatus = z.infer<typeof instanceStatusSchema>;

export const instancesResponseSchema = z.object({ instances: z.array(instanceStatusSchema) });
export type InstancesResponse = z.infer<typeof instancesResponseSchema>;

export const healthResponseSchema = z.object({
  status: z.enum(["ok", "degraded"]),
  uptimeSeconds: z.number(),
  instances: z.array(z.object({ id: z.string(), reachable: z.boolean(), error: z.string().optional() })),
  /** Which store this process keeps its state in; never its file path or URL (the endpoint is public). */
  store: z.object({ kind: z.enum(["sqlite", "postgres"]) }),
  /** The instances this process samples now: those whose sampler lease it holds. */
  leases: z.object({ held: z.array(z.string()) }),
});
export type HealthResponse = z.infer<typeof healthResponseSchema>;

/** `GET /api/health?probe=live`: the process serves (neither Redis nor the store is asked). */
export const livenessResponseSchema = z.object({ status: z.literal("live"), uptimeSeconds: z.number() });
export type LivenessResponse = z.infer<typeof livenessResponseSchema>;
