"use client";

import { useQuery } from "@tanstack/react-query";
import { fetchJson } from "@/lib/http/fetch-json";
import { overviewSchema, type Overview } from "@/lib/schemas/overview";

export const overviewQueryKey = (id: string) => ["overview", id] as const;

/** Polls at the sample interval: a faster poll would only re-read the same stored overview. */
export function useOverview(id: string, initialData?: Overview) {
  return useQuery({
    queryKey: overviewQueryKey(id),
    queryFn: () => fetchJson(`/api/instances/${encodeURIComponent(id)}/overview`, overviewSchema),
    initialData,
    refetchInterval: (query) => Math.max(1000, (query.state.data?.sampleIntervalSeconds ?? 10) * 1000),
  });
}
