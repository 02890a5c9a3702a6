"use client";

import { useQuery } from "@tanstack/react-query";
import { apiUrl, queryKeys } from "@/components/api";
import { useHydrated } from "@/components/ui/use-hydrated";
import { ApiClientError, fetchJson } from "@/lib/http/fetch-json";
import type { Permission } from "@/lib/policy/access";
import { meResponseSchema } from "@/lib/schemas/auth";

/** The signed-in caller (null when signed out). The UI hides what the role may not do; the server still checks. */
export function useMe() {
  return useQuery({
    queryKey: queryKeys.me(),
    queryFn: async () => {
      try {
        return await fetchJson(apiUrl.me(), meResponseSchema);
      } catch (err) {
        if (err instanceof ApiClientError && err.status === 401) return null;
        throw err;
      }
    },
    staleTime: 60_000,
  });
}

/**
 * True when the signed-in caller's role grants the permission; false while loading or signed out,
 * and while hydrating: a page section hydrated after the caller was fetched must first render what
 * the server rendered (no caller), or React throws a hydration mismatch (#418).
 */
export function useCan(permission: Permission): boolean {
  const { data } = useMe();
  const hydrated = useHydrated();
  return hydrated && (data?.permissions.includes(permission) ?? false);
}
