"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { fetchJson } from "@/lib/http/fetch-json";
import { watchFindingsResponseSchema, type WatchFindingClass } from "@/lib/schemas/watch";

export function watchFindingsUrl(instanceId: string, cls: WatchFindingClass, limit = 200): string {
  return `/api/instances/${encodeURIComponent(instanceId)}/watch/findings?${new URLSearchParams({ class: cls, limit: String(limit) })}`;
}

/** The keys the live TTL watch holds now in one class, newest first; refreshed every 5 s. */
export function useWatchFindings(instanceId: string, cls: WatchFindingClass | undefined) {
  return useQuery({
    queryKey: ["watch-findings", instanceId, cls],
    queryFn: ({ signal }) =>
      fetchJson(watchFindingsUrl(instanceId, cls ?? "noTtl"), watchFindingsResponseSchema, { signal }),
    enabled: cls !== undefined,
    refetchInterval: 5000,
    placeholderData: keepPreviousData,
  });
}
