// Signing in with a local user: rate-limited password check, then a session in the store and its
// sealed cookie. Signing out revokes the session in the store and clears the cookie.
import "server-only";
import { getConfig, sessionSecretOf } from "@/lib/config";
import type { Principal } from "@/lib/policy/access";
import { getStore } from "@/lib/store";
import { type AuthInput, clientAddress, SessionStoreUnavailableError } from "./authenticate";
import { burnPasswordCheck, verifyPassword } from "./passwords";
import { clearLoginFailures, loginRetryAfterSeconds, recordLoginFailure } from "./rate-limit";
import {
  clearedSessionCookie,
  endSession,
  openSession,
  SESSION_COOKIE,
  sessionCookie,
  startSession,
} from "./session";


export type LoginOutcome =
  | { ok: true; principal: Principal; setCookie: string }
  | { ok: false; reason: "bad_credentials" }
  | { ok: false; reason: "rate_limited"; retryAfterSeconds: number };

/** The sign-in limit lives in the store: when it cannot be read or written, nobody signs in (503). */
async function storeOrUnavailable<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    console.error("isl-console: the sign-in limit could not be read or written; sign-in refused", err);
    throw new SessionStoreUnavailableError(err, "written");
  }
}

/** Checks the password and starts a session; throws SessionStoreUnavailableError when the store refuses. */
export async function login(
  input: AuthInput,
  username: string,
  password: string,
  now = Date.now(),
): Promise<LoginOutcome> {
  const auth = getConfig().auth;
  const source = clientAddress(input, auth.proxy);
  const retryAfterSeconds = await storeOrUnavailable(() => loginRetryAfterSeconds(username, source, now));
  if (retryAfterSeconds > 0) return { ok: false, reason: "rate_limited", retryAfterSeconds };
  const user = auth.users.find((u) => u.username === username);
  const valid = user
    ? await verifyPassword(password, user.passwordHash)
    : (await burnPasswordCheck(password), false);
  if (!user || !valid) {
    await storeOrUnavailable(() => recordLoginFailure(username, source, now));
    return { ok: false, reason: "bad_credentials" };
  }
  let sealed: string;
  try {
    sealed = await startSession(getStore(), user.username, sessionSecretOf(auth), now, auth.sessionIdleMs);
  } catch (err) {
    console.error("isl-console: a session could not be stored; sign-in refused", err);
    throw new SessionStoreUnavailableError(err, "written");
  }
  await storeOrUnavailable(() => clearLoginFailures(username));
  return {
    ok: true,
    principal: { name: user.username, role: user.role, method: "session", source },
    setCookie: sessionCookie(sealed, auth.sessionIdleMs, { secure: auth.cookieSecure }),
  };
}

export interface LogoutOutcome {
  /** Clears the cookie in the browser, whatever happened in the store. */
  setCookie: string;
  /**
   * `revoked`: the session ended on the server; `none`: the request named no session that could
   * still be used; `store_unavailable`: the store could not be written, the session may live on.
   */
  result: "revoked" | "none" | "store_unavailable";
}

/** Signs the caller's session out: revokes it in the store (a replayed cookie is then refused). */
export async function logout(input: AuthInput, now = Date.now()): Promise<LogoutOutcome> {
  const auth = getConfig().auth;
  const setCookie = clearedSessionCookie({ secure: auth.cookieSecure });
  const session = openSession(input.cookie(SESSION_COOKIE), sessionSecretOf(auth), now);
  if (!session) return { setCookie, result: "none" };
  try {
    return { setCookie, result: (await endSession(getStore(), session, now)) ? "revoked" : "none" };
  } catch (err) {
    console.error("isl-console: a session could not be revoked at sign-out", err);
    return { setCookie, result: "store_unavailable" };
  }
}
