// One ioredis client per configured instance, created on first use and kept for the process
// (on globalThis outside production so hot reload does not leak connections).
// Timeouts follow the ops guide's pool settings: connect 2 s, command 5 s. There is no offline
// queue: while Redis is down a command fails at once instead of waiting for a reconnect.
import "server-only";
import Redis, { type RedisOptions } from "ioredis";
import type { InstanceConfig } from "@/lib/config";
import { RedisUnavailableError } from "./errors";

export const CONNECT_TIMEOUT_MS = 2000;
export const COMMAND_TIMEOUT_MS = 5000;

interface Connection {
  client: Redis;
  lastError?: string;
  /** Milliseconds since epoch of the last time the connection went from ready to down. */
  downSince?: number;
}

const registry = globalThis as typeof globalThis & { __islRedisConnections?: Map<string, Connection> };
const connections: Map<string, Connection> = (registry.__islRedisConnections ??= new Map());

/** Backoff between reconnect attempts: 100 ms doubling to a 5 s ceiling. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(100 * 2 ** Math.min(attempt, 6), 5000);
}

export function describeRedisError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/WRONGPASS|invalid password|invalid username-password/i.test(message)) {
    return "authentication failed: wrong username or password";
  }
  if (/NOAUTH/i.test(message)) return "authentication required: no password configured for this instance";
  if (/ECONNREFUSED/.test(message)) return `connection refused (${message.replace(/^.*ECONNREFUSED\s*/, "")})`;
  // ioredis's wording when the socket died between two commands (enableOfflineQueue is off).
  if (/Stream isn't writeable|Connection is closed|ECONNRESET|EPIPE/i.test(message)) return "connection lost";
  if (/ETIMEDOUT|timed? ?out/i.test(message)) return "connection timed out";
  if (/self[- ]signed|unable to verify|certificate/i.test(message)) return `TLS: ${message}`;
  return message;
}

export function connectionOptions(instance: InstanceConfig, purpose: "main" | "scan" = "main"): RedisOptions {
  const options: RedisOptions = {
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: COMMAND_TIMEOUT_MS,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: reconnectDelayMs,
    connectionName: `isl-console-${purpose}`,
  };
  if (instance.password !== undefined) options.password = instance.password;
  if (instance.tls) {
    options.tls = {
      ca: instance.tls.ca,
      servername: instance.tls.servername,
      rejectUnauthorized: instance.tls.rejectUnauthorized,
    };
  }
  return options;
}

function connect(instance: InstanceConfig, purpose: "main" | "scan"): Connection {
  const url = purpose === "scan" && instance.scanUrl ? instance.scanUrl : instance.url;
  const client = new Redis(url, connectionOptions(instance, purpose));
  const conn: Connection = { client };
  client.on("error", (err: unknown) => {
    conn.lastError = describeRedisError(err);
  });
  client.on("ready", () => {
    conn.lastError = undefined;
    conn.downSince = undefined;
  });
  client.on("close", () => {
    conn.downSince ??= Date.now();
  });
  return conn;
}

function connectionFor(instance: InstanceConfig, purpose: "main" | "scan"): Connection {
  const key = `${instance.id}:${purpose}`;
  let conn = connections.get(key);
  if (!conn) {
    conn = connect(instance, purpose);
    connections.set(key, conn);
  }
  return conn;
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
    // Wrong credentials or an untrusted certificate will not fix themselves: answer now.
    const onError = () => {
      if (conn.lastError && /^(authentication|TLS)/.test(conn.lastError)) done(false);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    conn.client.on("ready", onReady);
    conn.client.on("error", onError);
  });
}

/**
 * The ready client for an instance, or RedisUnavailableError within `timeoutMs`.
 * A client that has never connected gets up to one connect timeout; one that lost its
 * connection fails at once, with the last error Redis or the socket gave.
 */
export async function getClient(
  instance: InstanceConfig,
  { purpose = "main", timeoutMs = CONNECT_TIMEOUT_MS }: { purpose?: "main" | "scan"; timeoutMs?: number } = {},
): Promise<Redis> {
  const conn = connectionFor(instance, purpose);
  const ready = await waitForReady(conn, conn.downSince === undefined ? timeoutMs : Math.min(timeoutMs, 250));
  if (!ready) {
    throw new RedisUnavailableError(instance.id, conn.lastError ?? `not connected (${conn.client.status})`);
  }
  return conn.client;
}

/** Runs `fn` with the instance's client; socket and timeout failures become RedisUnavailableError. */
export async function withRedis<T>(
  instance: InstanceConfig,
  fn: (client: Redis) => Promise<T>,
  options?: { purpose?: "main" | "scan"; timeoutMs?: number },
): Promise<T> {
  const client = await getClient(instance, options);
  try {
    return await fn(client);
  } catch (err) {
    if (isConnectionError(err)) throw new RedisUnavailableError(instance.id, describeRedisError(err));
    throw err;
  }
}

function isConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return /Connection is closed|Stream isn't writeable|Command timed out|ECONNRESET|ECONNREFUSED|EPIPE|NOAUTH|WRONGPASS/i.test(
    err.message,
  );
}

/** Closes every client (tests and shutdown). */
export async function closeAllConnections(): Promise<void> {
  const all = [...connections.values()];
  connections.clear();
  await Promise.all(all.map((c) => c.client.quit().catch(() => c.client.disconnect())));
}
