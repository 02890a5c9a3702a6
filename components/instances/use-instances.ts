"use client";

import { useQuery } from "@tanstack/react-query";
import { fetchJson } from "@/lib/http/fetch-json";
import { instancesResponseSchema, type InstancesResponse } from "@/lib/schemas/instances";

export const instancesQueryKey = ["instances"] as const;

export function useInstances(initialData?: InstancesResponse) {
  return useQuery({
    queryKey: instancesQueryKey,
    queryFn: () => fetchJson("/api/instances", instancesResponseSchema),
    initialData,
    refetchInterval: 5_000,
  });
}
