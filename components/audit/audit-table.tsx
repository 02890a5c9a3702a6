"use client";
// The audit log's rows: each entry in words (lib/audit/describe.ts), its keys, its outcome and hash.

import Link from "next/link";
import { Badge, type Tone } from "@/components/ui/badge";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableHead, Th, EmptyRow } from "@/components/ui/table";
import { formatCount, formatTime } from "@/lib/format";
import { describeAuditEntry, describeDetail, type PatternRef } from "@/lib/audit/describe";
import type { AuditEntry, AuditOutcome } from "@/lib/schemas/audit";

const outcomeTone: Record<AuditOutcome, Tone> = {
  ok: "ok",
  denied: "bad",
  rejected: "warn",
  error: "bad",
  cancelled: "neutral",
};

function paramsText(params: Record<string, unknown>): string {
  return Object.keys(params).length === 0 ? "" : JSON.stringify(params, null, 2);
}

function durationText(ms: number | null): string {
  if (ms === null) return "";
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** What was done, in words, with the keys named, the scan a list came from and the raw parameters. */
function WhatCell({ entry, patterns }: { entry: AuditEntry; patterns: PatternRef[] }) {
  const d = describeAuditEntry(entry, patterns);
  const raw = paramsText(entry.params);
  return (
    <td className="max-w-[28rem] px-2 py-1">
      <span className="block">{d.sentence}</span>
      <span className="text-muted font-mono text-xs">{entry.action}</span>
      {d.scan ? (
        <Link
          href={d.scan.href}
          className="text-accent ml-2 text-xs hover:underline"
          title={`The fix came from scan ${d.scan.id}; the TTL page shows the latest scan's lists.`}
        >
          TTL page
        </Link>
      ) : null}
      {d.keys.length > 0 ? (
        <ul className="mt-1 max-h-40 overflow-auto" aria-label="Keys">
          {d.keys.map((k, i) => (
            <li key={i} className="font-mono text-xs break-all">
              {k}
            </li>
          ))}
        </ul>
      ) : null}
      {d.moreKeys > 0 ? <span className="text-muted text-xs">and {formatCount(d.moreKeys)} more</span> : null}
      {raw ? (
        <details className="mt-1">
          <summary className="text-muted cursor-pointer text-xs">parameters</summary>
          <pre className="font-mono text-xs break-all whitespace-pre-wrap">{raw}</pre>
        </details>
      ) : null}
    </td>
  );
}

function OutcomeCell({ entry: e }: { entry: AuditEntry }) {
  const detail = describeDetail(e);
  return (
    <td className="px-2 py-1">
      {e.outcome ? (
        <Badge tone={outcomeTone[e.outcome]}>{e.outcome}</Badge>
      ) : (
        <Badge tone="info">intent</Badge>
      )}
      {detail ? <span className="text-muted block max-w-[16rem] text-xs break-words">{detail}</span> : null}
      {e.durationMs !== null && e.kind === "outcome" ? (
        <span className="text-muted block text-xs">{durationText(e.durationMs)}</span>
      ) : null}
    </td>
  );
}

export function AuditTable({ entries, patterns = [] }: { entries: AuditEntry[]; patterns?: PatternRef[] }) {
  return (
    <Table>
      <TableHead>
        <Th>#</Th>
        <Th>Time (UTC)</Th>
        <Th>Who</Th>
        <Th>Instance</Th>
        <Th>What</Th>
        <Th>Reason</Th>
        <Th>Outcome</Th>
        <Th className="text-right">Affected</Th>
        <Th>Hash</Th>
      </TableHead>
      <tbody>
        {entries.map((e) => (
          <tr key={e.id} className="border-line border-t align-top" data-testid="audit-row">
            <td className="tabular text-muted px-2 py-1 whitespace-nowrap">
              {e.id}
              {e.intentId !== null ? (
                <span title="the intent this outcome completes"> → {e.intentId}</span>
              ) : null}
            </td>
            <td className="tabular px-2 py-1 whitespace-nowrap">{formatTime(e.at)}</td>
            <td className="px-2 py-1">
              <span className="font-medium">{e.actor}</span>
              <span className="text-muted block text-xs">
                {e.role} · {e.authMethod} · {e.source}
              </span>
            </td>
            <td className="px-2 py-1 whitespace-nowrap">{e.instance}</td>
            <WhatCell entry={e} patterns={patterns} />
            <td className="max-w-[14rem] px-2 py-1 break-words">
              {e.reason ?? <span className="text-muted">—</span>}
            </td>
            <OutcomeCell entry={e} />
            <td className="tabular px-2 py-1 text-right">{e.affected ?? ""}</td>
            <td
              className="text-muted px-2 py-1 font-mono text-xs"
              title={`hash ${e.hash}\nprev ${e.prevHash}`}
            >
              {e.hash.slice(0, 10)}
            </td>
          </tr>
        ))}
        {entries.length === 0 ? <EmptyRow colSpan={9}>No audit entry matches.</EmptyRow> : null}
      </tbody>
    </Table>
  );
}

export function AuditSkeleton() {
  return (
    <div className="space-y-2" aria-label="Loading the audit log">
      <Skeleton className="h-9 w-full" />
      {Array.from({ length: 10 }, (_, i) => (
        <Skeleton key={i} className="h-7 w-full" />
      ))}
    </div>
  );
}
