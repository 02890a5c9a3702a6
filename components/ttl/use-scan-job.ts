"use client";

import { useQuery } from "@tanstack/react-query";
import { fetchJson } from "@/lib/http/fetch-json";
import { scanJobSchema } from "@/lib/schemas/scans";

/** One scan's status and progress, polled twice a second while it runs. */
export function useScanJob(scanId: string | undefined) {
  return useQuery({
    queryKey: ["scan", scanId],
    queryFn: ({ signal }) =>
      fetchJson(`/api/scans/${encodeURIComponent(scanId ?? "")}?lists=0`, scanJobSchema, { signal }),
    enabled: scanId !== undefined,
    refetchInterval: (query) => (query.state.data?.status === "running" || !query.state.data ? 500 : false),
  });
}
