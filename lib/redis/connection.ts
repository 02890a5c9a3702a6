// One ioredis client per configured instance and purpose, created on first use and kept for the
// process (on globalThis outside production so hot reload does not leak connections). The kind of
// deployment is decided here and nowhere above lib/redis: a standalone server is one Redis client,
// a Sentinel-managed master is one Redis client that ioredis moves to the new master on failover,
// and a Redis Cluster is one ioredis Cluster that routes key commands by slot and follows MOVED,
// ASK and failover. Node-level work (SCAN, INFO, DBSIZE, FLUSHDB) goes through topology.ts.
// Timeouts follow the ops guide's pool settings: connect 2 s, command 5 s. There is no offline
// queue: while Redis is down a command fails at once instead of waiting for a reconnect.
import "server-only";
import Redis, { Cluster, type ClusterOptions, type RedisOptions } from "ioredis";
import type { InstanceConfig } from "@/lib/config";
import { classifyRedisError, notConnected, RedisError, toRedisError } from "./errors";

export const CONNECT_TIMEOUT_MS = 2000;
export const COMMAND_TIMEOUT_MS = 5000;

/** What a connection is for; each purpose has its own connection (and CLIENT SETNAME). */
export type ConnectionPurpose = "main" | "scan";

/** What key commands are sent through: a server's connection, or a cluster that routes them by slot. */
export type KeyClient = Redis | Cluster;

export function isCluster(client: KeyClient): client is Cluster {
  return (client as Cluster).isCluster === true;
}

export function instanceKind(instance: InstanceConfig): "standalone" | "cluster" | "sentinel" {
  return instance.kind ?? "standalone";
}

/** Whether scans (and other heavy reads) should run on replicas: a standalone scanUrl, or scanFrom "replicas". */
export function scansOnReplicas(instance: InstanceConfig): boolean {
  return instanceKind(instance) === "standalone"
    ? instance.scanUrl !== undefined
    : instance.scanFrom === "replicas";
}

interface Connection {
  client: KeyClient;
  lastError?: RedisError;
  /** Milliseconds since epoch of the last time the connection went from ready to down. */
  downSince?: number;
  /**
   * For a database other than 0: whether SELECT succeeded on the current socket. ioredis sends it
   * on connect but stays "ready" when Redis refuses it, and every command would then read db 0.
   */
  selected?: Promise<RedisError | undefined>;
}

const registry = globalThis as typeof globalThis & { __islRedisConnections?: Map<string, Connection> };
const connections: Map<string, Connection> = (registry.__islRedisConnections ??= new Map());

/** Backoff between reconnect attempts: 100 ms doubling to a 5 s ceiling. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(100 * 2 ** Math.min(attempt, 6), 5000);
}

/**
 * Connection options from an instance's URL and settings. The URL is taken apart here rather than
 * handed to ioredis, because ioredis lets a URL's empty password ("redis://user@host") win over
 * the `password` option: the password from `passwordEnv` must be the one sent, with the URL's user.
 * A sentinel instance gets the sentinels and the master name instead of an address.
 */
export function connectionOptions(
  instance: InstanceConfig,
  purpose: ConnectionPurpose | "probe" = "main",
): RedisOptions {
  const url = new URL(purpose === "scan" && instance.scanUrl ? instance.scanUrl : instance.url);
  const options = nodeOptions(instance, url, purpose);
  const sentinel = instance.sentinel;
  if (instanceKind(instance) === "sentinel" && sentinel) {
    delete options.host;
    delete options.port;
    Object.assign(options, {
      sentinels: sentinel.addresses,
      name: sentinel.masterName,
      role: purpose === "scan" && instance.scanFrom === "replicas" ? "slave" : "master",
      sentinelUsername: sentinel.username,
      sentinelPassword: sentinel.password,
      sentinelCommandTimeout: CONNECT_TIMEOUT_MS,
      sentinelRetryStrategy: reconnectDelayMs,
      enableTLSForSentinelMode: options.tls !== undefined,
      ...(sentinel.tls ? { sentinelTLS: options.tls ?? {} } : {}),
      // Sentinels announce failovers on +switch-master: the client moves at once instead of on the next error.
      failoverDetector: true,
    } satisfies RedisOptions);
  }
  return options;
}

/** Options for one server at `url` with the instance's credentials, TLS and timeouts. */
function nodeOptions(instance: InstanceConfig, url: URL, purpose: ConnectionPurpose | "probe"): RedisOptions {
  const db = url.pathname.replace(/^\//, "");
  const options: RedisOptions = {
    host: url.hostname.replace(/^\[|\]$/g, ""),
    port: url.port ? Number(url.port) : 6379,
    db: db === "" ? 0 : Number(db),
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: COMMAND_TIMEOUT_MS,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: reconnectDelayMs,
    connectionName: `isl-console-${purpose}`,
  };
  if (url.username !== "") options.username = decodeURIComponent(url.username);
  const password = instance.password ?? (url.password !== "" ? decodeURIComponent(url.password) : undefined);
  if (password !== undefined) options.password = password;
  if (instance.tls || url.protocol === "rediss:") {
    options.tls = {
      ca: instance.tls?.ca,
      servername: instance.tls?.servername,
      rejectUnauthorized: instance.tls?.rejectUnauthorized ?? true,
    };
  }
  return options;
}

/** Options for a server of the instance at "host:port" (a cluster node, a sentinel's replica). */
export function serverOptions(
  instance: InstanceConfig,
  address: string,
  purpose: ConnectionPurpose | "probe",
): RedisOptions {
  const template = new URL(instance.url);
  const at = address.lastIndexOf(":");
  template.hostname = address.slice(0, at);
  template.port = address.slice(at + 1);
  return nodeOptions(instance, template, purpose);
}

/** The seed nodes of a cluster instance as ioredis takes them. */
function clusterSeeds(instance: InstanceConfig): { host: string; port: number }[] {
  return (instance.nodes ?? [instance.url]).map((u) => {
    const url = new URL(u);
    return { host: url.hostname.replace(/^\[|\]$/g, ""), port: url.port ? Number(url.port) : 6379 };
  });
}

/**
 * Cluster options: every node gets the instance's credentials, TLS and timeouts; the slot map is
 * refreshed every 2 s so a failover is followed within seconds even without a MOVED reply. Scans
 * on replicas get a cluster whose reads go to replicas (ioredis sends READONLY to them).
 */
export function clusterOptions(
  instance: InstanceConfig,
  purpose: ConnectionPurpose | "probe",
): ClusterOptions {
  const {
    host: _h,
    port: _p,
    retryStrategy: _r,
    enableOfflineQueue: _q,
    db: _d,
    ...redisOptions
  } = nodeOptions(instance, new URL(instance.url), purpose);
  return {
    redisOptions,
    scaleReads: purpose === "scan" && instance.scanFrom === "replicas" ? "slave" : "master",
    enableOfflineQueue: false,
    enableReadyCheck: true,
    clusterRetryStrategy: reconnectDelayMs,
    slotsRefreshTimeout: CONNECT_TIMEOUT_MS,
    slotsRefreshInterval: 2000,
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 200,
    maxRedirections: 16,
  };
}

function connect(instance: InstanceConfig, purpose: ConnectionPurpose): Connection {
  const client: KeyClient =
    instanceKind(instance) === "cluster"
      ? new Cluster(clusterSeeds(instance), clusterOptions(instance, purpose))
      : new Redis(connectionOptions(instance, purpose));
  const conn: Connection = { client };
  client.on("error", (err: unknown) => {
    conn.lastError = classifyRedisError(err, { instanceId: instance.id }) ?? conn.lastError;
  });
  client.on("ready", () => {
    conn.lastError = undefined;
    conn.downSince = undefined;
    const db = isCluster(client) ? 0 : (client.options.db ?? 0);
    if (db !== 0 && !isCluster(client)) {
      conn.selected = client.select(db).then(
        () => undefined,
        (err: unknown) => classifyRedisError(err, { instanceId: instance.id, command: "select" }),
      );
    }
  });
  client.on("close", () => {
    conn.downSince ??= Date.now();
  });
  return conn;
}

function connectionFor(instance: InstanceConfig, purpose: ConnectionPurpose): Connection {
  const key = `${instance.id}:${purpose}`;
  let conn = connections.get(key);
  if (!conn) {
    conn = connect(instance, purpose);
    connections.set(key, conn);
  }
  return conn;
}

/** Wrong credentials or an untrusted certificate will not fix themselves by waiting. */
function isHopeless(err: RedisError | undefined): boolean {
  return err !== undefined && (err.kind === "auth" || err.message.startsWith("TLS"));
}

function waitForReady(conn: Connection, timeoutMs: number): Promise<boolean> {
  if (conn.client.status === "ready") return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      conn.client.off("ready", onReady);
      conn.client.off("error", onError);
      resolve(ok);
    };
    const onReady = () => done(true);
    const onError = () => {
      if (isHopeless(conn.lastError)) done(false);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    conn.client.on("ready", onReady);
    conn.client.on("error", onError);
  });
}

/**
 * The ready client for an instance, or a RedisError (unreachable or auth) within `timeoutMs`.
 * A client that has never connected gets up to one connect timeout; one that lost its
 * connection fails at once, with the last error Redis or the socket gave.
 */
export async function getClient(
  instance: InstanceConfig,
  {
    purpose = "main",
    timeoutMs = CONNECT_TIMEOUT_MS,
  }: { purpose?: ConnectionPurpose; timeoutMs?: number } = {},
): Promise<KeyClient> {
  const conn = connectionFor(instance, purpose);
  const ready = await waitForReady(conn, conn.downSince === undefined ? timeoutMs : Math.min(timeoutMs, 250));
  if (!ready) throw notConnected(instance.id, conn.lastError, conn.client.status);
  const refused = await conn.selected;
  if (refused) throw refused;
  return conn.client;
}

/**
 * Runs `fn` with the instance's client. Every Redis failure that leaves it (an error reply, a
 * timeout, a lost socket) comes out as a classified RedisError; other errors pass unchanged.
 */
export async function withRedis<T>(
  instance: InstanceConfig,
  fn: (client: KeyClient) => Promise<T>,
  options?: { purpose?: ConnectionPurpose; timeoutMs?: number },
): Promise<T> {
  const client = await getClient(instance, options);
  try {
    return await fn(client);
  } catch (err) {
    throw toRedisError(err, { instanceId: instance.id });
  }
}

/**
 * Runs `fn` on a connection of its own, closed afterwards: for command sequences that must not
 * interleave with other callers' commands (MULTI ... DISCARD probes).
 */
export async function withOwnConnection<T>(
  instance: InstanceConfig,
  fn: (client: Redis) => Promise<T>,
): Promise<T> {
  // A cluster's nodes share its ACL users: the probe talks to the first seed node.
  const client = new Redis({
    ...(instanceKind(instance) === "cluster"
      ? serverOptions(
          instance,
          clusterSeeds(instance).map((s) => `${s.host}:${s.port}`)[0] as string,
          "probe",
        )
      : connectionOptions(instance, "probe")),
    retryStrategy: () => null,
    lazyConnect: true,
  });
  let lastError: RedisError | undefined;
  client.on("error", (err: unknown) => {
    lastError = classifyRedisError(err, { instanceId: instance.id }) ?? lastError;
  });
  try {
    try {
      await client.connect();
    } catch (err) {
      throw lastError ?? toRedisError(err, { instanceId: instance.id });
    }
    return await fn(client);
  } catch (err) {
    throw toRedisError(err, { instanceId: instance.id });
  } finally {
    client.disconnect();
  }
}

const extra = globalThis as typeof globalThis & {
  __islServerConnections?: Map<string, Redis>;
  __islSentinelConnections?: Map<string, Redis>;
};
const serverConnections: Map<string, Redis> = (extra.__islServerConnections ??= new Map());
const sentinelConnections: Map<string, Redis> = (extra.__islSentinelConnections ??= new Map());

/**
 * A kept connection to one server of an instance at "host:port" (a sentinel's replica, a cluster
 * node outside ioredis's slot map). `readOnly` sends READONLY on connect (reads on a cluster replica).
 */
export function serverConnection(
  instance: InstanceConfig,
  address: string,
  { readOnly = false } = {},
): Redis {
  const key = `${instance.id}|${address}|${readOnly ? "ro" : "rw"}`;
  let redis = serverConnections.get(key);
  if (!redis) {
    redis = new Redis({
      ...serverOptions(instance, address, readOnly ? "scan" : "main"),
      lazyConnect: true,
      enableOfflineQueue: true,
      readOnly,
    });
    redis.on("error", () => undefined);
    serverConnections.set(key, redis);
  }
  return redis;
}

/** A kept connection to one sentinel of a sentinel instance, with the sentinels' own credentials. */
export function sentinelConnection(instance: InstanceConfig, address: { host: string; port: number }): Redis {
  const key = `${instance.id}|${address.host}:${address.port}`;
  let redis = sentinelConnections.get(key);
  if (!redis) {
    const sentinel = instance.sentinel;
    redis = new Redis({
      host: address.host,
      port: address.port,
      username: sentinel?.username,
      password: sentinel?.password,
      connectTimeout: CONNECT_TIMEOUT_MS,
      commandTimeout: CONNECT_TIMEOUT_MS,
      enableOfflineQueue: true,
      maxRetriesPerRequest: 0,
      retryStrategy: reconnectDelayMs,
      lazyConnect: true,
      connectionName: "isl-console-sentinel",
      ...(sentinel?.tls
        ? { tls: { ca: instance.tls?.ca, rejectUnauthorized: instance.tls?.rejectUnauthorized ?? true } }
        : {}),
    });
    redis.on("error", () => undefined);
    sentinelConnections.set(key, redis);
  }
  return redis;
}

/** Closes every client (tests and shutdown). */
export async function closeAllConnections(): Promise<void> {
  const all: KeyClient[] = [
    ...[...connections.values()].map((c) => c.client),
    ...serverConnections.values(),
    ...sentinelConnections.values(),
  ];
  connections.clear();
  serverConnections.clear();
  sentinelConnections.clear();
  await Promise.all(all.map((c) => c.quit().catch(() => c.disconnect())));
}
