"use client";

import { useQuery } from "@tanstack/react-query";
import { apiUrl, queryKeys } from "@/components/api";
import { fetchJson } from "@/lib/http/fetch-json";
import { scanJobSchema } from "@/lib/schemas/scans";

/** One scan's status and progress, polled twice a second while it runs. */
export function useScanJob(instanceId: string, scanId: string | undefined) {
  return useQuery({
    queryKey: queryKeys.instance(instanceId).scans.job(scanId),
    queryFn: ({ signal }) => fetchJson(apiUrl.scan(scanId ?? ""), scanJobSchema, { signal }),
    enabled: scanId !== undefined,
    refetchInterval: (query) => (query.state.data?.status === "running" || !query.state.data ? 500 : false),
  });
}
