// The Redis side of the live TTL watch: which servers to subscribe to (every master: keyspace
// notifications are node-local; a sentinel instance's current master), what their
// notify-keyspace-events says, a subscriber connection of its own per master that PSUBSCRIBEs
// `__keyevent@<db>__:*` and hands each event and key bytes on, and pipelined TTL reads on the
// instance's normal connection (grouped per node on a cluster). Subscriptions are renewed by us,
// not by ioredis, so a refusal after a reconnect (NOPERM) is seen and reported.
import "server-only";
import Redis, { type RedisOptions } from "ioredis";
import type { InstanceConfig } from "@/lib/config";
import { connectionOptions, getClient, instanceKind, reconnectDelayMs, serverOptions } from "./client";
import { classifyRedisError, RedisError, toRedisError } from "./errors";
import { readConfig } from "./server-config";
import { groupByNode, keyspaceNodes } from "./topology";

/** One master to subscribe to. */
export interface WatchTarget {
  address: string;
  db: number;
}

function dbOf(instance: InstanceConfig): number {
  if (instanceKind(instance) === "cluster") return 0;
  const db = new URL(instance.url).pathname.replace(/^\//, "");
  return db === "" ? 0 : Number(db);
}

/** The channel pattern the watch subscribes to, and the ACL channel rule that allows it (PSUBSCRIBE needs the literal pattern). */
export function keyeventPattern(db: number): string {
  return `__keyevent@${db}__:*`;
}

/** The masters that hold the keyspace, each with what its notify-keyspace-events says (null: CONFIG refused, `error`). */
export async function watchTargets(
  instance: InstanceConfig,
): Promise<{ target: WatchTarget; flags: string | null; refusal?: string; error?: RedisError }[]> {
  const nodes = await keyspaceNodes(instance);
  const db = dbOf(instance);
  return Promise.all(
    nodes.map(async (node) => {
      const target = { address: node.address, db };
      try {
        const { values, refusal } = await readConfig(node.client, ["notify-keyspace-events"]);
        if (!values) {
          return {
            target,
            flags: null,
            refusal:
              refusal === "permission"
                ? "the console's Redis user may not run CONFIG GET (ACL rule +config|get)"
                : "CONFIG is disabled on this server (managed service or rename-command)",
          };
        }
        return { target, flags: values.get("notify-keyspace-events") ?? "" };
      } catch (err) {
        return {
          target,
          flags: null,
          error: toRedisError(err, { instanceId: instance.id, command: "config|get" }),
        };
      }
    }),
  );
}

export interface SubscriberHandlers {
  /** One keyevent: the event name ("set", "persist"...) and the key's exact bytes. */
  onEvent(event: string, key: Buffer): void;
  /** PSUBSCRIBE acknowledged (at first and after every reconnect), at the address the socket reached. */
  onSubscribed(address: string): void;
  /** The connection went down: events from now on are missed until onSubscribed. */
  onDown(error: RedisError | undefined): void;
  /** Redis refused the subscription (ACL): the subscriber stops; the caller decides when to retry. */
  onRefused(error: RedisError): void;
}

export interface Subscriber {
  close(): void;
}

/** Refusals that will not go away by reconnecting. */
function refusalOf(err: unknown, instance: InstanceConfig, pattern: string): RedisError | undefined {
  const e = classifyRedisError(err, { instanceId: instance.id, command: "psubscribe" });
  if (!e || (e.kind !== "permission" && e.kind !== "auth" && e.kind !== "unsupported")) return undefined;
  if (e.kind === "permission" && /channel/i.test(e.raw)) {
    return new RedisError(
      "permission",
      `the console's Redis user may not subscribe to ${pattern} (ACL channel rule &${pattern}; NOPERM)`,
      { instanceId: instance.id, command: "psubscribe", raw: e.raw, code: "NOPERM" },
    );
  }
  return e;
}

/**
 * A subscriber connection of its own to one master (a sentinel instance: to whichever server the
 * sentinels name master; ioredis moves on failover and we subscribe again). Reconnects with the
 * client's backoff (100 ms doubling to 5 s).
 */
export function subscribeKeyevents(
  instance: InstanceConfig,
  target: WatchTarget,
  handlers: SubscriberHandlers,
): Subscriber {
  const base: RedisOptions =
    instanceKind(instance) === "cluster"
      ? serverOptions(instance, target.address, "main")
      : connectionOptions(instance, "main");
  const redis = new Redis({
    ...base,
    connectionName: "isl-console-watch",
    autoResubscribe: false,
    enableOfflineQueue: true,
    retryStrategy: reconnectDelayMs,
    // A subscriber waits for events, not replies: only the PSUBSCRIBE reply is timed.
    commandTimeout: undefined,
  });
  const pattern = keyeventPattern(target.db);
  const prefixLength = Buffer.byteLength(pattern) - 1;
  let closed = false;
  let up = false;
  let lastError: RedisError | undefined;
  redis.on("pmessageBuffer", (_pattern: Buffer, channel: Buffer, message: Buffer) => {
    handlers.onEvent(channel.toString("latin1", prefixLength), message);
  });
  redis.on("error", (err: unknown) => {
    lastError = classifyRedisError(err, { instanceId: instance.id }) ?? lastError;
  });
  redis.on("close", () => {
    if (closed || !up) return;
    up = false;
    handlers.onDown(lastError);
  });
  redis.on("ready", () => {
    if (closed) return;
    const stream = redis.stream as { remoteAddress?: string; remotePort?: number } | undefined;
    const address =
      instanceKind(instance) === "sentinel" && stream?.remoteAddress && stream.remotePort
        ? `${stream.remoteAddress}:${stream.remotePort}`
        : target.address;
    redis.psubscribe(pattern).then(
      () => {
        if (closed) return;
        up = true;
        lastError = undefined;
        handlers.onSubscribed(address);
      },
      (err: unknown) => {
        if (closed) return;
        const refused = refusalOf(err, instance, pattern);
        if (refused) {
          closed = true;
          redis.disconnect();
          handlers.onRefused(refused);
          return;
        }
        // Lost before the reply: the next "ready" subscribes again.
        lastError = classifyRedisError(err, { instanceId: instance.id, command: "psubscribe" }) ?? lastError;
      },
    );
  });
  // An authentication failure at connect is a refusal too: it will not fix itself by retrying.
  redis.on("error", (err: unknown) => {
    const e = classifyRedisError(err, { instanceId: instance.id });
    if (!closed && e?.kind === "auth") {
      closed = true;
      redis.disconnect();
      handlers.onRefused(e);
    }
  });
  return {
    close() {
      closed = true;
      redis.disconnect();
    },
  };
}

/**
 * TTL of each key, pipelined (one pipeline per node on a cluster): the TTL reply, or null where
 * the read failed (a refused key, a node that went down): such a key is unread, never "no TTL".
 */
export async function readTtls(instance: InstanceConfig, keys: Buffer[]): Promise<(number | null)[]> {
  const out: (number | null)[] = keys.map(() => null);
  if (keys.length === 0) return out;
  let client;
  try {
    client = await getClient(instance);
  } catch {
    return out;
  }
  const groups = groupByNode(
    client,
    keys.map((_, i) => i),
    (i) => keys[i] as Buffer,
  );
  await Promise.all(
    groups.map(async (group) => {
      const pipeline = client.pipeline();
      for (const i of group) pipeline.ttl(keys[i] as Buffer);
      try {
        const replies = (await pipeline.exec()) ?? [];
        group.forEach((i, at) => {
          const [err, value] = replies[at] ?? [new Error("no reply"), null];
          out[i] = err || typeof value !== "number" ? null : value;
        });
      } catch {
        // The whole group stays null (unread).
      }
    }),
  );
  return out;
}

/** Whether a RedisError is a refusal the operator must fix (ACL, auth, disabled), not a passing outage. */
export function isStandingRefusal(err: unknown): boolean {
  return (
    err instanceof RedisError &&
    (err.kind === "permission" || err.kind === "auth" || err.kind === "unsupported")
  );
}
