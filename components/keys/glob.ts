// Glob helpers for the key browser, shared by the tree, the search box and the table. Pure.

/**
 * A displayed prefix as a glob that matches it literally: `*`, `?`, `[` and `]` are escaped.
 * displayKey's escapes (`\xff`, `\\`, `\"`) are left as they are: the API reads them back as bytes.
 */
export function escapeGlob(display: string): string {
  return display.replace(/[*?[\]]/g, (c) => `\\${c}`);
}

/** The match that lists everything under a tree prefix ("isl:result:" -> "isl:result:*"). */
export function prefixMatch(prefix: string): string {
  return `${escapeGlob(prefix)}*`;
}

/** The literal prefix a match starts with, if the rest is a single trailing `*` ("isl:result:*" -> "isl:result:"). */
export function literalPrefix(match: string): string | undefined {
  if (!match.endsWith("*")) return undefined;
  const head = match.slice(0, -1);
  if (/(^|[^\\])[*?[]/.test(head)) return undefined;
  return head.replace(/\\([*?[\]])/g, "$1");
}
