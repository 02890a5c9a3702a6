// Browser-side fetch for the console's own JSON API: validates the answer with the same schema
// the route handler uses, and turns `{ error: { code, message } }` into a thrown ApiClientError.
import type { z } from "zod";

export class ApiClientError extends Error {
  override name = "ApiClientError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Set when the page is being left for good (signing out): no request leaves it after that. */
let stopped = false;

/**
 * Stops every later request of this page: they stay pending, never sent, until the page is gone.
 * Signing out calls it once its own request is on its way, so a refetch in the moment before the
 * sign-in page replaces this one cannot come back 401 (and be logged) for a session just ended.
 */
export function stopRequests(): void {
  stopped = true;
}

export async function fetchJson<S extends z.ZodType>(
  url: string,
  schema: S,
  init?: RequestInit,
): Promise<z.infer<S>> {
  if (stopped) return new Promise<never>(() => undefined);
  const res = await fetch(url, { ...init, headers: { accept: "application/json", ...init?.headers } });
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    throw new ApiClientError(res.status, "bad_response", `${url} answered ${res.status} without JSON`);
  }
  if (!res.ok) {
    const err = (body as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiClientError(
      res.status,
      err?.code ?? "error",
      err?.message ?? `${url} answered ${res.status}`,
    );
  }
  return schema.parse(body);
}
