// Failed sign-ins are limited per user name and per client address (in memory, per process):
// MAX_FAILURES within WINDOW_MS locks that key until the oldest failure leaves the window.
import "server-only";

export const MAX_FAILURES_PER_USER = 5;
export const MAX_FAILURES_PER_ADDRESS = 20;
export const WINDOW_MS = 15 * 60_000;

const STATE = Symbol.for("isl-console.login-failures");

function failures(): Map<string, number[]> {
  const g = globalThis as { [STATE]?: Map<string, number[]> };
  g[STATE] ??= new Map();
  return g[STATE];
}

function recent(key: string, now: number): number[] {
  const list = (failures().get(key) ?? []).filter((t) => now - t < WINDOW_MS);
  if (list.length === 0) failures().delete(key);
  else failures().set(key, list);
  return list;
}

const keysOf = (username: string, address: string) => [
  { key: `u:${username.toLowerCase()}`, max: MAX_FAILURES_PER_USER },
  { key: `a:${address}`, max: MAX_FAILURES_PER_ADDRESS },
];

/** Seconds until another attempt is allowed, or 0 when one is allowed now. */
export function loginRetryAfterSeconds(username: string, address: string, now = Date.now()): number {
  let wait = 0;
  for (const { key, max } of keysOf(username, address)) {
    const list = recent(key, now);
    if (list.length >= max)
      wait = Math.max(wait, Math.ceil(((list[list.length - max] ?? now) + WINDOW_MS - now) / 1000));
  }
  return wait;
}

export function recordLoginFailure(username: string, address: string, now = Date.now()): void {
  if (failures().size > 10_000) failures().clear(); // a flood of random names must not grow memory forever
  for (const { key } of keysOf(username, address)) failures().set(key, [...recent(key, now), now]);
}

export function clearLoginFailures(username: string): void {
  failures().delete(`u:${username.toLowerCase()}`);
}

/** Tests only. */
export function resetLoginFailuresForTests(): void {
  failures().clear();
}
