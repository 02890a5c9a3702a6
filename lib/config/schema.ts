// Schemas for the environment and the instances file. Pure: no file or env reads here.
import { z } from "zod";
import { environmentSchema } from "@/lib/policy/types";

export const redisUrlSchema = z.string().superRefine((value, ctx) => {
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
});

const booleanString = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => ["true", "1", "yes"].includes(v));

export const instanceIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "must be 1-63 lowercase letters, digits, - or _");

export const envSchema = z.object({
  REDIS_URL: redisUrlSchema.default("redis://127.0.0.1:6379/0"),
  REDIS_TLS: booleanString.default(false),
  REDIS_INSTANCE_ID: instanceIdSchema.default("local"),
  REDIS_INSTANCE_NAME: z.string().min(1).optional(),
  REDIS_ENVIRONMENT: environmentSchema.default("development"),
  REDIS_READ_ONLY: booleanString.default(false),
  REDIS_SCAN_URL: redisUrlSchema.optional(),
  ISL_INSTANCES_FILE: z.string().min(1).optional(),
  ISL_POLICY_FILE: z.string().min(1).optional(),
  CONSOLE_DATA_DIR: z.string().min(1).default("./data"),
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

export const instanceFileEntrySchema = z
  .object({
    id: instanceIdSchema,
    name: z.string().min(1),
    environment: environmentSchema,
    url: redisUrlSchema,
    tls: z
      .object({
        caFile: z.string().min(1).optional(),
        servername: z.string().min(1).optional(),
        rejectUnauthorized: z.boolean().default(true),
      })
      .strict()
      .optional(),
    passwordEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name")
      .optional(),
    readOnly: z.boolean().default(false),
    scanUrl: redisUrlSchema.optional(),
  })
  .strict();

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
