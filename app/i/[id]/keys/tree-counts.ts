// Keys per prefix for the key browser's tree, from the instance's latest finished scan.
// Only prefixes the scan's match fully covered get a count; a failing store means no counts, not an error page.
import "server-only";
import { literalPrefix } from "@/components/keys/glob";
import type { ScanCounts } from "@/components/keys/prefix-tree";
import { getConfig } from "@/lib/config";
import { formatTime } from "@/lib/format";
import { getStore } from "@/lib/store";
import { latestDoneScan } from "@/lib/store/scans";

export function treeCounts(instanceId: string): ScanCounts | undefined {
  let scan;
  try {
    scan = latestDoneScan(getStore(), instanceId);
  } catch (err) {
    console.error("isl-console: key browser could not read the latest scan", err);
    return undefined;
  }
  const result = scan?.result;
  if (!scan || !result) return undefined;
  const covered = scan.match === "*" ? "" : literalPrefix(scan.match);
  if (covered === undefined) return undefined;
  const policy = getConfig().policy;
  const byPrefix: Record<string, number> = {};
  const add = (prefix: string, keys: number) => {
    if (prefix.startsWith(covered)) byPrefix[prefix] = keys;
  };
  if (covered === "") add("", result.keys);
  if (policy.namespace.startsWith(covered)) {
    add(
      policy.namespace,
      result.patterns.reduce((sum, p) => sum + p.keys, 0) + result.classes.unknownPattern,
    );
  }
  for (const p of result.patterns) {
    const keyPrefix = policy.patterns.find((q) => q.name === p.name)?.keyPrefix;
    if (keyPrefix) add(keyPrefix, p.keys);
  }
  for (const group of [...result.prefixes.unknownPattern, ...result.prefixes.foreign])
    add(group.prefix, group.keys);
  return { byPrefix, finishedAt: formatTime(scan.finishedAt), match: scan.match };
}
