"use client";
// The keyspace as a tree split on ":". Lazy: a node SCANs its prefix only when opened (one
// time-bounded page of up to 1,000 keys, "more" continues), so a million keys never load at once.
// Counts come from the latest finished scan where it has them, else from the keys loaded so far.

import { useMemo, useState } from "react";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { formatCount } from "@/lib/format";
import { prefixMatch } from "./glob";
import { useKeys } from "./use-keys";

export interface ScanCounts {
  /** Keys per prefix ("isl:result:" -> 151) from the latest finished scan. */
  byPrefix: Record<string, number>;
  finishedAt: string;
  match: string;
}

interface TreeProps {
  instanceId: string;
  /** The prefix whose keys the table shows, if the match is a plain prefix. */
  selected: string | undefined;
  onSelect: (prefix: string) => void;
  scanCounts: ScanCounts | undefined;
}

const TREE_PAGE = 1000;

interface Children {
  folders: [string, number][];
  leaves: number;
}

function groupChildren(prefix: string, keys: string[]): Children {
  const folders = new Map<string, number>();
  let leaves = 0;
  for (const key of keys) {
    const colon = key.indexOf(":", prefix.length);
    if (colon === -1) leaves++;
    else {
      const child = key.slice(0, colon + 1);
      folders.set(child, (folders.get(child) ?? 0) + 1);
    }
  }
  return { folders: [...folders].sort(([a], [b]) => a.localeCompare(b)), leaves };
}

export function PrefixTree(props: TreeProps) {
  return (
    <nav aria-label="Key prefixes" className="text-sm">
      <ul role="tree">
        <TreeNode
          {...props}
          prefix=""
          label="(all keys)"
          depth={0}
          initiallyOpen
          loadedCount={undefined}
          complete
        />
      </ul>
      {props.scanCounts ? (
        <p className="text-muted mt-2 text-xs">
          Counts from the scan of {props.scanCounts.match} finished {props.scanCounts.finishedAt}.
        </p>
      ) : (
        <p className="text-muted mt-2 text-xs">
          No finished scan yet: counts are of the keys loaded so far (+ when there may be more).
        </p>
      )}
    </nav>
  );
}

interface NodeProps extends TreeProps {
  prefix: string;
  label: string;
  depth: number;
  initiallyOpen?: boolean;
  /** Keys under this prefix among those the parent loaded. */
  loadedCount: number | undefined;
  /** The parent's scan reached the end, so loadedCount is exact. */
  complete: boolean;
}

function TreeNode(props: NodeProps) {
  const { prefix, label, depth, selected, onSelect, scanCounts, loadedCount, complete } = props;
  const [open, setOpen] = useState(props.initiallyOpen ?? false);
  // A search below this node opens it, also when it was shown closed: the tree follows the search.
  const [seenSelected, setSeenSelected] = useState(selected);
  if (seenSelected !== selected) {
    setSeenSelected(selected);
    if (selected && selected.length > prefix.length && selected.startsWith(prefix)) setOpen(true);
  }
  const fromScan = scanCounts?.byPrefix[prefix];
  const count =
    fromScan !== undefined
      ? formatCount(fromScan)
      : loadedCount !== undefined
        ? `${formatCount(loadedCount)}${complete ? "" : "+"}`
        : "";
  return (
    <li role="treeitem" aria-expanded={open} aria-selected={selected === prefix} data-prefix={prefix}>
      <div
        className={cn(
          "hover:bg-sunken flex items-center gap-1 rounded px-1",
          selected === prefix && "bg-info-soft",
        )}
        style={{ paddingLeft: `${depth * 12 + 4}px` }}
      >
        <Button
          onClick={() => setOpen(!open)}
          aria-label={`${open ? "Close" : "Open"} ${label}`}
          variant="ghost"
          className="w-4 shrink-0"
        >
          {open ? "▾" : "▸"}
        </Button>
        <button
          type="button"
          onClick={() => onSelect(prefix)}
          className="min-w-0 flex-1 truncate py-0.5 text-left font-mono"
          title={`Show ${prefix || "all keys"} in the table`}
        >
          {label}
        </button>
        <span
          className="tabular text-muted shrink-0 text-xs"
          title={fromScan !== undefined ? "from the latest scan" : "keys loaded so far"}
        >
          {count}
        </span>
      </div>
      {open ? <NodeChildren {...props} /> : null}
    </li>
  );
}

function NodeChildren(props: NodeProps) {
  const { instanceId, prefix, depth } = props;
  const query = useKeys(instanceId, { match: prefixMatch(prefix), count: TREE_PAGE });
  const keys = useMemo(() => query.data?.pages.flatMap((p) => p.keys.map((k) => k.key)) ?? [], [query.data]);
  const children = useMemo(() => groupChildren(prefix, keys), [prefix, keys]);
  const complete = !query.hasNextPage;
  if (query.isPending)
    return (
      <p className="text-muted py-0.5 text-xs" style={{ paddingLeft: `${depth * 12 + 24}px` }}>
        scanning…
      </p>
    );
  if (query.isError) {
    return (
      <p role="alert" className="text-bad py-0.5 text-xs" style={{ paddingLeft: `${depth * 12 + 24}px` }}>
        Could not load: {query.error.message}
      </p>
    );
  }
  return (
    <ul role="group">
      {children.folders.map(([child, n]) => (
        <TreeNode
          key={child}
          {...props}
          prefix={child}
          label={child.slice(prefix.length)}
          depth={depth + 1}
          initiallyOpen={
            props.selected !== undefined &&
            props.selected.length > child.length &&
            props.selected.startsWith(child)
          }
          loadedCount={n}
          complete={complete}
        />
      ))}
      <li role="none" className="text-muted py-0.5 text-xs" style={{ paddingLeft: `${depth * 12 + 24}px` }}>
        {children.leaves > 0
          ? `${formatCount(children.leaves)}${complete ? "" : "+"} key${children.leaves === 1 ? "" : "s"} here`
          : null}
        {children.folders.length === 0 && children.leaves === 0
          ? complete
            ? "no keys"
            : "none found yet"
          : null}
        {query.hasNextPage ? (
          <Button
            onClick={() => query.fetchNextPage()}
            disabled={query.isFetchingNextPage}
            variant="link"
            className="ml-2"
          >
            {query.isFetchingNextPage ? "scanning…" : "scan more"}
          </Button>
        ) : null}
      </li>
    </ul>
  );
}
