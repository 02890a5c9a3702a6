"use client";

import { useQuery } from "@tanstack/react-query";
import { apiUrl, queryKeys, type LatestScanStatus } from "@/components/api";
import { ApiClientError, fetchJson } from "@/lib/http/fetch-json";
import { scanJobSchema, type ScanJob } from "@/lib/schemas/scans";

/**
 * The newest done scan without its lists (`status` "any": the newest finished scan, failed or
 * cancelled too); null before the first scan (the API's 404).
 */
export function useLatestScan(
  instanceId: string,
  initialData: ScanJob | null,
  status: LatestScanStatus = "done",
) {
  return useQuery({
    queryKey: queryKeys.instance(instanceId).scans.latest(status),
    queryFn: async ({ signal }) => {
      try {
        return await fetchJson(apiUrl.instance(instanceId).latestScan(status), scanJobSchema, { signal });
      } catch (err) {
        if (err instanceof ApiClientError && err.status === 404) return null;
        throw err;
      }
    },
    initialData,
    staleTime: 30_000,
    refetchInterval: 60_000,
  });
}
