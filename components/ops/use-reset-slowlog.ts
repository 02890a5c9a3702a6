"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { fetchJson } from "@/lib/http/fetch-json";
import { resetSlowlogResponseSchema } from "@/lib/schemas/ops";
import { opsUrl } from "./ops-url";
import { slowlogKey } from "./use-slowlog";

export function useResetSlowlog(instanceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (reason: string) =>
      fetchJson(opsUrl(instanceId, "slowlog/reset"), resetSlowlogResponseSchema, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(reason ? { reason } : {}),
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: slowlogKey(instanceId) }),
  });
}
