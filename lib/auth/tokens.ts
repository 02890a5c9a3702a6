// API tokens for scripts and Prometheus: only the SHA-256 of each token is configured
// (CONSOLE_API_TOKENS="name:role:sha256hex,..."); the token's name is the actor.
import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import type { ApiTokenEntry } from "@/lib/config/auth";

export function sha256(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}

/** The entry whose hash matches; compares against every entry in constant time per entry. */
export function matchToken(token: string, entries: readonly ApiTokenEntry[]): ApiTokenEntry | undefined {
  const digest = sha256(token);
  let found: ApiTokenEntry | undefined;
  for (const entry of entries) {
    if (timingSafeEqual(digest, entry.sha256) && found === undefined) found = entry;
  }
  return found;
}
