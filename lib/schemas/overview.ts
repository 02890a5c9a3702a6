// Response schema of GET /api/instances/{id}/overview, shared by the route handler and useOverview.
import { z } from "zod";
import { ALERT_RULES } from "@/lib/policy/alerts";

export const runbookStepSchema = z.object({ text: z.string(), href: z.string().optional() });

export const alertSchema = z.object({
  rule: z.enum(ALERT_RULES),
  /** The node ("host:port") a per-node alert is about; absent for the instance's own alerts. */
  node: z.string().optional(),
  /** The command a command-latency alert is about (lower case, e.g. "eval"). */
  command: z.string().optional(),
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

/** One server of a cluster or sentinel deployment (a standalone instance has one) at the last sample. */
export const overviewNodeSchema = z.object({
  address: z.string(),
  role: z.enum(["master", "replica"]),
  /** A replica's master. */
  master: z.string().nullable(),
  /** Cluster: inclusive slot ranges (a replica: its master's), their count and "0-5460, 10923" text. */
  slots: z.array(z.tuple([z.number(), z.number()])),
  slotCount: z.number(),
  slotsText: z.string(),
  reachable: z.boolean(),
  error: z.string().nullable(),
  memory: z.object({ usedBytes: nullableNumber, maxBytes: nullableNumber, ratio: nullableNumber }),
  evictionsPerMinute: nullableNumber,
  opsPerSecond: nullableNumber,
  hitRate: nullableNumber,
  clients: z.object({ connected: nullableNumber, max: nullableNumber, ratio: nullableNumber }),
  latencyMs: nullableNumber,
  keys: nullableNumber,
  replication: z.object({
    /** Replica: master_link_status. */
    linkStatus: z.enum(["up", "down"]).nullable(),
    linkDownSeconds: nullableNumber,
    /** Replica: seconds since its last ack to the master (the master's `lag`). */
    lagSeconds: nullableNumber,
    /** Replica: bytes of replication stream behind its master. */
    offsetBehind: nullableNumber,
    /** Master: connected replicas. */
    connectedReplicas: nullableNumber,
  }),
  /** Cluster: flags the cluster gives the node (fail, fail?, ...), without myself/master/slave. */
  flags: z.array(z.string()),
  /** Cluster master: its cluster_state. */
  clusterState: z.string().nullable(),
  /** ok | warn | bad, and the same in words ("up", "link down", "unreachable", "memory 95 %"). */
  status: z.enum(["ok", "warn", "bad"]),
  statusText: z.string(),
});
export type OverviewNode = z.infer<typeof overviewNodeSchema>;

export const failoverEventSchema = z.object({
  /** ISO time of the first sample that saw the new master. */
  at: z.string(),
  from: z.string().nullable(),
  to: z.string(),
  configEpoch: z.number().nullable().optional(),
  slots: z.string().optional(),
});
export type FailoverEvent = z.infer<typeof failoverEventSchema>;

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
  /** standalone | cluster | sentinel (absent on overviews stored before nodes were sampled). */
  kind: z.enum(["standalone", "cluster", "sentinel"]).optional(),
  /** Which nodes the totals above cover: a node that did not answer is named, never silently left out. */
  coverage: z
    .object({
      nodes: z.number(),
      answered: z.number(),
      unanswered: z.array(z.string()),
      /** Nodes without a rate at the last sample (restarted): the totals' rates skip that sample. */
      rateGaps: z.array(z.string()),
    })
    .optional(),
  /** Every node at the last sample, masters first. */
  nodes: z.array(overviewNodeSchema).optional(),
  /** Cluster: cluster_state as the masters report it. */
  cluster: z
    .object({
      state: z.enum(["ok", "fail", "unknown"]),
      /** Masters reporting a state other than ok. */
      notOk: z.array(z.object({ node: z.string(), state: z.string() })),
      masters: z.number(),
      replicas: z.number(),
    })
    .optional(),
  /** Sentinel: the master the sentinels name, its replicas, the number of sentinels, failovers. */
  sentinel: z
    .object({
      master: z.string().nullable(),
      masterOk: z.boolean(),
      replicas: z.array(z.object({ address: z.string(), flags: z.array(z.string()) })),
      sentinels: z.number(),
      configEpoch: z.number().nullable(),
      error: z.string().nullable(),
      lastFailover: failoverEventSchema.nullable(),
    })
    .optional(),
  /** Failovers seen in the last 7 days, oldest first. */
  failovers: z.array(failoverEventSchema).optional(),
});
export type Overview = z.infer<typeof overviewSchema>;
