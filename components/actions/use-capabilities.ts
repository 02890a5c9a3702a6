"use client";

import { useQuery } from "@tanstack/react-query";
import { fetchJson } from "@/lib/http/fetch-json";
import { capabilitiesResponseSchema } from "@/lib/schemas/capabilities";
import { opsUrl } from "./ops-url";

export const capabilitiesKey = (instanceId: string) => ["ops", instanceId, "capabilities"] as const;

/**
 * What the instance's Redis user may do (GET /api/instances/{id}/capabilities). The server caches
 * its probe for a few minutes; `enabled: false` keeps pages that do not need it from asking.
 */
export function useCapabilities(
  instanceId: string | undefined,
  { enabled = true }: { enabled?: boolean } = {},
) {
  return useQuery({
    queryKey: capabilitiesKey(instanceId ?? ""),
    queryFn: ({ signal }) =>
      fetchJson(opsUrl(instanceId ?? "", "capabilities"), capabilitiesResponseSchema, { signal }),
    enabled: enabled && instanceId !== undefined,
    staleTime: 60_000,
    retry: 1,
  });
}
