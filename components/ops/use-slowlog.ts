"use client";

import { useQuery } from "@tanstack/react-query";
import { fetchJson } from "@/lib/http/fetch-json";
import { slowlogResponseSchema } from "@/lib/schemas/ops";
import { opsUrl } from "./ops-url";

export const slowlogKey = (instanceId: string) => ["ops", instanceId, "slowlog"] as const;

/** The slow log with arguments hidden; a reveal is a separate, audited request (useRevealSlowlog). */
export function useSlowlog(instanceId: string) {
  return useQuery({
    queryKey: slowlogKey(instanceId),
    queryFn: ({ signal }) => fetchJson(opsUrl(instanceId, "slowlog"), slowlogResponseSchema, { signal }),
    staleTime: 10_000,
    refetchInterval: 30_000,
  });
}
