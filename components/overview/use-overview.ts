"use client";

import { useQuery } from "@tanstack/react-query";
import { apiUrl, queryKeys } from "@/components/api";
import { fetchJson } from "@/lib/http/fetch-json";
import { overviewSchema, type Overview } from "@/lib/schemas/overview";

/** Polls at the sample interval: a faster poll would only re-read the same stored overview. */
export function useOverview(id: string, initialData?: Overview) {
  return useQuery({
    queryKey: queryKeys.instance(id).overview(),
    queryFn: () => fetchJson(apiUrl.instance(id).overview(), overviewSchema),
    initialData,
    refetchInterval: (query) => Math.max(1000, (query.state.data?.sampleIntervalSeconds ?? 10) * 1000),
  });
}
