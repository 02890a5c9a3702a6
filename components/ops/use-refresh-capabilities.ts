"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiUrl, queryKeys } from "@/components/api";
import { fetchJson } from "@/lib/http/fetch-json";
import { capabilitiesResponseSchema } from "@/lib/schemas/capabilities";

/** Probes the Redis user again (`?refresh=1`), e.g. after an ACL change, and updates every reader. */
export function useRefreshCapabilities(instanceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      fetchJson(apiUrl.instance(instanceId).capabilities({ refresh: true }), capabilitiesResponseSchema),
    onSuccess: (data) => queryClient.setQueryData(queryKeys.instance(instanceId).ops.capabilities(), data),
  });
}
