"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { fetchJson } from "@/lib/http/fetch-json";
import { scanKeysResponseSchema, type ScanKeysQueryInput, type ScanKeysResponse } from "@/lib/schemas/scans";

export function scanKeysUrl(scanId: string, input: ScanKeysQueryInput): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(input))
    if (value !== undefined && value !== "") query.set(name, String(value));
  return `/api/scans/${encodeURIComponent(scanId)}/keys?${query}`;
}

/** One page of one of a scan's key lists. */
export function useScanKeys(
  scanId: string | undefined,
  input: ScanKeysQueryInput,
  initialData?: ScanKeysResponse,
) {
  return useQuery({
    queryKey: ["scan-keys", scanId, input],
    queryFn: ({ signal }) => fetchJson(scanKeysUrl(scanId ?? "", input), scanKeysResponseSchema, { signal }),
    enabled: scanId !== undefined,
    initialData: initialData && initialData.scanId === scanId ? initialData : undefined,
    placeholderData: keepPreviousData,
    staleTime: Infinity,
  });
}
