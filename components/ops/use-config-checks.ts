"use client";

import { useQuery } from "@tanstack/react-query";
import { fetchJson } from "@/lib/http/fetch-json";
import { configResponseSchema } from "@/lib/schemas/ops";
import { opsUrl } from "./ops-url";

export const configChecksKey = (instanceId: string) => ["ops", instanceId, "config"] as const;

/** The provisioning checklist; settings change rarely, so once a minute is plenty. */
export function useConfigChecks(instanceId: string) {
  return useQuery({
    queryKey: configChecksKey(instanceId),
    queryFn: ({ signal }) => fetchJson(opsUrl(instanceId, "config"), configResponseSchema, { signal }),
    staleTime: 30_000,
    refetchInterval: 60_000,
  });
}
