"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { fetchJson } from "@/lib/http/fetch-json";
import { applyConfigResponseSchema } from "@/lib/schemas/ops";
import { opsUrl } from "./ops-url";
import { configChecksKey } from "./use-config-checks";

export function useApplyConfig(instanceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (reason: string) =>
      fetchJson(opsUrl(instanceId, "config/apply"), applyConfigResponseSchema, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(reason ? { reason } : {}),
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: configChecksKey(instanceId) }),
  });
}
