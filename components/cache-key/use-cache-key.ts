"use client";

import { useMutation } from "@tanstack/react-query";
import { fetchJson } from "@/lib/http/fetch-json";
import { cacheKeyResponseSchema, type CacheKeyBody } from "@/lib/schemas/cache-key";
import { cacheKeyApiUrl } from "./cache-key-url";

/** One computation: the key of a request (and of a second one to compare) and whether it exists now. */
export function useCacheKey(instanceId: string) {
  return useMutation({
    mutationFn: (body: CacheKeyBody) =>
      fetchJson(cacheKeyApiUrl(instanceId), cacheKeyResponseSchema, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
  });
}
