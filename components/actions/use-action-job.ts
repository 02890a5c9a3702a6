"use client";

import { useQuery } from "@tanstack/react-query";
import { apiUrl, queryKeys } from "@/components/api";
import { fetchJson } from "@/lib/http/fetch-json";
import { actionJobSchema } from "@/lib/schemas/actions";

/** A bulk action's status and progress, polled twice a second while it runs. */
export function useActionJob(instanceId: string, jobId: string | undefined) {
  return useQuery({
    queryKey: queryKeys.instance(instanceId).actionJob(jobId),
    queryFn: ({ signal }) => fetchJson(apiUrl.actionJob(jobId ?? ""), actionJobSchema, { signal }),
    enabled: jobId !== undefined,
    refetchInterval: (query) => (query.state.data?.status === "running" || !query.state.data ? 500 : false),
  });
}
