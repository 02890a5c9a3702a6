// Keys per node of the key tree from a finished scan's groups. A node's count is its whole
// subtree: the sum of every group below it. Pure: the scan's groups in, counts out.

/** Keys the scan counted together, all of them under `prefix`. */
export interface KeyGroup {
  prefix: string;
  keys: number;
  /**
   * The keys sit directly under `prefix` (a scan groups "isl:abc" and the key "isl:" as "isl:"),
   * none of them in a deeper node.
   */
  direct?: boolean;
}

/** The tree's nodes above a prefix and the prefix itself: "isl:result:" -> ["isl:", "isl:result:"]. */
export function prefixAncestors(prefix: string): string[] {
  const nodes: string[] = [];
  for (let i = prefix.indexOf(":"); i !== -1; i = prefix.indexOf(":", i + 1))
    nodes.push(prefix.slice(0, i + 1));
  return nodes;
}

/**
 * The count of every node the groups determine: the node of each group and all its ancestors.
 * A node inside a group's subtree but below its prefix gets no count (the group does not say how
 * its keys split further down), nor does a node `unsure` says may hold keys no group reports.
 */
export function subtreeCounts(
  groups: readonly KeyGroup[],
  unsure: (node: string) => boolean = () => false,
): Record<string, number> {
  const nodes = new Set(groups.flatMap((g) => prefixAncestors(g.prefix)));
  const counts: Record<string, number> = {};
  for (const node of nodes) {
    if (unsure(node)) continue;
    const coarser = groups.some(
      (g) => !g.direct && g.prefix.length < node.length && node.startsWith(g.prefix),
    );
    if (coarser) continue;
    counts[node] = groups.reduce((sum, g) => (g.prefix.startsWith(node) ? sum + g.keys : sum), 0);
  }
  return counts;
}
