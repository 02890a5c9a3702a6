// Schemas of the ops APIs (/api/instances/{id}/config, /slowlog, /clients, /latency), shared by
// the route handlers and the ops page's hooks so their shapes cannot drift.
import { z } from "zod";
import { configCheckIds } from "@/lib/policy/config-checks";

// --- config compliance -------------------------------------------------------------------------

export const configCheckSchema = z.object({
  id: z.enum(configCheckIds),
  title: z.string(),
  expected: z.string(),
  actual: z.string(),
  status: z.enum(["pass", "fail", "unknown"]),
  /** The guide's exact `redis-cli CONFIG SET ...` line; null where the guide has none. */
  fix: z.string().nullable(),
  advice: z.string().optional(),
  /** The verdict on each server (masters first); `status` is the worst of them. */
  nodes: z
    .array(
      z.object({
        address: z.string(),
        role: z.enum(["master", "replica"]),
        status: z.enum(["pass", "fail", "unknown"]),
        actual: z.string(),
        advice: z.string().optional(),
      }),
    )
    .optional(),
});
export type ConfigCheckView = z.infer<typeof configCheckSchema>;

/** One server's INFO persistence as the ops page shows it, with the persistence check's verdict. */
export const nodePersistenceSchema = z.object({
  status: z.enum(["pass", "fail", "unknown"]),
  problems: z.array(z.string()),
  rdbLastBgsaveStatus: z.string(),
  /** ISO time of the last successful save (the server's start when it never saved). */
  rdbLastSaveTime: z.string(),
  lastSaveAgeSeconds: z.number().nullable(),
  rdbChangesSinceLastSave: z.number(),
  /** Seconds the last background save took; -1 when none ran. */
  rdbLastBgsaveTimeSec: z.number(),
  rdbBgsaveInProgress: z.boolean(),
  aofEnabled: z.boolean(),
  aofRewriteInProgress: z.boolean(),
  aofLastBgrewriteStatus: z.string(),
  aofLastWriteStatus: z.string(),
  /** CONFIG GET save; null when CONFIG is refused. */
  save: z.string().nullable(),
});
export type NodePersistenceView = z.infer<typeof nodePersistenceSchema>;

export const configResponseSchema = z.object({
  id: z.string(),
  environment: z.enum(["development", "staging", "production"]),
  /** Where maxmemory and the policy came from: CONFIG GET, or INFO when CONFIG is disabled (on any node). */
  source: z.enum(["config", "info"]),
  /** CONFIG is refused on at least one node (disabled, renamed, or not granted to the console's user). */
  configDisabled: z.boolean(),
  checkedAt: z.string(),
  checks: z.array(configCheckSchema),
  /**
   * CONFIG SET arguments that would fix the failing settable checks ("apply recommended"), with the
   * nodes each goes to; empty when CONFIG is refused on any node or a node could not be read.
   */
  recommended: z.array(
    z.object({ name: z.string(), value: z.string(), nodes: z.array(z.string()).optional() }),
  ),
  /** Every server the checklist was read from (one for a standalone instance), masters first. */
  nodes: z
    .array(
      z.object({
        address: z.string(),
        role: z.enum(["master", "replica"]),
        /** null: the node could not be read (`error`). */
        source: z.enum(["config", "info"]).nullable(),
        configDisabled: z.boolean().nullable(),
        /** Why CONFIG GET was refused on this node. */
        configRefusal: z.enum(["permission", "unsupported"]).optional(),
        error: z.string().nullable(),
        /** INFO persistence of the node and the persistence verdict; null when unreadable. */
        persistence: nodePersistenceSchema.nullable().optional(),
      }),
    )
    .optional(),
});
export type ConfigResponse = z.infer<typeof configResponseSchema>;

// --- slow log ---------------------------------------------------------------------------------

export const slowlogQuerySchema = z.object({
  /** `?reveal=1`: an admin asks for the arguments (audited). */
  reveal: z
    .enum(["0", "1", "true", "false"])
    .optional()
    .transform((v) => v === "1" || v === "true"),
  count: z.coerce.number().int().min(1).max(1024).default(128),
});

export const slowlogEntrySchema = z.object({
  id: z.number(),
  time: z.string(),
  durationMicros: z.number(),
  /** The command name (first argument), upper case. */
  command: z.string(),
  /** Escaped like redis-cli; null unless revealed (they may carry PII). */
  args: z.array(z.string()).nullable(),
  /** Arguments after the command name, as Redis logged them (Redis caps the log at 32). */
  argCount: z.number(),
  client: z.object({ addr: z.string(), name: z.string() }),
  /**
   * The console's own command: from one of its connections (isl-console-*), its scan metadata
   * script (EVALSHA of its SHA), or a command run inside that script (Redis logs those as client "?:0").
   */
  own: z.boolean(),
  /** What the console was doing ("console: scan metadata script"); null when not its own. */
  ownLabel: z.string().nullable(),
  /** The server that logged it ("host:port"): ids are per node. */
  node: z.string().optional(),
});
export type SlowlogEntry = z.infer<typeof slowlogEntrySchema>;

export const slowlogResponseSchema = z.object({
  id: z.string(),
  revealed: z.boolean(),
  /** SLOWLOG LEN: entries Redis holds, summed over the nodes read (the list shows the newest `count`). */
  length: z.number(),
  /**
   * slowlog-log-slower-than in microseconds; null when CONFIG is disabled, or (several nodes) when
   * the nodes differ: `nodes` then holds each one's.
   */
  slowerThanMicros: z.number().nullable(),
  maxLen: z.number().nullable(),
  /** Newest first over every node. */
  entries: z.array(slowlogEntrySchema),
  /** Every server read (one for a standalone instance); a node that failed has `error` and no entries. */
  nodes: z
    .array(
      z.object({
        address: z.string(),
        role: z.enum(["master", "replica"]),
        length: z.number().nullable(),
        slowerThanMicros: z.number().nullable(),
        maxLen: z.number().nullable(),
        error: z.string().nullable(),
      }),
    )
    .optional(),
  /** The audit entry of a reveal. */
  auditId: z.number().int().optional(),
});
export type SlowlogResponse = z.infer<typeof slowlogResponseSchema>;

// --- clients ----------------------------------------------------------------------------------

export const clientSchema = z.object({
  id: z.string(),
  addr: z.string(),
  name: z.string(),
  ageSeconds: z.number(),
  idleSeconds: z.number(),
  db: z.number(),
  /** Last command (e.g. "client|list"). */
  cmd: z.string(),
  user: z.string(),
  flags: z.string(),
  /** Memory of the client's buffers (tot-mem), bytes. */
  memoryBytes: z.number(),
  /** Commands run on this connection (tot-cmds, Redis 7.2+); null before. */
  commands: z.number().nullable(),
  /** The server the connection is to ("host:port"): ids are per node. */
  node: z.string().optional(),
});
export type ClientView = z.infer<typeof clientSchema>;

export const clientGroupSchema = z.object({
  key: z.string(),
  count: z.number(),
  minIdleSeconds: z.number(),
  maxIdleSeconds: z.number(),
  oldestAgeSeconds: z.number(),
  memoryBytes: z.number(),
});
export type ClientGroup = z.infer<typeof clientGroupSchema>;

export const clientsResponseSchema = z.object({
  id: z.string(),
  /** Connected clients, summed over the nodes read. */
  connected: z.number(),
  /** maxclients, summed over the nodes read; null when one is unknown. */
  maxClients: z.number().nullable(),
  /** connected / maxclients of the fullest node (the limit is per server). */
  ratio: z.number().nullable(),
  /** The alert threshold (connected / maxclients). */
  threshold: z.number(),
  byName: z.array(clientGroupSchema),
  byAddress: z.array(clientGroupSchema),
  oldest: clientSchema.nullable(),
  busiest: clientSchema.nullable(),
  /** What "busiest" was measured by. */
  busiestBy: z.enum(["commands", "memory"]),
  /** The longest idle first, at most 200. */
  clients: z.array(clientSchema),
  truncated: z.boolean(),
  /** Every server read (one for a standalone instance); a node that failed has `error`. */
  nodes: z
    .array(
      z.object({
        address: z.string(),
        role: z.enum(["master", "replica"]),
        connected: z.number().nullable(),
        maxClients: z.number().nullable(),
        ratio: z.number().nullable(),
        error: z.string().nullable(),
      }),
    )
    .optional(),
});
export type ClientsResponse = z.infer<typeof clientsResponseSchema>;

// --- latency ----------------------------------------------------------------------------------

export const latencyQuerySchema = z.object({
  minutes: z.coerce.number().int().min(5).max(1440).default(60),
});

export const latencyMinuteSchema = z.object({
  /** Start of the minute, ms since the epoch. */
  t: z.number(),
  samples: z.number(),
  minMs: z.number().nullable(),
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
  maxMs: z.number().nullable(),
});
export type LatencyMinute = z.infer<typeof latencyMinuteSchema>;

export const latencyEventSchema = z.object({
  event: z.string(),
  time: z.string(),
  latestMs: z.number(),
  maxMs: z.number(),
  /** The server that recorded it ("host:port"). */
  node: z.string().optional(),
});

/**
 * One command's server-side latency in ms. `histogram`: percentiles of the last sample interval from
 * LATENCY HISTOGRAM deltas, each within its power-of-two bucket (a factor of 2); `latencystats`:
 * percentiles since the server started (or CONFIG RESETSTAT), p95 only when configured;
 * `commandstats`: the interval's average per call (servers before 7.0), percentiles null.
 */
export const commandLatencySchema = z.object({
  /** Upper case as Redis names it ("GET", "CONFIG|GET"). */
  command: z.string(),
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  p99: z.number().nullable(),
  /** commandstats: average per call over the interval. */
  avg: z.number().nullable(),
  source: z.enum(["histogram", "latencystats", "commandstats"]),
  /** Calls in the interval (0 for since-start figures). */
  calls: z.number(),
  /** The interval's length; null = since the server started. */
  windowSeconds: z.number().nullable(),
  /** ISO time of the sample the figures end at. */
  at: z.string(),
  /** The node with the worst figure, on a deployment of several. */
  node: z.string().optional(),
});
export type CommandLatency = z.infer<typeof commandLatencySchema>;

/** One minute of one command: the worst interval's figures in it (over the nodes), calls summed. */
export const commandMinuteSchema = z.object({
  t: z.number(),
  calls: z.number(),
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
  avgMs: z.number().nullable(),
});
export type CommandMinute = z.infer<typeof commandMinuteSchema>;

export const latencyResponseSchema = z.object({
  id: z.string(),
  /** Per command, its newest figures in the range (the console's own commands left out). */
  commands: z.array(commandLatencySchema).optional(),
  /** Per command, per minute of the range (minutes without calls are gaps). */
  commandHistory: z
    .array(
      z.object({
        command: z.string(),
        source: z.enum(["histogram", "latencystats", "commandstats"]),
        minutes: z.array(commandMinuteSchema),
      }),
    )
    .optional(),
  minutes: z.array(latencyMinuteSchema),
  thresholdMs: z.number(),
  /** latency-monitor-threshold in ms: 0 = monitoring off, null = CONFIG disabled. */
  monitorThresholdMs: z.number().nullable(),
  events: z.array(latencyEventSchema),
  /** Redis could not be asked for LATENCY LATEST (unreachable; on several nodes: each failed node named). */
  eventsError: z.string().optional(),
  /** Every server asked (one for a standalone instance), with its monitor threshold or its error. */
  nodes: z
    .array(
      z.object({
        address: z.string(),
        role: z.enum(["master", "replica"]),
        monitorThresholdMs: z.number().nullable(),
        error: z.string().nullable(),
      }),
    )
    .optional(),
});
export type LatencyResponse = z.infer<typeof latencyResponseSchema>;

// --- admin actions ------------------------------------------------------------------------------

/** Body of POST /api/instances/{id}/config/apply and /slowlog/reset. */
export const opsActionBodySchema = z.object({ reason: z.string().trim().max(500).optional() }).strict();

export const applyConfigResponseSchema = z.object({
  /** Each setting written, with the nodes it was written to. */
  applied: z.array(z.object({ name: z.string(), value: z.string(), nodes: z.array(z.string()).optional() })),
  /** Every node something was written to. */
  nodes: z.array(z.string()).optional(),
  auditId: z.number().int(),
});
export type ApplyConfigResponse = z.infer<typeof applyConfigResponseSchema>;

export const resetSlowlogResponseSchema = z.object({
  ok: z.literal(true),
  /** The nodes whose slow log was emptied (every server of the instance). */
  nodes: z.array(z.string()).optional(),
  auditId: z.number().int(),
});
export type ResetSlowlogResponse = z.infer<typeof resetSlowlogResponseSchema>;
