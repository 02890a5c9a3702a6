"use client";

import { useQuery } from "@tanstack/react-query";
import { fetchJson } from "@/lib/http/fetch-json";
import { watchStatusSchema } from "@/lib/schemas/watch";
import { opsUrl } from "./ops-url";

export const watchStatusKey = (instanceId: string) => ["ops", instanceId, "watch"] as const;

/** The live TTL watch's state (GET /api/instances/{id}/watch), from the store: refreshed every 5 s. */
export function useWatchStatus(instanceId: string) {
  return useQuery({
    queryKey: watchStatusKey(instanceId),
    queryFn: ({ signal }) => fetchJson(opsUrl(instanceId, "watch"), watchStatusSchema, { signal }),
    refetchInterval: 5000,
    staleTime: 4000,
  });
}
