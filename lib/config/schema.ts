// Schemas for the environment and the instances file. Pure: no file or env reads here.
import { z } from "zod";
import { environmentSchema } from "@/lib/policy/types";

function checkRedisUrl(value: string, ctx: z.RefinementCtx): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: "custom", message: "is not a URL (expected redis://[user:password@]host:port/db)" });
    return;
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
    ctx.addIssue({ code: "custom", message: `scheme ${url.protocol} is not redis: or rediss:` });
    return;
  }
  if (!url.hostname) ctx.addIssue({ code: "custom", message: "has no host" });
  const db = url.pathname.replace(/^\//, "");
  if (db !== "" && !/^\d{1,2}$/.test(db)) {
    ctx.addIssue({ code: "custom", message: `database "${db}" is not a number` });
  }
}

export const redisUrlSchema = z.string().superRefine(checkRedisUrl);

/** The URLs of a comma-separated list ("redis://a:6379, redis://b:6379"). */
export function splitUrlList(value: string): string[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** REDIS_URL: one URL, or for a cluster several seed nodes separated by commas. */
const redisUrlListSchema = z.string().superRefine((value, ctx) => {
  const urls = splitUrlList(value);
  if (urls.length === 0) checkRedisUrl(value, ctx);
  for (const url of urls) checkRedisUrl(url, ctx);
});

const booleanString = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => ["true", "1", "yes"].includes(v));

export const instanceIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "must be 1-63 lowercase letters, digits, - or _");

const scanFromEnvSchema = z.enum(["masters", "replicas"]);

export const envSchema = z.object({
  REDIS_URL: redisUrlListSchema.default("redis://127.0.0.1:6379/0"),
  REDIS_TLS: booleanString.default(false),
  REDIS_INSTANCE_ID: instanceIdSchema.default("local"),
  REDIS_INSTANCE_NAME: z.string().min(1).optional(),
  REDIS_ENVIRONMENT: environmentSchema.default("development"),
  REDIS_READ_ONLY: booleanString.default(false),
  REDIS_SCAN_URL: redisUrlSchema.optional(),
  /** standalone (REDIS_URL), cluster (REDIS_URL: comma-separated seed nodes) or sentinel. */
  REDIS_KIND: z.enum(["standalone", "cluster", "sentinel"]).default("standalone"),
  /** Sentinel form: comma-separated host:port of the sentinels. */
  REDIS_SENTINELS: z.string().min(1).optional(),
  /** Sentinel form: the master's name; REDIS_URL's host must be this name. */
  REDIS_SENTINEL_MASTER: z.string().min(1).optional(),
  REDIS_SENTINEL_PASSWORD: z.string().min(1).optional(),
  REDIS_SCAN_FROM: scanFromEnvSchema.default("masters"),
  ISL_INSTANCES_FILE: z.string().min(1).optional(),
  ISL_POLICY_FILE: z.string().min(1).optional(),
  CONSOLE_DATA_DIR: z.string().min(1).default("./data"),
  /** postgres://user:password@host:5432/db: the store on PostgreSQL (several replicas); unset: the SQLite file. */
  DATABASE_URL: z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
    z
      .string()
      .refine((v) => {
        try {
          return ["postgres:", "postgresql:"].includes(new URL(v).protocol);
        } catch {
          return false;
        }
      }, "must be a postgres:// or postgresql:// URL")
      .optional(),
  ),
  /** The console's public origin (behind a reverse proxy): the cross-site check compares Origin with it. */
  CONSOLE_PUBLIC_URL: z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
    z
      .string()
      .refine((v) => {
        try {
          const u = new URL(v);
          return (u.protocol === "http:" || u.protocol === "https:") && u.hostname !== "";
        } catch {
          return false;
        }
      }, "must be an http:// or https:// URL, e.g. https://redis-console.example.com")
      .optional(),
  ),
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  // Metrics sampler and alert thresholds; fractions of a second allowed for tests.
  SAMPLE_INTERVAL_SECONDS: z.coerce.number().min(0.1).max(3600).default(10),
  METRICS_RAW_RETENTION_HOURS: z.coerce.number().positive().default(48),
  METRICS_ROLLUP_RETENTION_DAYS: z.coerce.number().positive().default(14),
  ALERT_MEMORY_PERCENT: z.coerce.number().min(0).max(100).default(80),
  ALERT_EVICTIONS_PER_MINUTE: z.coerce.number().min(0).default(10),
  ALERT_CLIENTS_PERCENT: z.coerce.number().min(0).max(100).default(90),
  ALERT_LATENCY_MS: z.coerce.number().min(0).default(100),
  /** Overrides the per-environment hit-rate target (30 % development/staging, 50 % production). */
  ALERT_HIT_RATE_TARGET_PERCENT: z.coerce.number().min(0).max(100).optional(),
  // Keyspace scans: scheduled gentle scan interval (0 disables) and history kept.
  SCAN_INTERVAL_MINUTES: z.coerce.number().int().min(0).max(10_080).default(60),
  SCAN_RETENTION_DAYS: z.coerce.number().int().min(8).max(3650).default(35),
  // Live TTL watch (keyspace notifications): TTL reads per second per instance, sampling beyond; 0 turns it off.
  WATCH_MAX_READS_PER_SECOND: z.coerce.number().int().min(0).max(100_000).default(500),
  // Access: local users, sessions, API tokens, SSO through a trusted reverse proxy.
  CONSOLE_USERS_FILE: z.string().min(1).optional(),
  SESSION_SECRET: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.string().min(32, "must be at least 32 characters (openssl rand -hex 32)").optional(),
  ),
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
  SESSION_COOKIE_SECURE: booleanString.optional(),
  CONSOLE_API_TOKENS: z.string().optional(),
  AUTH_PROXY_HEADER_USER: z
    .string()
    .regex(/^[A-Za-z0-9-]+$/, "must be a header name")
    .optional(),
  AUTH_PROXY_HEADER_GROUPS: z
    .string()
    .regex(/^[A-Za-z0-9-]+$/, "must be a header name")
    .optional(),
  AUTH_PROXY_GROUP_ROLES: z.string().optional(),
  AUTH_PROXY_TRUSTED_CIDRS: z.string().optional(),
  /** Set by the quick start only: lets a production build run with its development admin. */
  ALLOW_DEVELOPMENT_USER: booleanString.default(false),
});
export type EnvInput = z.input<typeof envSchema>;

const envVarName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name");

const tlsFileSchema = z
  .object({
    caFile: z.string().min(1).optional(),
    servername: z.string().min(1).optional(),
    rejectUnauthorized: z.boolean().default(true),
  })
  .strict();

/** "host:port" of a sentinel (IPv6 in brackets: "[::1]:26379"). */
export const hostPortSchema = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, "must be host:port, e.g. sentinel-1:26379");

/** Where a deployment's heavy scans read from: the masters, or their replicas (READONLY). */
export const scanFromSchema = z.enum(["masters", "replicas"]);

const commonEntryFields = {
  id: instanceIdSchema,
  name: z.string().min(1),
  environment: environmentSchema,
  tls: tlsFileSchema.optional(),
  passwordEnv: envVarName.optional(),
  readOnly: z.boolean().default(false),
};

const standaloneEntrySchema = z
  .object({
    kind: z.literal("standalone"),
    ...commonEntryFields,
    url: redisUrlSchema,
    scanUrl: redisUrlSchema.optional(),
  })
  .strict();

/** A Redis Cluster: seed nodes (any of them; the topology is discovered). Cluster mode has database 0 only. */
const clusterEntrySchema = z
  .object({
    kind: z.literal("cluster"),
    ...commonEntryFields,
    nodes: z
      .array(
        redisUrlSchema.refine(
          (u) => /^\/?0?$/.test(new URL(u).pathname),
          "a cluster has database 0 only: drop the /db part",
        ),
      )
      .min(1, "lists no seed node"),
    scanFrom: scanFromSchema.default("masters"),
  })
  .strict();

/**
 * A master followed through Sentinel. `url` (optional) gives the data nodes' ACL user, database and
 * scheme with the master name as its host: "rediss://isl-console@isl/0".
 */
const sentinelEntrySchema = z
  .object({
    kind: z.literal("sentinel"),
    ...commonEntryFields,
    sentinels: z.array(hostPortSchema).min(1, "lists no sentinel"),
    masterName: z.string().min(1),
    url: redisUrlSchema.optional(),
    sentinelUsername: z.string().min(1).optional(),
    sentinelPasswordEnv: envVarName.optional(),
    /** TLS to the sentinels themselves (the data nodes follow `tls` / rediss:). */
    sentinelTls: z.boolean().default(false),
    scanFrom: scanFromSchema.default("masters"),
  })
  .strict()
  .superRefine((entry, ctx) => {
    if (entry.url && new URL(entry.url).hostname !== entry.masterName) {
      ctx.addIssue({
        code: "custom",
        path: ["url"],
        message: `host must be the master name ${entry.masterName} (the address comes from the sentinels)`,
      });
    }
  });

export const instanceFileEntrySchema = z.preprocess(
  (v) =>
    v && typeof v === "object" && !Array.isArray(v) && !("kind" in v) ? { ...v, kind: "standalone" } : v,
  z.discriminatedUnion("kind", [standaloneEntrySchema, clusterEntrySchema, sentinelEntrySchema], {
    error: () => "kind must be standalone, cluster or sentinel",
  }),
);
export type InstanceFileEntry = z.output<typeof instanceFileEntrySchema>;

export const instancesFileSchema = z
  .array(instanceFileEntrySchema)
  .min(1, "lists no instance")
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((entry, i) => {
      if (seen.has(entry.id))
        ctx.addIssue({ code: "custom", path: [i, "id"], message: `duplicate id ${entry.id}` });
      seen.add(entry.id);
    });
  });
