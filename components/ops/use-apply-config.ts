"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiUrl, postJson, queryKeys } from "@/components/api";
import { applyConfigResponseSchema } from "@/lib/schemas/ops";

export function useApplyConfig(instanceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (reason: string) =>
      postJson(
        apiUrl.instance(instanceId).applyConfig(),
        reason ? { reason } : {},
        applyConfigResponseSchema,
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.instance(instanceId).ops.config() }),
  });
}
