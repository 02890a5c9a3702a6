"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { fetchJson } from "@/lib/http/fetch-json";
import { capabilitiesResponseSchema } from "@/lib/schemas/capabilities";
import { opsUrl } from "./ops-url";
import { capabilitiesKey } from "./use-capabilities";

/** Probes the Redis user again (`?refresh=1`), e.g. after an ACL change, and updates every reader. */
export function useRefreshCapabilities(instanceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      fetchJson(opsUrl(instanceId, "capabilities", { refresh: 1 }), capabilitiesResponseSchema),
    onSuccess: (data) => queryClient.setQueryData(capabilitiesKey(instanceId), data),
  });
}
