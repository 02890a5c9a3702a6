"use client";

import { useQuery } from "@tanstack/react-query";
import { fetchJson } from "@/lib/http/fetch-json";
import { actionJobSchema } from "@/lib/schemas/actions";

/** A bulk action's status and progress, polled twice a second while it runs. */
export function useActionJob(jobId: string | undefined) {
  return useQuery({
    queryKey: ["action-job", jobId],
    queryFn: ({ signal }) => fetchJson(`/api/actions/${encodeURIComponent(jobId ?? "")}`, actionJobSchema, { signal }),
    enabled: jobId !== undefined,
    refetchInterval: (query) => (query.state.data?.status === "running" || !query.state.data ? 500 : false),
  });
}
