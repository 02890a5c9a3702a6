"use client";

import { useQuery } from "@tanstack/react-query";
import { apiUrl, queryKeys } from "@/components/api";
import { fetchJson } from "@/lib/http/fetch-json";
import { instancesResponseSchema, type InstancesResponse } from "@/lib/schemas/instances";

export function useInstances(initialData?: InstancesResponse) {
  return useQuery({
    queryKey: queryKeys.instances(),
    queryFn: () => fetchJson(apiUrl.instances(), instancesResponseSchema),
    initialData,
    refetchInterval: 5_000,
  });
}
