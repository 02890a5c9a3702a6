"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { apiUrl, queryKeys } from "@/components/api";
import { fetchJson } from "@/lib/http/fetch-json";
import { AUDIT_PAGE, auditResponseSchema, type AuditQueryInput, type AuditResponse } from "@/lib/schemas/audit";

export type AuditFilters = Pick<AuditQueryInput, "instance" | "actor" | "action" | "outcome" | "since">;

/** Audit entries newest first, 100 a page, "load more" pages back by id; refreshed every 5 s. */
export function useAudit(filters: AuditFilters, initial?: AuditResponse) {
  return useInfiniteQuery({
    queryKey: queryKeys.audit.list(filters),
    queryFn: ({ pageParam, signal }) =>
      fetchJson(
        apiUrl.audit({ ...filters, limit: AUDIT_PAGE, before: pageParam || undefined }),
        auditResponseSchema,
        { signal },
      ),
    initialPageParam: 0,
    getNextPageParam: (last) => (last.entries.length < AUDIT_PAGE ? undefined : last.entries.at(-1)?.id),
    initialData: initial ? { pages: [initial], pageParams: [0] } : undefined,
    refetchInterval: 5_000,
  });
}
