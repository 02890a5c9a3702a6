// The ops guide's four key patterns, as data. ISL_POLICY_FILE replaces this whole object.
import type { PolicyInput } from "./types";

const HOUR = 3600;

export const defaultPolicy: PolicyInput = {
  namespace: "isl:",
  patterns: [
    {
      name: "beliefs",
      template: "isl:beliefs:{user_id}",
      keyPrefix: "isl:beliefs:",
      standardTtlSeconds: 24 * HOUR,
      typicalBytes: 500,
      expectedKeys: { min: 50, max: 100 },
      sensitive: true,
      description: "Learned user preferences (ActiVA); user id hashed",
    },
    {
      name: "ident",
      template: "isl:ident:{dag_hash}",
      keyPrefix: "isl:ident:",
      standardTtlSeconds: 6 * HOUR,
      typicalBytes: 1024,
      expectedKeys: { min: 20, max: 30 },
      description: "Causal identification results per DAG",
    },
    {
      name: "result",
      template: "isl:result:{request_hash}",
      keyPrefix: "isl:result:",
      standardTtlSeconds: 2 * HOUR,
      typicalBytes: 7680,
      expectedKeys: { min: 100, max: 200 },
      description: "Counterfactual (Monte Carlo) results per request",
    },
    {
      name: "sensitivity",
      template: "isl:sensitivity:{model_hash}",
      keyPrefix: "isl:sensitivity:",
      standardTtlSeconds: 4 * HOUR,
      typicalBytes: 2048,
      expectedKeys: { min: 30, max: 50 },
      description: "Sensitivity analysis results per model",
    },
  ],
};
