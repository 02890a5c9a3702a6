// A subscriber connection on a plain socket (TCP or TLS) with the minimal RESP reader of
// resp-push.ts: AUTH (ACL user and password, or password alone), CLIENT SETNAME, one subscribe
// command, then published messages handed on as offsets into the received bytes. Reconnects with
// a backoff and subscribes again; a refusal stops it. The live TTL watch uses it instead of an
// ioredis subscriber, whose per-message parsing and event emits cost a core at 100k events a second.
import "server-only";
import net from "node:net";
import tls from "node:tls";
import type { RedisOptions } from "ioredis";
import { PushReader, ReplyError, type PushHandlers, type RespValue } from "./resp-push";

/** Where and how to connect: the fields of the instance's ioredis options this connection honours. */
export type SocketOptions = Pick<
  RedisOptions,
  "host" | "port" | "username" | "password" | "tls" | "connectTimeout" | "connectionName"
>;

export interface RawSubscriberOptions {
  /** Resolved before each attempt (a sentinel-managed master moves). */
  resolve(): Promise<SocketOptions>;
  /** The subscribe command and its arguments, sent after AUTH on every connection. */
  subscribe: string[];
  onMessage: PushHandlers["onMessage"];
  /** The subscribe command was confirmed on a connection to `address` (host:port). */
  onSubscribed(address: string): void;
  /** A subscribed connection closed: messages are missed until the next onSubscribed. */
  onDown(): void;
  /**
   * A failure (socket error, error reply to AUTH or to the subscribe command). Return true when it
   * is a refusal that retrying will not fix: the subscriber then stops for good.
   */
  onFailure(err: Error, step: "connect" | "auth" | "subscribe"): boolean;
  /** Backoff before reconnect attempt `n` (0-based), in ms. */
  reconnectDelayMs(attempt: number): number;
}

export interface RawSubscriber {
  close(): void;
}

/** RESP2 encoding of one command. */
export function encodeCommand(args: (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const bytes = typeof a === "string" ? Buffer.from(a) : a;
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from("\r\n"));
  }
  return Buffer.concat(parts);
}

type Step = "auth" | "setname" | "subscribe";

export function rawSubscriber(options: RawSubscriberOptions): RawSubscriber {
  let closed = false;
  let attempt = 0;
  let socket: net.Socket | undefined;
  let retry: NodeJS.Timeout | undefined;

  const fail = (err: Error, step: "connect" | Step): boolean => {
    if (closed) return true;
    if (step === "setname") return false;
    if (!options.onFailure(err, step)) return false;
    closed = true;
    socket?.destroy();
    return true;
  };

  const schedule = () => {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, options.reconnectDelayMs(attempt++));
  };

  const connect = async () => {
    if (closed) return;
    let target: SocketOptions;
    try {
      target = await options.resolve();
    } catch (err) {
      if (!fail(err instanceof Error ? err : new Error(String(err)), "connect")) schedule();
      return;
    }
    if (closed) return;
    const host = target.host ?? "127.0.0.1";
    const port = target.port ?? 6379;
    const s = target.tls ? tls.connect({ ...target.tls, host, port }) : net.connect({ host, port });
    socket = s;
    let up = false;
    const steps: Step[] = [];
    if (target.password !== undefined && target.password !== null) steps.push("auth");
    if (target.connectionName) steps.push("setname");
    steps.push("subscribe");
    const expected = [...steps];
    const reader = new PushReader({
      onMessage: options.onMessage,
      onReply: (reply: RespValue) => {
        // Closed while this chunk is being read (a refusal, the caller): the rest is not ours to report.
        if (closed) return;
        const step = expected.shift();
        if (!step) return;
        if (reply instanceof ReplyError) {
          if (!fail(reply, step) && step !== "setname") s.destroy();
          return;
        }
        if (step !== "subscribe") return;
        up = true;
        attempt = 0;
        s.setTimeout(0);
        options.onSubscribed(`${s.remoteAddress ?? host}:${s.remotePort ?? port}`);
      },
    });
    // Until subscribed, the connect timeout bounds the whole handshake.
    s.setTimeout(target.connectTimeout ?? 10_000, () =>
      s.destroy(new Error(`connect ETIMEDOUT ${host}:${port} (no answer within the connect timeout)`)),
    );
    s.setNoDelay(true);
    // A subscriber may stay silent for hours: keepalive notices a peer that vanished.
    s.setKeepAlive(true, 30_000);
    s.once(target.tls ? "secureConnect" : "connect", () => {
      const out: Buffer[] = [];
      if (steps.includes("auth")) {
        const password = String(target.password);
        out.push(encodeCommand(target.username ? ["AUTH", target.username, password] : ["AUTH", password]));
      }
      if (target.connectionName) out.push(encodeCommand(["CLIENT", "SETNAME", target.connectionName]));
      out.push(encodeCommand(options.subscribe));
      s.write(Buffer.concat(out));
    });
    s.on("data", (chunk: Buffer) => {
      try {
        reader.feed(chunk);
      } catch (err) {
        s.destroy(err instanceof Error ? err : new Error(String(err)));
      }
    });
    s.on("error", (err: Error) => {
      fail(err, "connect");
    });
    s.on("close", () => {
      if (socket === s) socket = undefined;
      if (closed) return;
      if (up) options.onDown();
      schedule();
    });
  };

  void connect();
  return {
    close() {
      closed = true;
      if (retry) clearTimeout(retry);
      retry = undefined;
      socket?.destroy();
    },
  };
}
