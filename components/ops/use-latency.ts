"use client";

import { useQuery } from "@tanstack/react-query";
import { apiUrl, queryKeys } from "@/components/api";
import { fetchJson } from "@/lib/http/fetch-json";
import { latencyResponseSchema } from "@/lib/schemas/ops";

export function useLatency(instanceId: string, minutes: number) {
  return useQuery({
    queryKey: queryKeys.instance(instanceId).ops.latency(minutes),
    queryFn: ({ signal }) =>
      fetchJson(apiUrl.instance(instanceId).latency(minutes), latencyResponseSchema, { signal }),
    staleTime: 10_000,
    refetchInterval: 30_000,
  });
}
