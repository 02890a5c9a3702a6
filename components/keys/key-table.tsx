"use client";

import { useEffect } from "react";
import { Skeleton } from "@/components/ui/skeleton";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Table, TableHead, Th, EmptyRow } from "@/components/ui/table";
import { formatBytes, formatCount, formatDuration } from "@/lib/format";
import { base64ToBase64Url } from "@/lib/keys/encoding";
import type { KeyListItem, KeysResponse, RedisTypeName } from "@/lib/schemas/keys";
import { ClassBadge, KeyFlags } from "./key-badges";
import { useKeys } from "./use-keys";

const PAGE = 100;
/** A sparse match keeps searching on its own until this many rows show or this many pages ran. */
const AUTO_ROWS = 50;
const AUTO_PAGES = 25;

interface Props {
  instanceId: string;
  match: string;
  type: RedisTypeName | undefined;
  selectedKey: string | undefined;
  onOpen: (keyBase64url: string) => void;
  /** What the latest scan says of this match ("about 151 keys match (scan of 10:42 UTC)"), if it can. */
  scanEstimate?: string;
}

export function KeyTable({ instanceId, match, type, selectedKey, onOpen, scanEstimate }: Props) {
  const query = useKeys(instanceId, { match, type, count: PAGE });
  const pages = query.data?.pages ?? [];
  const rows = pages.flatMap((p) => p.keys);
  const { hasNextPage, isFetching, fetchNextPage, isError } = query;

  // Each request SCANs for about 200 ms; a rare pattern may need several before rows appear.
  useEffect(() => {
    if (hasNextPage && !isFetching && !isError && rows.length < AUTO_ROWS && pages.length < AUTO_PAGES)
      void fetchNextPage();
  }, [hasNextPage, isFetching, isError, rows.length, pages.length, fetchNextPage]);

  if (query.isPending) return <KeyTableSkeleton />;
  if (query.isError && rows.length === 0) {
    return (
      <div role="alert" className="border-bad/40 bg-bad-soft text-bad rounded border px-2 py-1.5">
        Could not list keys: {query.error.message}{" "}
        <Button onClick={() => query.refetch()} variant="inline">
          Retry
        </Button>
      </div>
    );
  }
  const last = pages[pages.length - 1];
  const status =
    (hasNextPage ? (isFetching ? "scanning…" : "more keys may match") : "scan complete") + clusterWhere(last);
  const uncovered = last?.uncoveredSlots;
  const notices = [...new Set(pages.flatMap((p) => (p.notice ? [p.notice] : [])))];
  const unreadable = pages.reduce((n, p) => n + (p.unreadable ?? 0), 0);
  const unreadableReason = pages.find((p) => p.unreadableReason)?.unreadableReason;
  return (
    <div>
      <p className="text-muted mb-1 text-xs" aria-live="polite">
        {formatCount(rows.length)} key{rows.length === 1 ? "" : "s"} loaded · {status}
        {scanEstimate ? <span data-testid="scan-estimate"> · {scanEstimate}</span> : null}
      </p>
      <Unreadable count={unreadable} reason={unreadableReason} more={rows.length > 0} />
      {uncovered ? (
        <p
          role="alert"
          data-testid="keys-uncovered"
          className="border-bad/40 bg-bad-soft text-bad mb-1 rounded border px-2 py-1 text-xs"
        >
          Slots {uncovered} are served by no cluster master right now: their keys are not listed.
        </p>
      ) : null}
      {notices.map((n) => (
        <p
          key={n}
          role="status"
          className="border-warn/40 bg-warn-soft text-warn mb-1 rounded border px-2 py-1 text-xs"
        >
          {n}.
        </p>
      ))}
      <Table className="table-fixed">
        <TableHead>
          <Th>Key</Th>
          <Th className="w-16">Type</Th>
          <Th className="w-44">TTL</Th>
          <Th className="w-20 text-right">Size</Th>
        </TableHead>
        <tbody>
          {rows.map((row) => {
            const id = base64ToBase64Url(row.keyBase64);
            return (
              <tr
                key={row.keyBase64}
                className={cn(
                  "border-line hover:bg-sunken cursor-pointer border-t",
                  id === selectedKey && "bg-info-soft",
                )}
                onClick={() => onOpen(id)}
                aria-selected={id === selectedKey}
                data-testid="key-row"
              >
                <td className="px-2 py-1 font-mono break-all">
                  <button
                    type="button"
                    title={placeText(row)}
                    className="text-left hover:underline"
                    onClick={(e) => {
                      e.stopPropagation();
                      onOpen(id);
                    }}
                  >
                    {row.key}
                  </button>
                  {row.sensitive || row.possiblePii ? (
                    <span className="ml-1 inline-flex gap-1 align-middle">
                      <KeyFlags item={row} />
                    </span>
                  ) : null}
                </td>
                <td className="px-2 py-1 whitespace-nowrap">{row.type}</td>
                <td className="px-2 py-1">
                  <span className="tabular mr-1 whitespace-nowrap">{formatDuration(row.ttl)}</span>
                  <ClassBadge value={row.class} />
                </td>
                <td className="tabular px-2 py-1 text-right whitespace-nowrap">{formatBytes(row.bytes)}</td>
              </tr>
            );
          })}
          {rows.length === 0 ? <EmptyRow colSpan={4}>{emptyText(hasNextPage, unreadable)}</EmptyRow> : null}
        </tbody>
      </Table>
      {hasNextPage ? (
        <Button
          onClick={() => fetchNextPage()}
          disabled={query.isFetchingNextPage}
          size="sm"
          className="bg-panel mt-2"
        >
          {query.isFetchingNextPage ? "Loading…" : "Load more"}
        </Button>
      ) : null}
      {query.isError && rows.length > 0 ? (
        <p role="alert" className="text-bad mt-2">
          Could not load more: {query.error.message}
        </p>
      ) : null}
    </div>
  );
}

/** A cluster is listed master after master: which one the next page continues on. */
function clusterWhere(page: KeysResponse | undefined): string {
  const cluster = page?.cluster;
  if (!cluster) return "";
  return cluster.nodeIndex !== undefined
    ? ` (master ${cluster.nodeIndex} of ${cluster.nodes})`
    : ` (all ${cluster.nodes} masters)`;
}

/** Where a key lives in a cluster, for the row's tooltip. */
function placeText(row: KeyListItem): string | undefined {
  if (row.slot === undefined) return undefined;
  const node = row.node ? ` on ${row.node}` : "";
  const tag = row.hashTag !== undefined ? `, hash tag {${row.hashTag}}` : "";
  return `slot ${row.slot}${node}${tag}`;
}

function emptyText(more: boolean, unreadable: number): string {
  if (more) return "No matching key found yet.";
  return unreadable > 0 ? "No readable key matches (see above)." : "No key matches.";
}

/** Keys the console's Redis user may not read: not listed, and never called missing. */
function Unreadable({ count, reason, more }: { count: number; reason: string | undefined; more: boolean }) {
  if (count === 0) return null;
  return (
    <p
      role="status"
      data-testid="keys-unreadable"
      className="border-warn/40 bg-warn-soft text-warn mb-1 rounded border px-2 py-1 text-xs"
    >
      {formatCount(count)} {more ? "more " : ""}key{count === 1 ? "" : "s"} matched but could not be read, so{" "}
      {count === 1 ? "it is" : "they are"} not listed: {reason}.
    </p>
  );
}

export function KeyTableSkeleton() {
  return (
    <div className="space-y-1.5" aria-label="Loading keys">
      <Skeleton className="h-4 w-48" />
      {Array.from({ length: 10 }, (_, i) => (
        <Skeleton key={i} className="h-6 w-full" />
      ))}
    </div>
  );
}
