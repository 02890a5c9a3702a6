// The TCP peer's address for the trusted-proxy check. Next 16 gives route handlers and the proxy no
// socket; its own `x-forwarded-for` keeps whatever the client sent, so it cannot tell who connected.
// At start-up (lib/startup.ts) we wrap the HTTP server's "request" event and stamp every incoming
// request with the socket's remote address in a private header, overwriting any value a client sent.
// The stamp carries a per-process random nonce, so a client cannot forge one where the hook is absent.
// Requests that reach the server while it is still starting (before instrumentation ran) have no
// stamp: they are simply not trusted as coming from the proxy.
import "server-only";
import { randomBytes, timingSafeEqual } from "node:crypto";
import http from "node:http";
import https from "node:https";

export const PEER_HEADER = "x-isl-console-peer";

interface StampState {
  nonce: string;
  installed: boolean;
}

const STATE = Symbol.for("isl-console.peer-stamp");

function state(): StampState {
  const g = globalThis as { [STATE]?: StampState };
  g[STATE] ??= { nonce: randomBytes(16).toString("hex"), installed: false };
  return g[STATE];
}

/** The stamp for this address, as the server hook writes it (tests build requests with it). */
export function peerStamp(address: string): string {
  return `${state().nonce} ${address}`;
}

type Emit = (this: unknown, event: string | symbol, ...args: unknown[]) => boolean;

function wrap(proto: { emit: Emit }): void {
  const original = proto.emit;
  proto.emit = function (this: unknown, event: string | symbol, ...args: unknown[]): boolean {
    if (event === "request") {
      const req = args[0] as http.IncomingMessage;
      req.headers[PEER_HEADER] = peerStamp(req.socket?.remoteAddress ?? "");
    }
    return original.call(this, event, ...args);
  };
}

/** Installs the stamp on every HTTP(S) server of this process; idempotent. */
export function installPeerAddressStamp(): void {
  const s = state();
  if (s.installed) return;
  s.installed = true;
  wrap(http.Server.prototype as unknown as { emit: Emit });
  if (
    Object.prototype.hasOwnProperty.call(https.Server.prototype, "emit") ||
    https.Server.prototype.emit !== http.Server.prototype.emit
  ) {
    wrap(https.Server.prototype as unknown as { emit: Emit });
  }
}

/** The socket peer's address from a genuine stamp; undefined when absent or forged. */
export function peerAddressFrom(value: string | null): string | undefined {
  if (!value) return undefined;
  const space = value.indexOf(" ");
  if (space < 0) return undefined;
  const nonce = Buffer.from(value.slice(0, space));
  const expected = Buffer.from(state().nonce);
  if (nonce.length !== expected.length || !timingSafeEqual(nonce, expected)) return undefined;
  const address = value.slice(space + 1).trim();
  return address === "" ? undefined : address;
}
