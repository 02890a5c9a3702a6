// Keys per prefix for the key browser's tree, from the instance's latest finished scan: a prefix's
// count is its whole subtree. Only prefixes the scan's match fully covered get a count; a failing
// store means no counts, not an error page.
import "server-only";
import { literalPrefix } from "@/components/keys/glob";
import type { ScanCounts } from "@/components/keys/prefix-tree";
import { subtreeCounts, type KeyGroup } from "@/components/keys/subtree-counts";
import { getConfig } from "@/lib/config";
import { formatTime } from "@/lib/format";
import { getStore } from "@/lib/store";
import { latestDoneScan } from "@/lib/store/scans";

export async function treeCounts(instanceId: string): Promise<ScanCounts | undefined> {
  let scan;
  try {
    scan = await latestDoneScan(getStore(), instanceId);
  } catch (err) {
    console.error("isl-console: key browser could not read the latest scan", err);
    return undefined;
  }
  const result = scan?.result;
  if (!scan || !result) return undefined;
  const covered = scan.match === "*" ? "" : literalPrefix(scan.match);
  if (covered === undefined) return undefined;
  const policy = getConfig().policy;
  const ns = policy.namespace;
  // Every key the scan classified is in exactly one group: its pattern's, or its unknown-pattern
  // or foreign prefix (the first two segments; one-segment keys sit directly under theirs).
  const groups: KeyGroup[] = [];
  for (const p of result.patterns) {
    const keyPrefix = policy.patterns.find((q) => q.name === p.name)?.keyPrefix;
    if (keyPrefix) groups.push({ prefix: keyPrefix, keys: p.keys });
  }
  for (const group of [...result.prefixes.unknownPattern, ...result.prefixes.foreign]) {
    if (group.prefix === "(other)") continue;
    const colons = group.prefix.split(":").length - 1;
    groups.push({ prefix: group.prefix, keys: group.keys, direct: colons === 1 });
  }
  // Only the top prefixes are reported, and the policy may have lost a pattern since the scan: then
  // the nodes such keys may sit in get no count rather than an undercount.
  // ("(other)" holds the keys of prefixes past the scan's limit: reported, but not placeable.)
  const reported = (list: { prefix: string; keys: number }[]) =>
    list.reduce((sum, g) => (g.prefix === "(other)" ? sum : sum + g.keys), 0);
  const patternKeys = result.patterns.reduce((sum, p) => sum + p.keys, 0);
  const nsShort =
    reported(result.prefixes.unknownPattern) < result.classes.unknownPattern ||
    result.patterns.some((p) => !policy.patterns.some((q) => q.name === p.name));
  const foreignShort = reported(result.prefixes.foreign) < result.classes.foreign;
  const unsure = (node: string) =>
    ((node.startsWith(ns) || ns.startsWith(node)) && nsShort) || (!node.startsWith(ns) && foreignShort);

  const byPrefix: Record<string, number> = {};
  for (const [node, keys] of Object.entries(subtreeCounts(groups, unsure)))
    if (node.startsWith(covered)) byPrefix[node] = keys;
  // Exact whatever was reported: the scan's totals.
  if (covered === "") byPrefix[""] = result.keys;
  if (ns.startsWith(covered)) byPrefix[ns] = patternKeys + result.classes.unknownPattern;
  return { byPrefix, finishedAt: formatTime(scan.finishedAt), match: scan.match };
}
