// The cross-site check for mutations: the request's Origin must be the console's own origin,
// compared in full (scheme, host and port). The console's origin is CONSOLE_PUBLIC_URL when set
// (deployments behind a proxy), else the scheme and Host this server was reached with. The
// X-Forwarded-Host and X-Forwarded-Proto headers are believed only from a trusted proxy's address
// (AUTH_PROXY_TRUSTED_CIDRS): from anyone else they are ignored, since any client can send them.
import "server-only";
import type { NextRequest } from "next/server";
import { getConfig } from "@/lib/config";
import { inCidrs } from "@/lib/config/cidr";
import { peerAddress, inputFromRequest } from "@/lib/auth/authenticate";

/** A Host value: a name, an IPv4 address or a bracketed IPv6 address, and an optional port. */
const HOST = /^(?:[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

function firstHop(value: string | null): string | undefined {
  const first = value?.split(",")[0]?.trim();
  return first ? first : undefined;
}

/** "https://console.example:8443" from a scheme and a Host value; undefined unless both are sound. */
function originOf(proto: string, host: string): string | undefined {
  const scheme = proto.toLowerCase();
  if ((scheme !== "http" && scheme !== "https") || !HOST.test(host)) return undefined;
  try {
    return new URL(`${scheme}://${host}`).origin;
  } catch {
    return undefined;
  }
}

/** "https://console.example" for this request; undefined when it cannot be told. */
export function consoleOrigin(req: NextRequest): string | undefined {
  const config = getConfig();
  if (config.publicUrl) return config.publicUrl;
  const peer = peerAddress(inputFromRequest(req));
  const proxy = config.auth.proxy;
  if (proxy !== undefined && inCidrs(peer, proxy.trustedCidrs)) {
    const host = firstHop(req.headers.get("x-forwarded-host")) ?? req.headers.get("host");
    const proto = firstHop(req.headers.get("x-forwarded-proto")) ?? "http";
    return host ? originOf(proto, host) : undefined;
  }
  // Not from a trusted proxy. Next.js builds nextUrl's scheme from the client's own
  // X-Forwarded-Proto, so it is not asked: a request through the running server (it stamps the
  // peer, lib/auth/peer.ts) came over `next start`'s plain HTTP; TLS in front of the console is a
  // trusted proxy's job, or CONSOLE_PUBLIC_URL's. Without a stamp (a handler called in-process, as
  // the tests do) no header rewrote the URL, so its scheme is the one the request was made with.
  const proto = peer === undefined ? req.nextUrl.protocol.replace(/:$/, "") : "http";
  const host = req.headers.get("host") ?? req.nextUrl.host;
  return host ? originOf(proto, host) : undefined;
}

/**
 * A browser sends Origin on every cross-site and same-site mutation; a request whose Origin is not
 * exactly the console's own origin (or that has none) is refused, so a session cookie cannot be
 * ridden by another site.
 */
export function isSameOrigin(req: NextRequest): boolean {
  const origin = req.headers.get("origin");
  if (!origin || origin === "null") return false;
  let given: string;
  try {
    given = new URL(origin).origin;
  } catch {
    return false;
  }
  // Browsers send the serialized origin; anything else (a path, user info, odd case) is not one.
  if (given !== origin) return false;
  const own = consoleOrigin(req);
  return own !== undefined && given === own;
}
