"use client";

import { useQuery } from "@tanstack/react-query";
import { apiUrl, queryKeys } from "@/components/api";
import { fetchJson } from "@/lib/http/fetch-json";
import { reviewSchema, type Review } from "@/lib/schemas/review";

/**
 * The review of the latest finished scan; a 409 means there is no scan yet (the empty state).
 * `enabled: false` when the caller already knows there is none (no request, no logged 409).
 */
export function useReview(
  instanceId: string,
  initialData?: Review,
  { enabled = true }: { enabled?: boolean } = {},
) {
  return useQuery({
    queryKey: queryKeys.instance(instanceId).review(),
    queryFn: ({ signal }) => fetchJson(apiUrl.instance(instanceId).review(), reviewSchema, { signal }),
    initialData,
    enabled,
    staleTime: 30_000,
    refetchInterval: 60_000,
    retry: (count, err) => !(err instanceof Error && "status" in err && err.status === 409) && count < 1,
  });
}
