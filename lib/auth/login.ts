// Signing in with a local user: rate-limited password check, then a sealed session cookie.
import "server-only";
import { getConfig, sessionSecretOf } from "@/lib/config";
import type { Principal } from "@/lib/policy/access";
import { type AuthInput, clientAddress } from "./authenticate";
import { burnPasswordCheck, verifyPassword } from "./passwords";
import { clearLoginFailures, loginRetryAfterSeconds, recordLoginFailure } from "./rate-limit";
import { clearedSessionCookie, sealSession, sessionCookie } from "./session";

export type LoginOutcome =
  | { ok: true; principal: Principal; setCookie: string }
  | { ok: false; reason: "bad_credentials" }
  | { ok: false; reason: "rate_limited"; retryAfterSeconds: number };

export async function login(
  input: AuthInput,
  username: string,
  password: string,
  now = Date.now(),
): Promise<LoginOutcome> {
  const auth = getConfig().auth;
  const source = clientAddress(input, auth.proxy);
  const retryAfterSeconds = loginRetryAfterSeconds(username, source, now);
  if (retryAfterSeconds > 0) return { ok: false, reason: "rate_limited", retryAfterSeconds };
  const user = auth.users.find((u) => u.username === username);
  const valid = user
    ? await verifyPassword(password, user.passwordHash)
    : (await burnPasswordCheck(password), false);
  if (!user || !valid) {
    recordLoginFailure(username, source, now);
    return { ok: false, reason: "bad_credentials" };
  }
  clearLoginFailures(username);
  const sealed = sealSession({ u: user.username, iat: now, seen: now }, sessionSecretOf(auth));
  return {
    ok: true,
    principal: { name: user.username, role: user.role, method: "session", source },
    setCookie: sessionCookie(sealed, auth.sessionIdleMs, { secure: auth.cookieSecure }),
  };
}

export function logoutCookie(): string {
  return clearedSessionCookie({ secure: getConfig().auth.cookieSecure });
}
