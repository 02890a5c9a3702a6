// What the latest finished scan says about a key search: how many keys match a plain prefix
// match ("isl:result:*"), from the counts the tree uses. Pure; nothing for a match it cannot answer.
import { formatCount } from "@/lib/format";
import { literalPrefix } from "./glob";
import type { ScanCounts } from "./prefix-tree";

/** "10:42 UTC" from the scan's "2026-11-29 10:42:05 UTC"; the text as it is when not of that shape. */
export function scanClock(finishedAt: string): string {
  const m = /(\d{2}:\d{2}):\d{2} UTC$/.exec(finishedAt);
  return m?.[1] ? `${m[1]} UTC` : finishedAt;
}

/**
 * Keys the scan counted under the searched prefix, or undefined: the match is not a plain prefix,
 * a type filter is on (the scan counts no prefix by type), or the scan has no count for that prefix
 * (outside its match, or past the prefixes it reported).
 */
export function scanMatchCount(
  counts: ScanCounts | undefined,
  match: string,
  type: string | undefined,
): number | undefined {
  if (!counts || type) return undefined;
  const prefix = literalPrefix(match);
  if (prefix === undefined) return undefined;
  return counts.byPrefix[prefix];
}

/** "about 151 keys match (scan of 10:42 UTC)", or undefined when the scan cannot say. */
export function scanMatchText(
  counts: ScanCounts | undefined,
  match: string,
  type: string | undefined,
): string | undefined {
  const n = scanMatchCount(counts, match, type);
  if (n === undefined || !counts) return undefined;
  return `about ${formatCount(n)} ${n === 1 ? "key matches" : "keys match"} (scan of ${scanClock(counts.finishedAt)})`;
}
