"use client";

import { useQuery } from "@tanstack/react-query";
import { apiUrl, queryKeys } from "@/components/api";
import { fetchJson } from "@/lib/http/fetch-json";
import { slowlogResponseSchema } from "@/lib/schemas/ops";

/** The slow log with arguments hidden; a reveal is a separate, audited request (useRevealSlowlog). */
export function useSlowlog(instanceId: string) {
  return useQuery({
    queryKey: queryKeys.instance(instanceId).ops.slowlog(),
    queryFn: ({ signal }) =>
      fetchJson(apiUrl.instance(instanceId).slowlog(), slowlogResponseSchema, { signal }),
    staleTime: 10_000,
    refetchInterval: 30_000,
  });
}
