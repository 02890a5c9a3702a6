"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { fetchJson } from "@/lib/http/fetch-json";
import { metricsResponseSchema, type MetricsQuery } from "@/lib/schemas/metrics";

export const metricsQueryKey = (id: string, query: MetricsQuery) => ["metrics", id, query] as const;

export function useMetrics(id: string, query: MetricsQuery, pollMs: number) {
  return useQuery({
    queryKey: metricsQueryKey(id, query),
    queryFn: () =>
      fetchJson(
        `/api/instances/${encodeURIComponent(id)}/metrics?range=${query.range}`,
        metricsResponseSchema,
      ),
    refetchInterval: Math.max(1000, pollMs),
    placeholderData: keepPreviousData,
  });
}
