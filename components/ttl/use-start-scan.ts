"use client";

import { useMutation } from "@tanstack/react-query";
import { apiUrl, postJson } from "@/components/api";
import { ApiClientError, fetchJson } from "@/lib/http/fetch-json";
import { scanListResponseSchema, startScanResponseSchema, type ScanMode } from "@/lib/schemas/scans";

/**
 * Starts a scan and answers its id. When one is already running (409: a scheduled scan, or
 * someone else's), answers that one's id so the page follows it instead of failing.
 */
export function useStartScan(instanceId: string) {
  const urls = apiUrl.instance(instanceId);
  return useMutation({
    mutationFn: async (mode: ScanMode): Promise<string> => {
      try {
        const { id } = await postJson(urls.scans(), { mode }, startScanResponseSchema);
        return id;
      } catch (err) {
        if (!(err instanceof ApiClientError) || err.status !== 409) throw err;
        const { scans } = await fetchJson(urls.scans({ limit: 1 }), scanListResponseSchema);
        const running = scans.find((s) => s.status === "running");
        if (!running) throw err;
        return running.id;
      }
    },
  });
}
