"use client";

import { QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useEffect, useState, type ReactNode } from "react";
import { ApiClientError } from "@/lib/http/fetch-json";

/** A session that timed out while the page was open: back to sign-in, then here again. */
function onQueryError(err: unknown): void {
  if (!(err instanceof ApiClientError) || err.status !== 401) return;
  if (window.location.pathname === "/login") return;
  const next = `${window.location.pathname}${window.location.search}`;
  window.location.replace(`${window.location.origin}/login?next=${encodeURIComponent(next)}`);
}

export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(
    () =>
      new QueryClient({
        queryCache: new QueryCache({ onError: onQueryError }),
        defaultOptions: { queries: { staleTime: 5_000, retry: 1, refetchOnWindowFocus: true } },
      }),
  );
  // Marks the document once React owns it: end-to-end tests wait for this before clicking, since a
  // click on server-rendered HTML before hydration does nothing.
  useEffect(() => {
    document.documentElement.dataset.hydrated = "true";
  }, []);
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
