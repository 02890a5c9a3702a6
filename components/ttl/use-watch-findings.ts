"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { apiUrl, queryKeys } from "@/components/api";
import { fetchJson } from "@/lib/http/fetch-json";
import { watchFindingsResponseSchema, type WatchFindingClass } from "@/lib/schemas/watch";

/** The keys the live TTL watch holds now in one class, newest first; refreshed every 5 s. */
export function useWatchFindings(instanceId: string, cls: WatchFindingClass | undefined) {
  return useQuery({
    queryKey: queryKeys.instance(instanceId).watch.findings(cls),
    queryFn: ({ signal }) =>
      fetchJson(apiUrl.instance(instanceId).watchFindings(cls ?? "noTtl"), watchFindingsResponseSchema, {
        signal,
      }),
    enabled: cls !== undefined,
    refetchInterval: 5000,
    placeholderData: keepPreviousData,
  });
}
