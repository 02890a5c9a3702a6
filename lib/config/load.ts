// Turns the environment (and the files it names) into the typed configuration.
// Reads files and the env map it is given; the process-wide copy lives in index.ts.
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { defaultAlertThresholds, type AlertThresholds } from "@/lib/policy/alerts";
import { defaultPolicy } from "@/lib/policy/default-policy";
import { policySchema, type Environment, type Policy } from "@/lib/policy/types";
import { loadAuthConfig, type AuthConfig } from "./auth";
import { ConfigError } from "./errors";
import { envSchema, instancesFileSchema } from "./schema";

export interface TlsConfig {
  /** PEM text of the CA bundle, read at start-up. */
  ca?: string;
  servername?: string;
  rejectUnauthorized: boolean;
}

export interface InstanceConfig {
  id: string;
  name: string;
  environment: Environment;
  /** Holds credentials: never send it to a browser. */
  url: string;
  /** Password from the variable named by passwordEnv; overrides the URL's. */
  password?: string;
  tls?: TlsConfig;
  readOnly: boolean;
  /** A replica for heavy scans; same credentials and TLS as the primary. */
  scanUrl?: string;
}

export interface AppConfig {
  instances: InstanceConfig[];
  policy: Policy;
  dataDir: string;
  /** CONSOLE_PUBLIC_URL's origin ("https://console.example"), when set. */
  publicUrl?: string;
  nodeEnv: "development" | "production" | "test";
  metrics: MetricsConfig;
  scan: ScanConfig;
  auth: AuthConfig;
}

export interface ScanConfig {
  /** A gentle scan of every instance starts this often; 0 = no scheduled scans. */
  intervalMinutes: number;
  /** Scans older than this are deleted (the review compares with the scan 7 days back). */
  retentionDays: number;
  /** Only the newest this many scans per instance keep their key lists; older ones keep counts. */
  keepFullResults: number;
}

export interface MetricsConfig {
  sampleIntervalMs: number;
  rawRetentionMs: number;
  rollupRetentionMs: number;
  alerts: AlertThresholds;
}

type Env = Record<string, string | undefined>;

/** Zod's wording for an absent field ("expected string, received undefined") reads as a bug; say it is missing. */
const configErrorMap: z.core.$ZodErrorMap = (issue) =>
  issue.code === "invalid_type" && issue.input === undefined
    ? `is missing (expected ${issue.expected})`
    : undefined;

/** One line for the first issue: "ISL_INSTANCES_FILE[1].url: scheme http: is not redis: or rediss:". */
export function describeZodError(source: string, error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return `${source}: invalid`;
  // An unknown field is named in the path itself, so a typo like "passwrodEnv" points at its line.
  const unknown = issue.code === "unrecognized_keys" ? issue.keys : [];
  const parts = unknown.length > 0 ? [...issue.path, unknown[0] as string] : issue.path;
  const message =
    unknown.length > 0
      ? `unknown field${unknown.length > 1 ? ` (also ${unknown.slice(1).join(", ")})` : ""}`
      : issue.message;
  const where = parts.reduce<string>((acc, part) => {
    if (typeof part === "number") return `${acc}[${part}]`;
    return acc ? `${acc}.${String(part)}` : String(part);
  }, source);
  return `${where || "configuration"}: ${message}`.replace(/\s+/g, " ");
}

function readJsonFile(variable: string, file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ConfigError(
      `${variable}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? "error"})`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${variable}: ${file} is not valid JSON (${jsonSyntaxReason(text, err)})`);
  }
}

/**
 * JSON.parse's reason with line and column, but without the snippet of file text V8 sometimes quotes
 * (`Unexpected token ']', ..."pw@h:1/0"}, ]" is not valid JSON`): the file may hold a password in a URL.
 */
function jsonSyntaxReason(text: string, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const token = /^Unexpected token '.{1,2}'/u.exec(message)?.[0];
  const stripped = message.replace(/\s+in JSON at position[\s\S]*$/, "");
  const reason = token ?? (stripped.includes('"') ? "syntax error" : (stripped.split("\n")[0] ?? stripped));
  const position = /at position (\d+)/.exec(message)?.[1];
  if (position === undefined) return reason;
  const before = text.slice(0, Number(position));
  const line = before.split("\n").length;
  const column = before.length - before.lastIndexOf("\n");
  return `${reason} at line ${line} column ${column}`;
}

function readCa(field: string, file: string, baseDir: string): string {
  const resolved = path.resolve(baseDir, file);
  try {
    return readFileSync(resolved, "utf8");
  } catch (err) {
    throw new ConfigError(
      `${field}: cannot read ${resolved} (${(err as NodeJS.ErrnoException).code ?? "error"})`,
    );
  }
}

function loadPolicy(env: Env): Policy {
  const file = env.ISL_POLICY_FILE;
  const raw = file ? readJsonFile("ISL_POLICY_FILE", file) : defaultPolicy;
  const parsed = policySchema.safeParse(raw, { error: configErrorMap });
  if (!parsed.success) throw new ConfigError(describeZodError("ISL_POLICY_FILE", parsed.error));
  return parsed.data;
}

function loadInstancesFile(file: string, env: Env): InstanceConfig[] {
  const parsed = instancesFileSchema.safeParse(readJsonFile("ISL_INSTANCES_FILE", file), {
    error: configErrorMap,
  });
  if (!parsed.success) throw new ConfigError(describeZodError("ISL_INSTANCES_FILE", parsed.error));
  const baseDir = path.dirname(path.resolve(file));
  return parsed.data.map((entry, i) => {
    const field = `ISL_INSTANCES_FILE[${i}]`;
    let password: string | undefined;
    if (entry.passwordEnv) {
      password = env[entry.passwordEnv];
      if (password === undefined || password === "") {
        throw new ConfigError(`${field}.passwordEnv: environment variable ${entry.passwordEnv} is not set`);
      }
    }
    const useTls = entry.tls !== undefined || entry.url.startsWith("rediss:");
    return {
      id: entry.id,
      name: entry.name,
      environment: entry.environment,
      url: entry.url,
      password,
      tls: useTls
        ? {
            ca: entry.tls?.caFile ? readCa(`${field}.tls.caFile`, entry.tls.caFile, baseDir) : undefined,
            servername: entry.tls?.servername,
            rejectUnauthorized: entry.tls?.rejectUnauthorized ?? true,
          }
        : undefined,
      readOnly: entry.readOnly,
      scanUrl: entry.scanUrl,
    };
  });
}

export function loadConfig(env: Env): AppConfig {
  const parsed = envSchema.safeParse(env, { error: configErrorMap });
  if (!parsed.success) throw new ConfigError(describeZodError("", parsed.error));
  const e = parsed.data;
  const instances: InstanceConfig[] = e.ISL_INSTANCES_FILE
    ? loadInstancesFile(e.ISL_INSTANCES_FILE, env)
    : [
        {
          id: e.REDIS_INSTANCE_ID,
          name: e.REDIS_INSTANCE_NAME ?? e.REDIS_INSTANCE_ID,
          environment: e.REDIS_ENVIRONMENT,
          url: e.REDIS_URL,
          tls: e.REDIS_TLS || e.REDIS_URL.startsWith("rediss:") ? { rejectUnauthorized: true } : undefined,
          readOnly: e.REDIS_READ_ONLY,
          scanUrl: e.REDIS_SCAN_URL,
        },
      ];
  return {
    instances,
    policy: loadPolicy(env),
    dataDir: path.resolve(e.CONSOLE_DATA_DIR),
    ...(e.CONSOLE_PUBLIC_URL ? { publicUrl: new URL(e.CONSOLE_PUBLIC_URL).origin } : {}),
    nodeEnv: e.NODE_ENV,
    metrics: metricsConfig(e),
    scan: {
      intervalMinutes: e.SCAN_INTERVAL_MINUTES,
      retentionDays: e.SCAN_RETENTION_DAYS,
      keepFullResults: 48,
    },
    auth: loadAuthConfig(e, describeZodError),
  };
}

function metricsConfig(e: z.output<typeof envSchema>): MetricsConfig {
  const hitTarget = e.ALERT_HIT_RATE_TARGET_PERCENT;
  return {
    sampleIntervalMs: Math.round(e.SAMPLE_INTERVAL_SECONDS * 1000),
    rawRetentionMs: e.METRICS_RAW_RETENTION_HOURS * 3_600_000,
    rollupRetentionMs: e.METRICS_ROLLUP_RETENTION_DAYS * 86_400_000,
    alerts: {
      ...defaultAlertThresholds,
      memoryRatio: e.ALERT_MEMORY_PERCENT / 100,
      evictionsPerMinute: e.ALERT_EVICTIONS_PER_MINUTE,
      clientsRatio: e.ALERT_CLIENTS_PERCENT / 100,
      latencyMs: e.ALERT_LATENCY_MS,
      hitRateTarget:
        hitTarget === undefined
          ? defaultAlertThresholds.hitRateTarget
          : { development: hitTarget / 100, staging: hitTarget / 100, production: hitTarget / 100 },
    },
  };
}
