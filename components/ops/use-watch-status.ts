"use client";

import { useQuery } from "@tanstack/react-query";
import { apiUrl, queryKeys } from "@/components/api";
import { fetchJson } from "@/lib/http/fetch-json";
import { watchStatusSchema } from "@/lib/schemas/watch";

/** The live TTL watch's state (GET /api/instances/{id}/watch), from the store: refreshed every 5 s. */
export function useWatchStatus(instanceId: string) {
  return useQuery({
    queryKey: queryKeys.instance(instanceId).watch.status(),
    queryFn: ({ signal }) => fetchJson(apiUrl.instance(instanceId).watch(), watchStatusSchema, { signal }),
    refetchInterval: 5000,
    staleTime: 4000,
  });
}
