"use client";

import { useQuery } from "@tanstack/react-query";
import { apiUrl, queryKeys } from "@/components/api";
import { fetchJson } from "@/lib/http/fetch-json";
import { configResponseSchema } from "@/lib/schemas/ops";

/** The provisioning checklist; settings change rarely, so once a minute is plenty. */
export function useConfigChecks(instanceId: string) {
  return useQuery({
    queryKey: queryKeys.instance(instanceId).ops.config(),
    queryFn: ({ signal }) =>
      fetchJson(apiUrl.instance(instanceId).config(), configResponseSchema, { signal }),
    staleTime: 30_000,
    refetchInterval: 60_000,
  });
}
