"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { fetchJson } from "@/lib/http/fetch-json";
import { AUDIT_PAGE, auditResponseSchema, type AuditQueryInput, type AuditResponse } from "@/lib/schemas/audit";

export type AuditFilters = Pick<AuditQueryInput, "instance" | "actor" | "action" | "outcome" | "since">;

/** The query string of a filter set (empty fields left out); also used by the CSV link. */
export function auditSearch(filters: AuditFilters, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (typeof v === "string" && v !== "") q.set(k, v);
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  return q.toString();
}

/** Audit entries newest first, 100 a page, "load more" pages back by id; refreshed every 5 s. */
export function useAudit(filters: AuditFilters, initial?: AuditResponse) {
  return useInfiniteQuery({
    queryKey: ["audit", filters],
    queryFn: ({ pageParam, signal }) =>
      fetchJson(
        `/api/audit?${auditSearch(filters, { limit: String(AUDIT_PAGE), ...(pageParam ? { before: String(pageParam) } : {}) })}`,
        auditResponseSchema,
        { signal },
      ),
    initialPageParam: 0,
    getNextPageParam: (last) => (last.entries.length < AUDIT_PAGE ? undefined : last.entries.at(-1)?.id),
    initialData: initial ? { pages: [initial], pageParams: [0] } : undefined,
    refetchInterval: 5_000,
  });
}
