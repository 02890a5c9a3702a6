// Joins the live watch's findings to a finished scan's lists and counts (GET .../scans/latest).
// Pure: result and findings in, merged copy out. A finding joins its list at the top with
// `source: "watch"` and the time seen, and the list total, the class count and the pattern's count
// follow. A key the scan already lists in that class is not counted twice; a key the scan listed in
// the other TTL class (above standard, then persisted) moves. Keys past a capped list's stored
// entries cannot be told apart: such a key may be counted twice until the next scan.
import type { ScanKeyEntry, ScanResult } from "@/lib/schemas/scans";
import { SCAN_LIST_CAP } from "@/lib/schemas/scans";
import type { WatchFinding, WatchFindingClass } from "@/lib/schemas/watch";

export interface MergedFindings {
  result: ScanResult;
  added: Record<WatchFindingClass, number>;
  /** ISO time of the newest finding merged, when any. */
  lastSeenAt?: string;
}

const CLASSES: WatchFindingClass[] = ["noTtl", "aboveStandard"];

/** A finding as a list entry (the lists' rows and actions take list entries). */
export function entryOf(f: WatchFinding): ScanKeyEntry {
  return {
    key: f.key,
    keyBase64: f.keyBase64,
    type: f.type,
    ttl: f.ttl,
    bytes: null,
    pattern: f.pattern,
    source: "watch",
    seenAt: f.seenAt,
    event: f.event,
  };
}

function bump(result: ScanResult, list: WatchFindingClass, pattern: string | null, by: 1 | -1): void {
  const next = (n: number) => Math.max(0, n + by);
  result.listTotals[list] = next(result.listTotals[list]);
  result.classes[list] = next(result.classes[list]);
  const p = result.patterns.find((x) => x.name === pattern);
  if (p) p[list] = next(p[list]);
}

/** `findings` newest first, already limited to those seen since the scan started. */
export function mergeFindings(result: ScanResult, findings: WatchFinding[]): MergedFindings {
  const added: Record<WatchFindingClass, number> = { noTtl: 0, aboveStandard: 0 };
  if (findings.length === 0) return { result, added };
  const next: ScanResult = structuredClone(result);
  const listed = new Map<WatchFindingClass, Set<string>>(
    CLASSES.map((c) => [c, new Set(next.lists[c].map((e) => e.keyBase64))]),
  );
  const fresh: Record<WatchFindingClass, ScanKeyEntry[]> = { noTtl: [], aboveStandard: [] };
  const moved: Record<WatchFindingClass, Set<string>> = { noTtl: new Set(), aboveStandard: new Set() };
  let lastSeenAt: string | undefined;
  for (const f of findings) {
    if (listed.get(f.class)?.has(f.keyBase64)) continue;
    const other: WatchFindingClass = f.class === "noTtl" ? "aboveStandard" : "noTtl";
    if (listed.get(other)?.has(f.keyBase64)) {
      moved[other].add(f.keyBase64);
      bump(next, other, f.pattern, -1);
    }
    listed.get(f.class)?.add(f.keyBase64);
    bump(next, f.class, f.pattern, 1);
    added[f.class]++;
    if (fresh[f.class].length < SCAN_LIST_CAP) fresh[f.class].push(entryOf(f));
    if (!lastSeenAt || f.seenAt > lastSeenAt) lastSeenAt = f.seenAt;
  }
  for (const c of CLASSES) {
    const kept = moved[c].size > 0 ? next.lists[c].filter((e) => !moved[c].has(e.keyBase64)) : next.lists[c];
    next.lists[c] = [...fresh[c], ...kept];
  }
  return { result: next, added, ...(lastSeenAt ? { lastSeenAt } : {}) };
}
