// Who is calling: a bearer API token, else a trusted reverse proxy's user header, else the session
// cookie, whose session must be live in the store. Each request is authenticated on its own;
// nothing is cached between requests.
import "server-only";
import type { NextRequest } from "next/server";
import { getConfig, sessionSecretOf, type AuthConfig, type ProxyAuthConfig } from "@/lib/config";
import { roles, type Principal, type Role } from "@/lib/policy/access";
import { getStore } from "@/lib/store";
import { StoreUnavailableError } from "@/lib/store/db";
import { inCidrs } from "@/lib/config/cidr";
import { PEER_HEADER, peerAddressFrom } from "./peer";
import { openSession, resumeSession, SESSION_COOKIE, sessionCookie, type SessionCheck } from "./session";
import { matchToken } from "./tokens";

/**
 * The session store cannot be read or written: sessions can be neither checked nor started, so
 * nobody gets in with a session cookie (the API answers 503 `store_unavailable`, pages a 503 page)
 * while API tokens and a trusted proxy's users still do. The caller is not authenticated yet: the
 * message says what failed, never where the store is (the log does).
 */
export class SessionStoreUnavailableError extends Error {
  override name = "SessionStoreUnavailableError";
  constructor(cause: unknown, failed: "read" | "written") {
    const why = cause instanceof StoreUnavailableError ? " (its database is down or unreachable)" : "";
    const effect =
      failed === "written"
        ? "so no one can sign in"
        : "so no signed-in session can be checked (API tokens still work)";
    super(`the session store cannot be ${failed}${why}, ${effect}; see the console's log`, { cause });
  }
}

/** What authentication reads from a request; built from a NextRequest or from next/headers. */
export interface AuthInput {
  header(name: string): string | null;
  cookie(name: string): string | undefined;
}

export interface AuthResult {
  principal: Principal;
  /** A renewed session cookie to send back (sliding idle timeout). */
  setCookie?: string;
}

export function inputFromRequest(req: NextRequest): AuthInput {
  return { header: (name) => req.headers.get(name), cookie: (name) => req.cookies.get(name)?.value };
}

/** The TCP peer (see peer.ts); undefined outside the running server (direct handler calls in tests). */
export function peerAddress(input: AuthInput): string | undefined {
  return peerAddressFrom(input.header(PEER_HEADER));
}

/**
 * The caller's address for the audit log: the peer, or, when the peer is a trusted proxy, the
 * right-most X-Forwarded-For hop that is not itself a trusted proxy.
 */
export function clientAddress(input: AuthInput, proxy: ProxyAuthConfig | undefined): string {
  const peer = peerAddress(input);
  if (peer === undefined) return "unknown";
  if (!proxy || !inCidrs(peer, proxy.trustedCidrs)) return peer;
  const hops = (input.header("x-forwarded-for") ?? "")
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] as string;
    if (!inCidrs(hop, proxy.trustedCidrs)) return hop;
  }
  return peer;
}

const rank = (role: Role) => roles.indexOf(role);

/** The highest role any of the user's groups maps to ("*" maps every user); undefined if none. */
export function roleForGroups(
  groups: readonly string[],
  map: ProxyAuthConfig["groupRoles"],
): Role | undefined {
  let best: Role | undefined;
  for (const { group, role } of map) {
    if ((group === "*" || groups.includes(group)) && (best === undefined || rank(role) > rank(best)))
      best = role;
  }
  return best;
}

function fromProxy(input: AuthInput, proxy: ProxyAuthConfig, source: string): Principal | undefined {
  // Only the proxy's own connection may assert a user; from anywhere else the header is ignored.
  if (!inCidrs(peerAddress(input), proxy.trustedCidrs)) return undefined;
  const user = input.header(proxy.userHeader)?.trim();
  if (!user || user.length > 256) return undefined;
  const groupsHeader = proxy.groupsHeader ? (input.header(proxy.groupsHeader) ?? "") : "";
  const groups = groupsHeader
    .split(/[,\s]+/)
    .map((g) => g.trim())
    .filter(Boolean);
  const role = roleForGroups(groups, proxy.groupRoles);
  return role ? { name: user, role, method: "proxy", source } : undefined;
}

async function fromSession(
  input: AuthInput,
  auth: AuthConfig,
  source: string,
  now: number,
): Promise<AuthResult | undefined> {
  const value = input.cookie(SESSION_COOKIE);
  const session = openSession(value, sessionSecretOf(auth), now);
  if (!session || value === undefined) return undefined;
  // The users file is the authority: a removed user's cookie is dead, a changed role applies at once.
  const user = auth.users.find((u) => u.username === session.u);
  if (!user) return undefined;
  // The store is the authority on the session itself: signed out, idle, expired or unknown is dead.
  let check: SessionCheck;
  try {
    check = await resumeSession(getStore(), session, now, auth.sessionIdleMs);
  } catch (err) {
    // Fail closed: a store that cannot say the session is live lets no one in with it. Not a 401:
    // the session may be fine, and the browser keeps it for when the store answers again.
    const reason = err instanceof Error ? err.message : String(err);
    console.error(`isl-console: session store unreadable, session cookie refused: ${reason}`);
    throw new SessionStoreUnavailableError(err, "read");
  }
  if (!check.live) return undefined;
  const principal: Principal = { name: user.username, role: user.role, method: "session", source };
  if (!check.renewed) return { principal };
  // Same cookie, fresh Max-Age: the browser's idle clock follows the store's.
  return { principal, setCookie: sessionCookie(value, auth.sessionIdleMs, { secure: auth.cookieSecure }) };
}

/**
 * The caller and, for a session, a renewed cookie; null when no valid credential is present.
 * Throws SessionStoreUnavailableError when a session cookie cannot be checked against the store.
 */
export async function authenticateInput(input: AuthInput, now = Date.now()): Promise<AuthResult | null> {
  const auth = getConfig().auth;
  const source = clientAddress(input, auth.proxy);
  const authorization = input.header("authorization");
  if (authorization !== null) {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
    const entry = token === undefined ? undefined : matchToken(token, auth.tokens);
    if (entry) return { principal: { name: entry.name, role: entry.role, method: "token", source } };
    // A proxy may forward its own Authorization header; anyone else presenting a bad one is refused.
    const proxied = auth.proxy ? fromProxy(input, auth.proxy, source) : undefined;
    return proxied ? { principal: proxied } : null;
  }
  const proxied = auth.proxy ? fromProxy(input, auth.proxy, source) : undefined;
  if (proxied) return { principal: proxied };
  return (await fromSession(input, auth, source, now)) ?? null;
}

/** The authenticated caller of this request, or null. */
export async function authenticate(req: NextRequest): Promise<Principal | null> {
  return (await authenticateInput(inputFromRequest(req)))?.principal ?? null;
}
