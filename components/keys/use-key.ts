"use client";

import { useQuery } from "@tanstack/react-query";
import { fetchJson } from "@/lib/http/fetch-json";
import { keyDetailResponseSchema, type KeyDetailQuery } from "@/lib/schemas/keys";

/** One key with its value; `from` pages through large collections. */
export function useKey(
  instanceId: string,
  keyBase64url: string | undefined,
  input: Partial<KeyDetailQuery> = {},
) {
  return useQuery({
    queryKey: ["key", instanceId, keyBase64url, input],
    queryFn: ({ signal }) => {
      const query = new URLSearchParams();
      if (input.from) query.set("from", input.from);
      if (input.limit) query.set("limit", String(input.limit));
      const url = `/api/instances/${encodeURIComponent(instanceId)}/keys/${keyBase64url}?${query}`;
      return fetchJson(url, keyDetailResponseSchema, { signal });
    },
    enabled: keyBase64url !== undefined,
    retry: (count, err) => count < 1 && !("status" in err && (err.status === 404 || err.status === 400)),
  });
}
