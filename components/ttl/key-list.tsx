"use client";
// One of the latest scan's key lists, filtered by pattern and key text, 50 rows a page.
// `toolbar` and `rowActions` are where the guarded fix buttons (EXPIRE, DEL) plug in.

import { useState, type ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableHead, Th, EmptyRow } from "@/components/ui/table";
import { Segmented, TabPanel } from "@/components/ui/segmented";
import { formatBytes, formatCount, formatDuration } from "@/lib/format";
import {
  SCAN_LIST_NAMES,
  type ScanKeyEntry,
  type ScanKeysResponse,
  type ScanListName,
  type ScanResult,
} from "@/lib/schemas/scans";
import { KEY_LIST_TABS, listLabels } from "./class-counts";
import { useScanKeys } from "./use-scan-keys";
import { utcClock } from "@/components/ops/watch-state";

const PAGE = 50;

interface Props {
  instanceId: string;
  scanId: string;
  result: ScanResult;
  list: ScanListName;
  onList: (list: ScanListName) => void;
  initialPage?: ScanKeysResponse;
  toolbar?: ReactNode;
  rowActions?: (entry: ScanKeyEntry) => ReactNode;
}

export function KeyList({
  instanceId,
  scanId,
  result,
  list,
  onList,
  initialPage,
  toolbar,
  rowActions,
}: Props) {
  const [pattern, setPattern] = useState("");
  const [q, setQ] = useState("");
  const [offset, setOffset] = useState(0);
  const input = { list, pattern: pattern || undefined, q: q || undefined, offset, limit: PAGE };
  const isDefault = pattern === "" && q === "" && offset === 0 && initialPage?.list === list;
  const keys = useScanKeys(instanceId, scanId, input, isDefault ? initialPage : undefined);
  const page = keys.data;
  const filtered = pattern !== "" || q !== "";
  const change = (fn: () => void) => {
    fn();
    setOffset(0);
  };

  return (
    <section className="border-line bg-panel space-y-2 rounded-md border p-3" aria-label="Key lists">
      <Segmented
        label="Key list"
        tabs={{ idBase: KEY_LIST_TABS }}
        options={SCAN_LIST_NAMES.map((name) => ({
          value: name,
          label: (
            <>
              {listLabels[name].label}{" "}
              <span className="tabular">({formatCount(result.listTotals[name])})</span>
            </>
          ),
        }))}
        value={list}
        onChange={(name) => change(() => onList(name))}
      />
      <TabPanel idBase={KEY_LIST_TABS} value={list} className="space-y-2">
        <div className="flex flex-wrap items-center gap-2">
          <input
            type="search"
            value={q}
            onChange={(e) => change(() => setQ(e.target.value))}
            placeholder="Filter by key text"
            aria-label="Filter by key text"
            className="border-line bg-panel text-fg min-w-0 flex-1 basis-64 rounded border px-2 py-1 font-mono text-sm"
          />
          <select
            value={pattern}
            onChange={(e) => change(() => setPattern(e.target.value))}
            aria-label="Filter by pattern"
            className="border-line bg-panel text-fg rounded border px-1 py-1 text-sm"
          >
            <option value="">all patterns</option>
            {result.patterns.map((p) => (
              <option key={p.name} value={p.name}>
                {p.name}
              </option>
            ))}
            <option value="none">no pattern</option>
          </select>
          {toolbar}
        </div>
        <p className="text-muted text-xs" aria-live="polite">
          {listLabels[list].what}.{" "}
          {page
            ? `${formatCount(page.matched)} key${page.matched === 1 ? "" : "s"}${filtered ? " match" : ""}` +
              (page.total > page.stored
                ? ` (the scan found ${formatCount(page.total)}; it keeps the first ${formatCount(page.stored)})`
                : "")
            : ""}
        </p>
        {keys.isError ? (
          <p role="alert" className="border-bad/40 bg-bad-soft text-bad rounded border px-2 py-1.5">
            Could not load the list: {keys.error.message}{" "}
            <Button variant="inline" onClick={() => keys.refetch()}>
              Retry
            </Button>
          </p>
        ) : !page ? (
          <KeyListSkeleton />
        ) : (
          <Rows entries={page.entries} rowActions={rowActions} />
        )}
        {page && page.matched > PAGE ? (
          <div className="flex items-center gap-2 text-sm">
            {/* aria-disabled, not disabled: reaching the first or last page must not drop focus to <body>. */}
            <Button
              onClick={() => setOffset(Math.max(0, offset - PAGE))}
              aria-disabled={offset === 0}
              size="xs"
            >
              Previous
            </Button>
            <span className="tabular text-muted">
              {formatCount(offset + 1)}–{formatCount(Math.min(offset + PAGE, page.matched))} of{" "}
              {formatCount(page.matched)}
            </span>
            <Button
              onClick={() => {
                if (offset + PAGE < page.matched) setOffset(offset + PAGE);
              }}
              aria-disabled={offset + PAGE >= page.matched}
              size="xs"
            >
              Next
            </Button>
          </div>
        ) : null}
      </TabPanel>
    </section>
  );
}

function Rows({
  entries,
  rowActions,
}: {
  entries: ScanKeyEntry[];
  rowActions?: (entry: ScanKeyEntry) => ReactNode;
}) {
  return (
    <Table>
      <TableHead>
        <Th className="w-1/2">Key</Th>
        <Th>Pattern</Th>
        <Th title="The TTL Redis answered when the scan read the key">TTL at scan</Th>
        <Th className="text-right">Size</Th>
        <Th>Type</Th>
        {rowActions ? <Th>Actions</Th> : null}
      </TableHead>
      <tbody>
        {entries.map((e) => (
          <tr key={e.keyBase64} className="border-line border-t" data-testid="scan-key-row">
            <td className="min-w-[14rem] px-2 py-1 font-mono break-all">
              {e.key}
              {e.source === "watch" && e.seenAt ? (
                <Badge tone="info" className="ml-2 font-sans">
                  seen live {utcClock(e.seenAt)}
                </Badge>
              ) : null}
            </td>
            <td className="px-2 py-1 whitespace-nowrap">
              {e.pattern ?? <span className="text-muted">none</span>}
            </td>
            <td className="tabular px-2 py-1 whitespace-nowrap">
              {e.ttl === null ? (
                <Badge tone="bad">unknown</Badge>
              ) : e.ttl < 0 ? (
                <Badge tone="bad">no TTL</Badge>
              ) : (
                formatDuration(e.ttl)
              )}
            </td>
            <td className="tabular px-2 py-1 text-right whitespace-nowrap">{formatBytes(e.bytes)}</td>
            <td className="px-2 py-1 whitespace-nowrap">{e.type}</td>
            {rowActions ? <td className="px-2 py-1 whitespace-nowrap">{rowActions(e)}</td> : null}
          </tr>
        ))}
        {entries.length === 0 ? <EmptyRow colSpan={rowActions ? 6 : 5}>No key in this list.</EmptyRow> : null}
      </tbody>
    </Table>
  );
}

export function KeyListSkeleton() {
  return (
    <div className="space-y-1.5" aria-label="Loading keys">
      {Array.from({ length: 8 }, (_, i) => (
        <Skeleton key={i} className="h-6 w-full" />
      ))}
    </div>
  );
}
