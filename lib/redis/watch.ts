// The Redis side of the live TTL watch: which servers to subscribe to (every master: keyspace
// notifications are node-local; a sentinel instance's current master), what their
// notify-keyspace-events says, a subscriber connection of its own per master that SUBSCRIBEs to
// the `__keyevent@<db>__:<event>` channels the caller names and hands each event and the key's
// bytes on (a plain socket with a minimal
// RESP reader, resp-subscriber.ts: a write flood is 100k events a second), and pipelined TTL reads
// on the instance's normal connection (grouped per node on a cluster). Each reconnect subscribes
// again and reads the reply, so a refusal after a reconnect (NOPERM) is seen and reported.
import "server-only";
import type { InstanceConfig } from "@/lib/config";
import { connectionOptions, getClient, instanceKind, reconnectDelayMs, serverOptions } from "./connection";
import { classifyRedisError, RedisError, toRedisError } from "./errors";
import { rawSubscriber } from "./resp-subscriber";
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

/** The channel pattern of a database's keyevents: the ACL channel rule (`&<pattern>`) that allows the watch's channels. */
export function keyeventPattern(db: number): string {
  return `__keyevent@${db}__:*`;
}

/** The channel of one keyevent. */
export function keyeventChannel(db: number, event: string): string {
  return `__keyevent@${db}__:${event}`;
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
  /**
   * One keyevent: the event name ("set", "persist"...) and the key as bytes[keyStart, keyEnd),
   * valid only during the call (copy what is kept): most events of a flood are only counted.
   */
  onEvent(event: string, bytes: Buffer, keyStart: number, keyEnd: number): void;
  /** SUBSCRIBE acknowledged (at first and after every reconnect), at the address the socket reached. */
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
  const e = classifyRedisError(err, { instanceId: instance.id, command: "subscribe" });
  if (!e || (e.kind !== "permission" && e.kind !== "auth" && e.kind !== "unsupported")) return undefined;
  if (e.kind === "permission" && /channel/i.test(e.raw)) {
    return new RedisError(
      "permission",
      `the console's Redis user may not subscribe to ${pattern} (ACL channel rule &${pattern}; NOPERM)`,
      { instanceId: instance.id, command: "subscribe", raw: e.raw, code: "NOPERM" },
    );
  }
  return e;
}

/** Where a sentinel instance's master is now: where the instance's main client (moved by ioredis on failover) is connected. */
async function sentinelMaster(instance: InstanceConfig): Promise<string> {
  const [node] = await keyspaceNodes(instance);
  if (!node)
    throw new RedisError("unreachable", "the sentinels name no master", {
      instanceId: instance.id,
      raw: "no master",
    });
  return node.address;
}

/**
 * A subscriber connection of its own to one master (a sentinel instance: to whichever server the
 * sentinels name master, looked up again on every reconnect). A plain socket with a minimal RESP
 * reader (resp-subscriber.ts), not ioredis: a flood of writes is 100k events a second. Reconnects
 * with the client's backoff (100 ms doubling to 5 s). `events` are the keyevent names to subscribe
 * to: channels, not a pattern, so Redis sends nothing for the events the watch does not use.
 */
export function subscribeKeyevents(
  instance: InstanceConfig,
  target: WatchTarget,
  events: readonly string[],
  handlers: SubscriberHandlers,
): Subscriber {
  const pattern = keyeventPattern(target.db);
  const prefixLength = Buffer.byteLength(pattern) - 1;
  const sentinel = instanceKind(instance) === "sentinel";
  let lastError: RedisError | undefined;
  return rawSubscriber({
    resolve: async () => {
      const base =
        instanceKind(instance) === "standalone"
          ? connectionOptions(instance, "main")
          : serverOptions(instance, sentinel ? await sentinelMaster(instance) : target.address, "main");
      return { ...base, connectionName: "isl-console-watch" };
    },
    subscribe: ["SUBSCRIBE", ...events.map((e) => keyeventChannel(target.db, e))],
    onMessage: (bytes, channelStart, channelEnd, keyStart, keyEnd) => {
      handlers.onEvent(
        bytes.toString("latin1", channelStart + prefixLength, channelEnd),
        bytes,
        keyStart,
        keyEnd,
      );
    },
    onSubscribed: (address) => {
      lastError = undefined;
      handlers.onSubscribed(sentinel ? address : target.address);
    },
    onDown: () => handlers.onDown(lastError),
    onFailure: (err, step) => {
      // An authentication failure is a refusal at any step: it will not fix itself by retrying.
      const refused =
        step === "subscribe"
          ? refusalOf(err, instance, pattern)
          : classifyRedisError(err, {
              instanceId: instance.id,
              command: step === "auth" ? "auth" : undefined,
            });
      if (refused && (step === "subscribe" || refused.kind === "auth")) {
        handlers.onRefused(refused);
        return true;
      }
      lastError = refused ?? classifyRedisError(err, { instanceId: instance.id }) ?? lastError;
      return false;
    },
    // A sentinel instance's next master is asked of the instance's own connection (no socket to a
    // dead server): every second at most, so the watch follows a failover as soon as it is announced.
    reconnectDelayMs: sentinel ? (attempt) => Math.min(reconnectDelayMs(attempt), 1000) : reconnectDelayMs,
  });
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
