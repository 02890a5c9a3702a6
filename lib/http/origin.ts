// The cross-site check for mutations: the request's Origin must be the console's own origin,
// compared in full (scheme, host and port). The console's origin is CONSOLE_PUBLIC_URL when set
// (deployments behind a proxy), else the scheme and Host this server was reached with. The
// X-Forwarded-Host and X-Forwarded-Proto headers are believed only from a trusted proxy's address
// (AUTH_PROXY_TRUSTED_CIDRS): from anyone else they are ignored, since any client can send them.
import "server-only";
import type { NextRequest } from "next/server";
import { getConfig } from "@/lib/config";
import { inCidrs } from "@/lib/auth/cidr";
import { peerAddress, inputFromRequest } from "@/lib/auth/authenticate";

function firstHop(value: string | null): string | undefined {
  const first = value?.split(",")[0]?.trim();
  return first ? first : undefined;
}

/** "https://console.example" for this request; undefined when it cannot be told. */
export function consoleOrigin(req: NextRequest): string | undefined {
  const config = getConfig();
  if (config.publicUrl) return config.publicUrl;
  const proxy = config.auth.proxy;
  const trusted = proxy !== undefined && inCidrs(peerAddress(inputFromRequest(req)), proxy.trustedCidrs);
  const host =
    (trusted ? firstHop(req.headers.get("x-forwarded-host")) : undefined) ??
    req.headers.get("host") ??
    req.nextUrl.host;
  const proto =
    (trusted ? firstHop(req.headers.get("x-forwarded-proto")) : undefined) ??
    req.nextUrl.protocol.replace(/:$/, "");
  if (!host || (proto !== "http" && proto !== "https")) return undefined;
  try {
    return new URL(`${proto}://${host}`).origin;
  } catch {
    return undefined;
  }
}

/**
 * A browser sends Origin on every cross-site and same-site mutation; a request whose Origin is not
 * the console's own origin (or that has none) is refused, so a session cookie cannot be ridden by
 * another site.
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
  const own = consoleOrigin(req);
  return own !== undefined && given === own;
}
