// Paging and filtering of a stored scan's key lists (the TTL page, GET /api/scans/{id}/keys). Pure.
import type { ScanKeysQuery, ScanKeysResponse, ScanResult } from "@/lib/schemas/scans";

export function pageScanList(scanId: string, result: ScanResult, query: ScanKeysQuery): ScanKeysResponse {
  const stored = result.lists[query.list];
  const needle = query.q?.trim().toLowerCase() ?? "";
  const pattern = query.pattern === undefined || query.pattern === "" ? undefined : query.pattern;
  const matching = stored.filter(
    (e) =>
      (pattern === undefined || (pattern === "none" ? e.pattern === null : e.pattern === pattern)) &&
      (needle === "" || e.key.toLowerCase().includes(needle)),
  );
  return {
    scanId,
    list: query.list,
    entries: matching.slice(query.offset, query.offset + query.limit),
    matched: matching.length,
    stored: stored.length,
    total: result.listTotals[query.list],
    offset: query.offset,
    limit: query.limit,
  };
}

/** The result without its lists (list totals stay): what the TTL page's header needs. */
export function withoutLists(result: ScanResult): ScanResult {
  return {
    ...result,
    lists: { noTtl: [], aboveStandard: [], unknownPattern: [], foreign: [], possiblePii: [], unknown: [] },
  };
}
