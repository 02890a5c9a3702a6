"use client";

import { Card } from "@/components/ui/card";
import { Table, TableHead, Th } from "@/components/ui/table";
import { formatTime } from "@/lib/format";
import type { ConfigCheckView, ConfigResponse } from "@/lib/schemas/ops";
import { ApplyRecommended } from "./apply-recommended";
import { CopyButton } from "./copy-button";
import { CheckStatusBadge } from "./status-badge";

const td = "px-2 py-1.5 align-top";

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Where CONFIG could not be used, by node: refused to the console's user, disabled, or the node unreadable. */
function configNote(data: ConfigResponse): string {
  const nodes = data.nodes ?? [];
  if (nodes.length <= 1) {
    if (data.source === "config") return "read with CONFIG GET";
    return nodes[0]?.configRefusal === "permission"
      ? "the console's Redis user may not run CONFIG GET: maxmemory and the policy come from INFO, the rest is unknown"
      : "CONFIG is disabled on this instance: maxmemory and the policy come from INFO, the rest is unknown";
  }
  const masters = nodes.filter((n) => n.role === "master").length;
  const parts = [
    `read from ${plural(nodes.length, "node", "nodes")} (${plural(masters, "master", "masters")}, ${plural(nodes.length - masters, "replica", "replicas")})`,
  ];
  const refused = nodes.filter((n) => n.configDisabled);
  if (refused.length === nodes.length)
    parts.push("CONFIG refused on every node: values from INFO, the rest unknown");
  else if (refused.length > 0) parts.push(`CONFIG refused on ${refused.map((n) => n.address).join(", ")}`);
  const failed = nodes.filter((n) => n.error);
  if (failed.length > 0)
    parts.push(`not readable: ${failed.map((n) => `${n.address} (${n.error})`).join(", ")}`);
  return parts.join(" · ");
}

function Summary({ data }: { data: ConfigResponse }) {
  const count = (s: string) => data.checks.filter((c) => c.status === s).length;
  return (
    <p className="text-muted text-xs">
      {count("pass")} pass · {count("fail")} fail · {count("unknown")} unknown · {configNote(data)} · checked{" "}
      {formatTime(data.checkedAt)}
    </p>
  );
}

/** A check's verdict on each node, for an instance of several servers. */
function PerNode({ check }: { check: ConfigCheckView }) {
  const nodes = check.nodes ?? [];
  if (nodes.length <= 1) return null;
  const off = nodes.filter((n) => n.status !== "pass").length;
  return (
    <details className="mt-1" data-testid="check-nodes">
      <summary className="text-muted cursor-pointer text-xs">
        per node{off > 0 ? ` (${off} not passing)` : ""}
      </summary>
      <ul className="mt-1 space-y-0.5">
        {nodes.map((n) => (
          <li
            key={n.address}
            className="flex items-center gap-2 text-xs"
            data-node={n.address}
            data-status={n.status}
          >
            <CheckStatusBadge status={n.status} />
            <span className="font-mono">{n.address}</span>
            <span className="text-muted">{n.role}</span>
            <span className="font-mono">{n.actual}</span>
          </li>
        ))}
      </ul>
    </details>
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
              <td className={`${td} font-mono text-xs`}>
                {c.actual}
                <PerNode check={c} />
              </td>
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
