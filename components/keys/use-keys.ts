"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { fetchJson } from "@/lib/http/fetch-json";
import { keysResponseSchema, type KeysQueryInput } from "@/lib/schemas/keys";

export type KeysListInput = Omit<KeysQueryInput, "cursor">;

export function keysUrl(instanceId: string, input: KeysQueryInput): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(input))
    if (value !== undefined && value !== "") query.set(name, String(value));
  return `/api/instances/${encodeURIComponent(instanceId)}/keys?${query}`;
}

/** Pages of keys for a match, continued with the cursor each page returns; "0" ends the iteration. */
export function useKeys(instanceId: string, input: KeysListInput, enabled = true) {
  return useInfiniteQuery({
    queryKey: ["keys", instanceId, input],
    queryFn: ({ pageParam, signal }) =>
      fetchJson(keysUrl(instanceId, { ...input, cursor: pageParam }), keysResponseSchema, { signal }),
    initialPageParam: "0",
    getNextPageParam: (last) => (last.cursor === "0" ? undefined : last.cursor),
    enabled,
    staleTime: 30_000,
    retry: 1,
  });
}
