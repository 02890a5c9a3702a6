// Failed sign-ins are limited per user name and per client address, counted in the store, so every
// console process sharing it (replicas behind one load balancer) counts the same failures:
// MAX_FAILURES within WINDOW_MS locks that key until the oldest failure leaves the window.
import "server-only";
import { getStore } from "@/lib/store";
import { clearAllFailures, clearFailures, failuresSince, recordFailure } from "@/lib/store/login-failures";

export const MAX_FAILURES_PER_USER = 5;
export const MAX_FAILURES_PER_ADDRESS = 20;
export const WINDOW_MS = 15 * 60_000;

const keysOf = (username: string, address: string) => [
  { key: `u:${username.toLowerCase()}`, max: MAX_FAILURES_PER_USER },
  { key: `a:${address}`, max: MAX_FAILURES_PER_ADDRESS },
];

/** Seconds until another attempt is allowed, or 0 when one is allowed now. */
export async function loginRetryAfterSeconds(username: string, address: string, now = Date.now()): Promise<number> {
  let wait = 0;
  for (const { key, max } of keysOf(username, address)) {
    const list = await failuresSince(getStore(), key, now - WINDOW_MS + 1);
    if (list.length >= max)
      wait = Math.max(wait, Math.ceil(((list[list.length - max] ?? now) + WINDOW_MS - now) / 1000));
  }
  return wait;
}

export async function recordLoginFailure(username: string, address: string, now = Date.now()): Promise<void> {
  await recordFailure(
    getStore(),
    keysOf(username, address).map((k) => k.key),
    now,
    now - WINDOW_MS,
  );
}

export async function clearLoginFailures(username: string): Promise<void> {
  await clearFailures(getStore(), `u:${username.toLowerCase()}`);
}

/** Tests only. */
export async function resetLoginFailuresForTests(): Promise<void> {
  await clearAllFailures(getStore());
}
