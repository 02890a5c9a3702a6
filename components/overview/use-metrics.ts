"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { apiUrl, queryKeys } from "@/components/api";
import { fetchJson } from "@/lib/http/fetch-json";
import { metricsResponseSchema, type MetricsQuery } from "@/lib/schemas/metrics";

export function useMetrics(id: string, query: MetricsQuery, pollMs: number) {
  return useQuery({
    queryKey: queryKeys.instance(id).metrics(query),
    queryFn: () => fetchJson(apiUrl.instance(id).metrics(query), metricsResponseSchema),
    refetchInterval: Math.max(1000, pollMs),
    placeholderData: keepPreviousData,
  });
}
