// Turns the environment (and the files it names) into the typed configuration.
// Reads files and the env map it is given; the process-wide copy lives in index.ts.
import "server-only";
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { defaultAlertThresholds, type AlertThresholds } from "@/lib/policy/alerts";
import { defaultPolicy } from "@/lib/policy/default-policy";
import { policySchema, type Environment, type Policy } from "@/lib/policy/types";
import { loadAuthConfig, type AuthConfig } from "./auth";
import { ConfigError } from "./errors";
import { envSchema, hostPortSchema, instancesFileSchema, splitUrlList } from "./schema";

export interface TlsConfig {
  /** PEM text of the CA bundle, read at start-up. */
  ca?: string;
  servername?: string;
  rejectUnauthorized: boolean;
}

export type InstanceKind = "standalone" | "cluster" | "sentinel";

export interface SentinelConfig {
  addresses: { host: string; port: number }[];
  masterName: string;
  username?: string;
  password?: string;
  /** TLS to the sentinels themselves. */
  tls: boolean;
}

export interface InstanceConfig {
  id: string;
  name: string;
  environment: Environment;
  /** Absent: standalone. Only lib/redis looks at it. */
  kind?: InstanceKind;
  /**
   * Holds credentials: never send it to a browser. Standalone: the server. Cluster: the first seed
   * node (its user and scheme apply to every node). Sentinel: `redis://[user@]<masterName>/<db>`,
   * the data nodes' user, database and scheme (their address comes from the sentinels).
   */
  url: string;
  /** Cluster: every seed node URL, `url` first. */
  nodes?: string[];
  sentinel?: SentinelConfig;
  /** Cluster and sentinel: scans read the masters (default) or their replicas (READONLY). */
  scanFrom?: "masters" | "replicas";
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
  /** DATABASE_URL: the store on PostgreSQL; absent: the SQLite file under dataDir. */
  databaseUrl?: string;
  /** CONSOLE_PUBLIC_URL's origin ("https://console.example"), when set. */
  publicUrl?: string;
  nodeEnv: "development" | "production" | "test";
  metrics: MetricsConfig;
  scan: ScanConfig;
  auth: AuthConfig;
  /** The live TTL watch (lib/watch); absent in hand-built configs: the defaults apply. */
  watch?: WatchConfig;
}

export interface WatchConfig {
  /** TTL reads per second per instance (sampling beyond); 0 = the watch is off. */
  maxReadsPerSecond: number;
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
    const secret = (name: string | undefined, what: string): string | undefined => {
      if (!name) return undefined;
      const value = env[name];
      if (value === undefined || value === "") {
        throw new ConfigError(`${field}.${what}: environment variable ${name} is not set`);
      }
      return value;
    };
    const password = secret(entry.passwordEnv, "passwordEnv");
    const url =
      entry.kind === "standalone"
        ? entry.url
        : entry.kind === "cluster"
          ? (entry.nodes[0] as string)
          : (entry.url ?? `redis://${entry.masterName}/0`);
    const useTls = entry.tls !== undefined || url.startsWith("rediss:");
    const base: InstanceConfig = {
      id: entry.id,
      name: entry.name,
      environment: entry.environment,
      kind: entry.kind,
      url,
      password,
      tls: useTls
        ? {
            ca: entry.tls?.caFile ? readCa(`${field}.tls.caFile`, entry.tls.caFile, baseDir) : undefined,
            servername: entry.tls?.servername,
            rejectUnauthorized: entry.tls?.rejectUnauthorized ?? true,
          }
        : undefined,
      readOnly: entry.readOnly,
    };
    if (entry.kind === "standalone") return { ...base, scanUrl: entry.scanUrl };
    if (entry.kind === "cluster") return { ...base, nodes: entry.nodes, scanFrom: entry.scanFrom };
    return {
      ...base,
      scanFrom: entry.scanFrom,
      sentinel: {
        addresses: entry.sentinels.map(parseHostPort),
        masterName: entry.masterName,
        username: entry.sentinelUsername,
        password: secret(entry.sentinelPasswordEnv, "sentinelPasswordEnv"),
        tls: entry.sentinelTls,
      },
    };
  });
}

/** "host:port" (validated by the schema) to its parts; "[::1]:26379" loses its brackets. */
export function parseHostPort(value: string): { host: string; port: number } {
  const at = value.lastIndexOf(":");
  return { host: value.slice(0, at).replace(/^\[|\]$/g, ""), port: Number(value.slice(at + 1)) };
}

/** The single-instance form: REDIS_URL (several seed URLs for a cluster), or the sentinel variables. */
function envInstance(e: z.output<typeof envSchema>): InstanceConfig {
  const urls = splitUrlList(e.REDIS_URL);
  const url = urls[0] as string;
  const base: InstanceConfig = {
    id: e.REDIS_INSTANCE_ID,
    name: e.REDIS_INSTANCE_NAME ?? e.REDIS_INSTANCE_ID,
    environment: e.REDIS_ENVIRONMENT,
    kind: e.REDIS_KIND,
    url,
    tls: e.REDIS_TLS || url.startsWith("rediss:") ? { rejectUnauthorized: true } : undefined,
    readOnly: e.REDIS_READ_ONLY,
  };
  if (e.REDIS_KIND !== "cluster" && urls.length > 1) {
    throw new ConfigError(
      `REDIS_URL: lists ${urls.length} URLs; only a cluster (REDIS_KIND=cluster) takes several seed nodes`,
    );
  }
  if (e.REDIS_KIND === "standalone") return { ...base, scanUrl: e.REDIS_SCAN_URL };
  if (e.REDIS_SCAN_URL) {
    throw new ConfigError(`REDIS_SCAN_URL: only for a standalone instance; use REDIS_SCAN_FROM=replicas`);
  }
  if (e.REDIS_KIND === "cluster") {
    const withDb = urls.find((u) => !/^\/?0?$/.test(new URL(u).pathname));
    if (withDb)
      throw new ConfigError(
        `REDIS_URL: a cluster has database 0 only: drop the /db part of ${new URL(withDb).host}`,
      );
    return { ...base, nodes: urls, scanFrom: e.REDIS_SCAN_FROM };
  }
  if (!e.REDIS_SENTINELS)
    throw new ConfigError("REDIS_SENTINELS: is missing (REDIS_KIND=sentinel needs host:port,...)");
  if (!e.REDIS_SENTINEL_MASTER)
    throw new ConfigError("REDIS_SENTINEL_MASTER: is missing (REDIS_KIND=sentinel needs the master name)");
  const addresses = e.REDIS_SENTINELS.split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  for (const a of addresses) {
    if (!hostPortSchema.safeParse(a).success) throw new ConfigError(`REDIS_SENTINELS: ${a} is not host:port`);
  }
  // REDIS_URL gives the data nodes' user, password, database and scheme; the address comes from the sentinels.
  const parsedUrl = new URL(url);
  parsedUrl.hostname = e.REDIS_SENTINEL_MASTER;
  parsedUrl.port = "";
  return {
    ...base,
    url: parsedUrl.toString(),
    scanFrom: e.REDIS_SCAN_FROM,
    sentinel: {
      addresses: addresses.map(parseHostPort),
      masterName: e.REDIS_SENTINEL_MASTER,
      password: e.REDIS_SENTINEL_PASSWORD,
      tls: false,
    },
  };
}

export function loadConfig(env: Env): AppConfig {
  const parsed = envSchema.safeParse(env, { error: configErrorMap });
  if (!parsed.success) throw new ConfigError(describeZodError("", parsed.error));
  const e = parsed.data;
  const instances: InstanceConfig[] = e.ISL_INSTANCES_FILE
    ? loadInstancesFile(e.ISL_INSTANCES_FILE, env)
    : [envInstance(e)];
  return {
    instances,
    policy: loadPolicy(env),
    dataDir: path.resolve(e.CONSOLE_DATA_DIR),
    ...(e.DATABASE_URL ? { databaseUrl: e.DATABASE_URL } : {}),
    ...(e.CONSOLE_PUBLIC_URL ? { publicUrl: new URL(e.CONSOLE_PUBLIC_URL).origin } : {}),
    nodeEnv: e.NODE_ENV,
    metrics: metricsConfig(e),
    scan: {
      intervalMinutes: e.SCAN_INTERVAL_MINUTES,
      retentionDays: e.SCAN_RETENTION_DAYS,
      keepFullResults: 48,
    },
    auth: loadAuthConfig(e, describeZodError),
    watch: { maxReadsPerSecond: e.WATCH_MAX_READS_PER_SECOND },
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
