"use client";

import { useMutation } from "@tanstack/react-query";
import { apiUrl, postJson } from "@/components/api";
import { cacheKeyResponseSchema, type CacheKeyBody } from "@/lib/schemas/cache-key";

/** One computation: the key of a request (and of a second one to compare) and whether it exists now. */
export function useCacheKey(instanceId: string) {
  return useMutation({
    mutationFn: (body: CacheKeyBody) =>
      postJson(apiUrl.instance(instanceId).cacheKey(), body, cacheKeyResponseSchema),
  });
}
