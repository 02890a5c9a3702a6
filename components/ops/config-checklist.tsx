"use client";

import { Card } from "@/components/ui/card";
import { Table, TableHead, Th } from "@/components/ui/table";
import { formatTime } from "@/lib/format";
import type { ConfigResponse } from "@/lib/schemas/ops";
import { ApplyRecommended } from "./apply-recommended";
import { CopyButton } from "./copy-button";
import { CheckStatusBadge } from "./status-badge";

const td = "px-2 py-1.5 align-top";

function Summary({ data }: { data: ConfigResponse }) {
  const count = (s: string) => data.checks.filter((c) => c.status === s).length;
  return (
    <p className="text-muted text-xs">
      {count("pass")} pass · {count("fail")} fail · {count("unknown")} unknown ·{" "}
      {data.source === "config"
        ? "read with CONFIG GET"
        : "CONFIG is disabled on this instance: maxmemory and the policy come from INFO, the rest is unknown"}{" "}
      · checked {formatTime(data.checkedAt)}
    </p>
  );
}

/** The guide's provisioning checklist: status by word and colour, the fix line to copy. */
export function ConfigChecklist({ instanceId, data }: { instanceId: string; data: ConfigResponse }) {
  return (
    <Card className="space-y-2" data-testid="config-checklist">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="font-semibold">Config compliance</h2>
        <Summary data={data} />
      </div>
      <Table>
        <TableHead>
          <Th>Check</Th>
          <Th>Status</Th>
          <Th>Expected</Th>
          <Th>Actual</Th>
          <Th>Fix</Th>
        </TableHead>
        <tbody>
          {data.checks.map((c) => (
            <tr key={c.id} className="border-line border-t" data-check={c.id} data-status={c.status}>
              <td className={td}>
                <div className="font-medium">{c.title}</div>
                <div className="text-muted font-mono text-xs">{c.id}</div>
              </td>
              <td className={td}>
                <CheckStatusBadge status={c.status} />
              </td>
              <td className={`${td} text-muted`}>{c.expected}</td>
              <td className={`${td} font-mono text-xs`}>{c.actual}</td>
              <td className={`${td} min-w-64`}>
                {c.fix && c.status !== "pass" ? (
                  <div className="flex items-center gap-2">
                    <code className="bg-sunken rounded px-1.5 py-0.5 text-xs" data-testid="fix-line">
                      {c.fix}
                    </code>
                    <CopyButton text={c.fix} />
                  </div>
                ) : null}
                {c.advice && c.status !== "pass" ? (
                  <p className="text-muted mt-1 text-xs">{c.advice}</p>
                ) : null}
                {c.status === "pass" ? <span className="text-muted text-xs">—</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </Table>
      <ApplyRecommended instanceId={instanceId} data={data} />
    </Card>
  );
}
