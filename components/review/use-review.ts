"use client";

import { useQuery } from "@tanstack/react-query";
import { fetchJson } from "@/lib/http/fetch-json";
import { reviewSchema, type Review, type ReviewFormat } from "@/lib/schemas/review";

export function reviewUrl(instanceId: string, format?: ReviewFormat, download = false): string {
  const query = new URLSearchParams();
  if (format) query.set("format", format);
  if (download) query.set("download", "1");
  const qs = query.toString();
  return `/api/instances/${encodeURIComponent(instanceId)}/review${qs ? `?${qs}` : ""}`;
}

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
    queryKey: ["review", instanceId],
    queryFn: ({ signal }) => fetchJson(reviewUrl(instanceId), reviewSchema, { signal }),
    initialData,
    enabled,
    staleTime: 30_000,
    refetchInterval: 60_000,
    retry: (count, err) => !(err instanceof Error && "status" in err && err.status === 409) && count < 1,
  });
}
