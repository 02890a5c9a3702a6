"use client";

import { useQuery } from "@tanstack/react-query";
import { apiUrl, queryKeys } from "@/components/api";
import { fetchJson } from "@/lib/http/fetch-json";
import { runningWorkSchema } from "@/lib/schemas/scans";

/** The instance's running scans and bulk jobs, whoever started them: polled, faster while something runs. */
export function useRunningWork(instanceId: string) {
  return useQuery({
    queryKey: queryKeys.instance(instanceId).scans.running(),
    queryFn: ({ signal }) =>
      fetchJson(apiUrl.instance(instanceId).runningWork(), runningWorkSchema, { signal }),
    refetchInterval: (query) => {
      const data = query.state.data;
      return data && (data.jobs.length > 0 || data.scans.length > 0) ? 1000 : 10_000;
    },
  });
}
