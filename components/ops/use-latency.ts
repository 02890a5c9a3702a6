"use client";

import { useQuery } from "@tanstack/react-query";
import { fetchJson } from "@/lib/http/fetch-json";
import { latencyResponseSchema } from "@/lib/schemas/ops";
import { opsUrl } from "./ops-url";

export function useLatency(instanceId: string, minutes: number) {
  return useQuery({
    queryKey: ["ops", instanceId, "latency", { minutes }] as const,
    queryFn: ({ signal }) =>
      fetchJson(opsUrl(instanceId, "latency", { minutes }), latencyResponseSchema, { signal }),
    staleTime: 10_000,
    refetchInterval: 30_000,
  });
}
