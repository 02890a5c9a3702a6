"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { apiUrl, queryKeys } from "@/components/api";
import { fetchJson } from "@/lib/http/fetch-json";
import { scanKeysResponseSchema, type ScanKeysQueryInput, type ScanKeysResponse } from "@/lib/schemas/scans";

/** One page of one of a scan's key lists. */
export function useScanKeys(
  instanceId: string,
  scanId: string | undefined,
  input: ScanKeysQueryInput,
  initialData?: ScanKeysResponse,
) {
  return useQuery({
    queryKey: queryKeys.instance(instanceId).scans.list(scanId, input),
    queryFn: ({ signal }) =>
      fetchJson(apiUrl.scanKeys(scanId ?? "", input), scanKeysResponseSchema, { signal }),
    enabled: scanId !== undefined,
    initialData: initialData && initialData.scanId === scanId ? initialData : undefined,
    placeholderData: keepPreviousData,
    staleTime: Infinity,
  });
}
