"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { apiUrl, queryKeys } from "@/components/api";
import { fetchJson } from "@/lib/http/fetch-json";
import { keysResponseSchema, type KeysQueryInput } from "@/lib/schemas/keys";

export type KeysListInput = Omit<KeysQueryInput, "cursor">;

/** Pages of keys for a match, continued with the cursor each page returns; "0" ends the iteration. */
export function useKeys(instanceId: string, input: KeysListInput, enabled = true) {
  return useInfiniteQuery({
    queryKey: queryKeys.instance(instanceId).keys.list(input),
    queryFn: ({ pageParam, signal }) =>
      fetchJson(apiUrl.instance(instanceId).keys({ ...input, cursor: pageParam }), keysResponseSchema, {
        signal,
      }),
    initialPageParam: "0",
    getNextPageParam: (last) => (last.cursor === "0" ? undefined : last.cursor),
    enabled,
    staleTime: 30_000,
    retry: 1,
  });
}
