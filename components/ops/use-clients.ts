"use client";

import { useQuery } from "@tanstack/react-query";
import { apiUrl, queryKeys } from "@/components/api";
import { fetchJson } from "@/lib/http/fetch-json";
import { clientsResponseSchema } from "@/lib/schemas/ops";

export function useClients(instanceId: string) {
  return useQuery({
    queryKey: queryKeys.instance(instanceId).ops.clients(),
    queryFn: ({ signal }) =>
      fetchJson(apiUrl.instance(instanceId).clients(), clientsResponseSchema, { signal }),
    staleTime: 10_000,
    refetchInterval: 15_000,
  });
}
