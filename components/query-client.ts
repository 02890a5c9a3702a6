// The console's react-query client: its defaults, and what happens when the session ends while a
// page is open.
import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import { ApiClientError, stopRequests } from "@/lib/http/fetch-json";

type Here = Pick<Location, "origin" | "pathname" | "search">;

/**
 * Where a caller whose session timed out while the page was open goes: sign-in, then back here.
 * Undefined when `err` is not a 401, or on the sign-in page itself (a wrong password is its own 401).
 */
export function signInAgainUrl(err: unknown, here: Here): string | undefined {
  if (!(err instanceof ApiClientError) || err.status !== 401) return undefined;
  if (here.pathname === "/login") return undefined;
  return `${here.origin}/login?next=${encodeURIComponent(`${here.pathname}${here.search}`)}`;
}

function signInAgain(err: unknown): void {
  const url = signInAgainUrl(err, window.location);
  if (!url) return;
  // The session is over: the page's other queries would only come back 401 too.
  stopRequests();
  window.location.replace(url);
}

/** A 401 on a read (query) or on a write (mutation) alike signs the caller out. */
export function newQueryClient(onError: (err: unknown) => void = signInAgain): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: { queries: { staleTime: 5_000, retry: 1, refetchOnWindowFocus: true } },
  });
}
