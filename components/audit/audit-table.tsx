"use client";

import { Badge, type Tone } from "@/components/ui/badge";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableHead, Th, EmptyRow } from "@/components/ui/table";
import { formatCount, formatTime } from "@/lib/format";
import type { AuditEntry, AuditOutcome } from "@/lib/schemas/audit";

const outcomeTone: Record<AuditOutcome, Tone> = {
  ok: "ok",
  denied: "bad",
  rejected: "warn",
  error: "bad",
  cancelled: "neutral",
};

function paramsText(params: Record<string, unknown>): string {
  return Object.keys(params).length === 0 ? "" : JSON.stringify(params);
}

function durationText(ms: number | null): string {
  if (ms === null) return "";
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function AuditTable({ entries }: { entries: AuditEntry[] }) {
  return (
    <Table>
      <TableHead>
        <Th>#</Th>
        <Th>Time (UTC)</Th>
        <Th>Who</Th>
        <Th>Instance</Th>
        <Th>Action</Th>
        <Th>Keys</Th>
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
            <td className="px-2 py-1">
              <span className="font-mono">{e.action}</span>
              {paramsText(e.params) ? (
                <span className="text-muted block font-mono text-xs break-all">{paramsText(e.params)}</span>
              ) : null}
            </td>
            <td className="max-w-[18rem] px-2 py-1">
              {e.targetCount !== null ? <span className="tabular">{formatCount(e.targetCount)}</span> : null}
              {e.sample.slice(0, 3).map((k, i) => (
                <span key={i} className="block font-mono text-xs break-all">
                  {k}
                </span>
              ))}
              {e.sample.length > 3 ? <span className="text-muted text-xs">…</span> : null}
            </td>
            <td className="max-w-[14rem] px-2 py-1 break-words">
              {e.reason ?? <span className="text-muted">—</span>}
            </td>
            <td className="px-2 py-1">
              {e.outcome ? (
                <Badge tone={outcomeTone[e.outcome]}>{e.outcome}</Badge>
              ) : (
                <Badge tone="info">intent</Badge>
              )}
              {e.detail ? (
                <span className="text-muted block max-w-[16rem] text-xs break-words">{e.detail}</span>
              ) : null}
              {e.durationMs !== null && e.kind === "outcome" ? (
                <span className="text-muted block text-xs">{durationText(e.durationMs)}</span>
              ) : null}
            </td>
            <td className="tabular px-2 py-1 text-right">{e.affected ?? ""}</td>
            <td
              className="text-muted px-2 py-1 font-mono text-xs"
              title={`hash ${e.hash}\nprev ${e.prevHash}`}
            >
              {e.hash.slice(0, 10)}
            </td>
          </tr>
        ))}
        {entries.length === 0 ? <EmptyRow colSpan={10}>No audit entry matches.</EmptyRow> : null}
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
