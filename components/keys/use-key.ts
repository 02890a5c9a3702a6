"use client";

import { useQuery } from "@tanstack/react-query";
import { apiUrl, queryKeys } from "@/components/api";
import { fetchJson } from "@/lib/http/fetch-json";
import { keyDetailResponseSchema, type KeyDetailQuery } from "@/lib/schemas/keys";

/** One key with its value; `from` pages through large collections. */
export function useKey(
  instanceId: string,
  keyBase64url: string | undefined,
  input: Partial<KeyDetailQuery> = {},
) {
  return useQuery({
    queryKey: queryKeys.instance(instanceId).keys.detail(keyBase64url, input),
    queryFn: ({ signal }) =>
      fetchJson(apiUrl.instance(instanceId).key(keyBase64url ?? "", input), keyDetailResponseSchema, {
        signal,
      }),
    enabled: keyBase64url !== undefined,
    retry: (count, err) => count < 1 && !("status" in err && (err.status === 404 || err.status === 400)),
  });
}
