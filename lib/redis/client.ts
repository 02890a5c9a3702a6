// One ioredis client per configured instance, created on first use and kept for the process
// (on globalThis outside production so hot reload does not leak connections).
// Timeouts follow the ops guide's pool settings: connect 2 s, command 5 s. There is no offline
// queue: while Redis is down a command fails at once instead of waiting for a reconnect.
import "server-only";
import Redis, { type RedisOptions } from "ioredis";
import type { InstanceConfig } from "@/lib/config";
import { classifyRedisError, notConnected, RedisError, toRedisError } from "./errors";

export const CONNECT_TIMEOUT_MS = 2000;
export const COMMAND_TIMEOUT_MS = 5000;

/** What a connection is for; each purpose has its own connection (and CLIENT SETNAME). */
export type ConnectionPurpose = "main" | "scan";

interface Connection {
  client: Redis;
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
 */
export function connectionOptions(
  instance: InstanceConfig,
  purpose: ConnectionPurpose | "probe" = "main",
): RedisOptions {
  const url = new URL(purpose === "scan" && instance.scanUrl ? instance.scanUrl : instance.url);
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

function connect(instance: InstanceConfig, purpose: ConnectionPurpose): Connection {
  const client = new Redis(connectionOptions(instance, purpose));
  const conn: Connection = { client };
  client.on("error", (err: unknown) => {
    conn.lastError = classifyRedisError(err, { instanceId: instance.id }) ?? conn.lastError;
  });
  client.on("ready", () => {
    conn.lastError = undefined;
    conn.downSince = undefined;
    const db = client.options.db ?? 0;
    if (db !== 0) {
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
): Promise<Redis> {
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
  fn: (client: Redis) => Promise<T>,
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
  const client = new Redis({
    ...connectionOptions(instance, "probe"),
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

/** Closes every client (tests and shutdown). */
export async function closeAllConnections(): Promise<void> {
  const all = [...connections.values()];
  connections.clear();
  await Promise.all(all.map((c) => c.client.quit().catch(() => c.client.disconnect())));
}
