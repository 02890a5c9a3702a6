"use client";

import { useMutation } from "@tanstack/react-query";
import { apiUrl } from "@/components/api";
import { fetchJson } from "@/lib/http/fetch-json";
import { slowlogResponseSchema } from "@/lib/schemas/ops";

/** One audited read of the slow log with its arguments (admins); never polled. */
export function useRevealSlowlog(instanceId: string) {
  return useMutation({
    mutationFn: () => fetchJson(apiUrl.instance(instanceId).slowlog({ reveal: true }), slowlogResponseSchema),
  });
}
