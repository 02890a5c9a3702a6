"use client";

import { useQuery } from "@tanstack/react-query";
import { fetchJson } from "@/lib/http/fetch-json";
import { clientsResponseSchema } from "@/lib/schemas/ops";
import { opsUrl } from "./ops-url";

export function useClients(instanceId: string) {
  return useQuery({
    queryKey: ["ops", instanceId, "clients"] as const,
    queryFn: ({ signal }) => fetchJson(opsUrl(instanceId, "clients"), clientsResponseSchema, { signal }),
    staleTime: 10_000,
    refetchInterval: 15_000,
  });
}
