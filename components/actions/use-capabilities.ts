"use client";

import { useQuery } from "@tanstack/react-query";
import { apiUrl, queryKeys } from "@/components/api";
import { fetchJson } from "@/lib/http/fetch-json";
import { capabilitiesResponseSchema } from "@/lib/schemas/capabilities";

/**
 * What the instance's Redis user may do (GET /api/instances/{id}/capabilities). The server caches
 * its probe for a few minutes; `enabled: false` keeps pages that do not need it from asking.
 */
export function useCapabilities(
  instanceId: string | undefined,
  { enabled = true }: { enabled?: boolean } = {},
) {
  return useQuery({
    queryKey: queryKeys.instance(instanceId ?? "").ops.capabilities(),
    queryFn: ({ signal }) =>
      fetchJson(apiUrl.instance(instanceId ?? "").capabilities(), capabilitiesResponseSchema, { signal }),
    enabled: enabled && instanceId !== undefined,
    staleTime: 60_000,
    retry: 1,
  });
}
