// Schema of GET /api/instances/{id}/capabilities: what the console's Redis user may do on an
// instance, shared by the route handler, the ops page's panel and the action buttons' hook.
import { z } from "zod";

export const capabilitiesQuerySchema = z.object({
  /** `?refresh=1`: probe again instead of answering the cached result. */
  refresh: z
    .enum(["0", "1", "true", "false"])
    .optional()
    .transform((v) => v === "1" || v === "true"),
});

/** How an answer was told: ACL DRYRUN, a MULTI ... DISCARD queue probe, or a harmless direct call. */
export const probeMethodSchema = z.enum(["acl-dryrun", "multi", "direct"]);
export type ProbeMethod = z.infer<typeof probeMethodSchema>;

export const commandCapabilitySchema = z.object({
  /** The command as ACL rules name it, lowercase: "ttl", "memory|usage". */
  command: z.string(),
  /** As people type it: "MEMORY USAGE". */
  label: z.string(),
  /** true allowed, false refused, null could not be told. */
  allowed: z.boolean().nullable(),
  via: probeMethodSchema.nullable(),
  reason: z.string(),
  /** The ACL rule that would grant a refused command ("+expire", "~isl:*"); null when none would. */
  aclRule: z.string().nullable(),
  /** Set when the feature works without the command: what is lost then. */
  optional: z.string().optional(),
});
export type CommandCapability = z.infer<typeof commandCapabilitySchema>;

export const capabilityIdSchema = z.enum(["browse", "values", "ops-read", "keys-write", "admin", "cluster"]);
export type CapabilityId = z.infer<typeof capabilityIdSchema>;

/**
 * A capability as a whole: `allowed` when every required command is, `partial` when only optional
 * ones are refused or unknown, `refused` when a required one is refused, `unknown` otherwise.
 */
export const capabilityStatusSchema = z.enum(["allowed", "partial", "refused", "unknown"]);
export type CapabilityStatus = z.infer<typeof capabilityStatusSchema>;

export const capabilitySchema = z.object({
  id: capabilityIdSchema,
  title: z.string(),
  /** The console role whose features need it. */
  role: z.enum(["viewer", "operator", "admin"]),
  status: capabilityStatusSchema,
  commands: z.array(commandCapabilitySchema),
});
export type Capability = z.infer<typeof capabilitySchema>;

/** The console permissions whose actions run Redis commands that change data or settings. */
export const redisActionPermissions = [
  "expire",
  "delete",
  "fix-ttl",
  "delete-pattern",
  "flushdb",
  "config-set",
  "slowlog-reset",
] as const;
export type RedisActionPermission = (typeof redisActionPermissions)[number];

export const permissionCapabilitySchema = z.object({
  /** false: the Redis user cannot do it (the UI disables the action); null: could not be told. */
  allowed: z.boolean().nullable(),
  reason: z.string(),
  /** The commands the action sends. */
  commands: z.array(z.string()),
  /** The ACL rules that would grant what is refused. */
  aclRules: z.array(z.string()),
});
export type PermissionCapability = z.infer<typeof permissionCapabilitySchema>;

const coverageSchema = z.object({ read: z.boolean().nullable(), write: z.boolean().nullable() });

/** What the deployment kind changes for the console (cluster mode, sentinels), told in words. */
export const deploymentSchema = z.object({
  kind: z.enum(["standalone", "cluster", "sentinel"]),
  /** The server the ACL probe ran on ("host:port"). */
  probedNode: z.string().nullable(),
  notes: z.array(z.string()),
  /** Cluster: CLUSTER INFO on the probed node (refused: `clusterInfo` false, with the reason). */
  cluster: z
    .object({
      clusterInfo: z.boolean(),
      state: z.string().nullable(),
      /** cluster_size: masters serving slots. */
      masters: z.number().nullable(),
      knownNodes: z.number().nullable(),
      reason: z.string().optional(),
    })
    .optional(),
  /** Sentinel: each configured sentinel's answer to SENTINEL MASTER with the sentinel credentials. */
  sentinels: z
    .array(
      z.object({
        address: z.string(),
        answered: z.boolean(),
        master: z.string().nullable(),
        flags: z.string().nullable(),
        reason: z.string(),
      }),
    )
    .optional(),
});
export type Deployment = z.infer<typeof deploymentSchema>;

export const capabilitiesResponseSchema = z.object({
  id: z.string(),
  /** The Redis user the console signs in as (ACL WHOAMI, else the instance URL's, else "default"). */
  user: z.string(),
  userSource: z.enum(["whoami", "url"]),
  redisVersion: z.string().nullable(),
  /** INFO replication: a read-only replica refuses every write whatever the ACL says. */
  replica: z.object({ role: z.enum(["master", "replica"]).nullable(), readOnly: z.boolean().nullable() }),
  /** The methods that answered, best first. */
  methods: z.array(probeMethodSchema),
  /** Why a better method was not used ("the user may not run ACL DRYRUN"). */
  methodNotes: z.array(z.string()),
  /** Whether the user's key patterns cover keys under the policy's namespace and outside it (foreign keys). */
  keys: z.object({
    namespace: z.string(),
    probeKey: z.string(),
    inside: coverageSchema,
    outside: coverageSchema,
    note: z.string().optional(),
  }),
  capabilities: z.array(capabilitySchema),
  permissions: z.record(z.enum(redisActionPermissions), permissionCapabilitySchema),
  checkedAt: z.string(),
  /** The answer is cached this long; `?refresh=1` probes again. */
  maxAgeSeconds: z.number(),
  deployment: deploymentSchema.optional(),
});
export type CapabilitiesResponse = z.infer<typeof capabilitiesResponseSchema>;
