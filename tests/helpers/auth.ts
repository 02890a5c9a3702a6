// Authenticated requests for integration tests that call route handlers directly: one known API
// token per role, configured through CONSOLE_API_TOKENS (only their SHA-256 is in the env).
import { createHash } from "node:crypto";
import { NextRequest } from "next/server";
import { resetConfigForTests } from "@/lib/config";
import type { Role } from "@/lib/policy/access";

export const TEST_TOKENS: Record<Role, string> = {
  admin: "test-token-admin-0f3c9a",
  operator: "test-token-operator-7d21be",
  viewer: "test-token-viewer-44a0c5",
};

/** The actor name each test token carries (the audit log's actor). */
export const TEST_TOKEN_NAMES: Record<Role, string> = {
  admin: "test-admin",
  operator: "test-operator",
  viewer: "test-viewer",
};

const sha256hex = (s: string) => createHash("sha256").update(s).digest("hex");

export const TEST_TOKENS_ENV = (Object.keys(TEST_TOKENS) as Role[])
  .map((role) => `${TEST_TOKEN_NAMES[role]}:${role}:${sha256hex(TEST_TOKENS[role])}`)
  .join(",");

/**
 * Makes sure the test tokens are configured. Tests often rebuild process.env; this puts the tokens
 * back (and drops the cached config) whenever they are missing, so call it freely.
 */
export function ensureTestAuth(): void {
  if (process.env.CONSOLE_API_TOKENS === TEST_TOKENS_ENV) return;
  process.env.CONSOLE_API_TOKENS = TEST_TOKENS_ENV;
  resetConfigForTests();
}

export interface AuthedRequestOptions {
  role?: Role;
  method?: string;
  /** Sent as JSON unless already a string. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** A request as a script would send it: `Authorization: Bearer <the role's test token>`. */
export function authedRequest(url: string, options: AuthedRequestOptions = {}): NextRequest {
  ensureTestAuth();
  const { role = "admin", method = "GET", body, headers = {} } = options;
  const init: ConstructorParameters<typeof NextRequest>[1] = {
    method,
    headers: {
      authorization: `Bearer ${TEST_TOKENS[role]}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
  };
  if (body !== undefined) init.body = typeof body === "string" ? body : JSON.stringify(body);
  return new NextRequest(url, init);
}
