"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiUrl, postJson, queryKeys } from "@/components/api";
import { resetSlowlogResponseSchema } from "@/lib/schemas/ops";

export function useResetSlowlog(instanceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (reason: string) =>
      postJson(
        apiUrl.instance(instanceId).resetSlowlog(),
        reason ? { reason } : {},
        resetSlowlogResponseSchema,
      ),
    onSuccess: () =>
      queryClient.invalidateQueries({ queryKey: queryKeys.instance(instanceId).ops.slowlog() }),
  });
}
