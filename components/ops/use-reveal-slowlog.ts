"use client";

import { useMutation } from "@tanstack/react-query";
import { fetchJson } from "@/lib/http/fetch-json";
import { slowlogResponseSchema } from "@/lib/schemas/ops";
import { opsUrl } from "./ops-url";

/** One audited read of the slow log with its arguments (admins); never polled. */
export function useRevealSlowlog(instanceId: string) {
  return useMutation({
    mutationFn: () => fetchJson(opsUrl(instanceId, "slowlog", { reveal: 1 }), slowlogResponseSchema),
  });
}
