"use client";

import { useMutation } from "@tanstack/react-query";
import { ApiClientError, fetchJson } from "@/lib/http/fetch-json";
import { scanListResponseSchema, startScanResponseSchema, type ScanMode } from "@/lib/schemas/scans";

/**
 * Starts a scan and answers its id. When one is already running (409: a scheduled scan, or
 * someone else's), answers that one's id so the page follows it instead of failing.
 */
export function useStartScan(instanceId: string) {
  const base = `/api/instances/${encodeURIComponent(instanceId)}/scans`;
  return useMutation({
    mutationFn: async (mode: ScanMode): Promise<string> => {
      try {
        const { id } = await fetchJson(base, startScanResponseSchema, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ mode }),
        });
        return id;
      } catch (err) {
        if (!(err instanceof ApiClientError) || err.status !== 409) throw err;
        const { scans } = await fetchJson(`${base}?limit=1`, scanListResponseSchema);
        const running = scans.find((s) => s.status === "running");
        if (!running) throw err;
        return running.id;
      }
    },
  });
}
