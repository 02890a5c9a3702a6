// A cluster's or sentinel deployment's servers at the last sample, masters first: role, slots,
// memory against maxmemory, evictions, ops, clients, replication and the node's status in colour
// and in words. A node that did not answer stays in the table, named, with its error. A standalone
// instance has no table: its one server is the tiles above.
import { Badge, type Tone } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";
import { Table, TableHead, Th } from "@/components/ui/table";
import { formatBytes, formatCount, formatDuration, formatPercent } from "@/lib/format";
import type { Overview, OverviewNode } from "@/lib/schemas/overview";

const tone: Record<OverviewNode["status"], Tone> = { ok: "ok", warn: "warn", bad: "bad" };
const fixed = (v: number | null, digits = 1) => (v === null ? "—" : v.toFixed(digits));

function memoryCell(n: OverviewNode, threshold: number) {
  const { usedBytes, maxBytes, ratio } = n.memory;
  if (usedBytes === null) return <span className="text-muted">—</span>;
  return (
    <span className={cn(ratio !== null && ratio > threshold && "text-bad font-semibold")}>
      {formatBytes(usedBytes)}
      {maxBytes ? ` / ${formatBytes(maxBytes)} (${formatPercent(ratio)})` : " · no maxmemory"}
    </span>
  );
}

function replicationCell(n: OverviewNode) {
  const r = n.replication;
  if (!n.reachable) return <span className="text-muted">—</span>;
  if (n.role === "master") {
    return r.connectedReplicas === null
      ? "—"
      : `${formatCount(r.connectedReplicas)} replica${r.connectedReplicas === 1 ? "" : "s"}`;
  }
  const link = r.linkStatus ?? "unknown";
  const parts = [
    r.lagSeconds !== null ? `lag ${r.lagSeconds} s` : null,
    r.offsetBehind !== null ? `${formatBytes(r.offsetBehind)} behind` : null,
    r.linkStatus === "down" && r.linkDownSeconds !== null
      ? `down ${formatDuration(r.linkDownSeconds)}`
      : null,
  ].filter(Boolean);
  return (
    <span>
      <Badge tone={link === "up" ? "ok" : "bad"}>link {link}</Badge>
      {parts.length > 0 ? <span className="text-muted ml-1 text-xs">{parts.join(" · ")}</span> : null}
    </span>
  );
}

function NodeRow({ n, threshold, cluster }: { n: OverviewNode; threshold: number; cluster: boolean }) {
  return (
    <tr
      data-testid="node-row"
      data-node={n.address}
      data-status={n.status}
      className="border-line border-t align-top"
    >
      <td className="px-2 py-1.5 font-mono text-xs">
        {n.address}
        {n.master ? <div className="text-muted">replica of {n.master}</div> : null}
      </td>
      <td className="px-2 py-1.5">{n.role}</td>
      {cluster ? (
        <td className="px-2 py-1.5 text-xs">
          {n.slotCount > 0 ? (
            <>
              <span className="tabular">{formatCount(n.slotCount)}</span>{" "}
              <span className="text-muted break-words">({n.slotsText})</span>
            </>
          ) : (
            <span className="text-muted">none</span>
          )}
        </td>
      ) : null}
      <td className="tabular px-2 py-1.5">{memoryCell(n, threshold)}</td>
      <td className="tabular px-2 py-1.5">{fixed(n.evictionsPerMinute)}</td>
      <td className="tabular px-2 py-1.5">{fixed(n.opsPerSecond)}</td>
      <td className="tabular px-2 py-1.5">
        {formatCount(n.clients.connected)}
        {n.clients.max ? <span className="text-muted"> / {formatCount(n.clients.max)}</span> : null}
      </td>
      <td className="px-2 py-1.5">{replicationCell(n)}</td>
      <td className="px-2 py-1.5">
        <Badge tone={tone[n.status]} className="whitespace-normal" title={n.error ?? undefined}>
          {n.status === "ok" ? "●" : n.status === "warn" ? "▲" : "✕"} {n.statusText}
        </Badge>
      </td>
    </tr>
  );
}

export function NodeTable({ overview }: { overview: Overview }) {
  const nodes = overview.nodes ?? [];
  if (overview.kind === undefined || overview.kind === "standalone" || nodes.length === 0) return null;
  const cluster = overview.kind === "cluster";
  return (
    <section aria-label="Nodes" data-testid="node-table" className="space-y-1">
      <h2 className="text-sm font-semibold">
        Nodes <span className="text-muted font-normal">({nodes.length})</span>
      </h2>
      <Table aria-label="Nodes">
        <TableHead>
          <Th>Node</Th>
          <Th>Role</Th>
          {cluster ? <Th>Slots</Th> : null}
          <Th>Memory used / max</Th>
          <Th>Evictions /min</Th>
          <Th>Ops /s</Th>
          <Th>Clients</Th>
          <Th>Replication</Th>
          <Th>Status</Th>
        </TableHead>
        <tbody>
          {nodes.map((n) => (
            <NodeRow key={n.address} n={n} threshold={overview.thresholds.memoryRatio} cluster={cluster} />
          ))}
        </tbody>
      </Table>
    </section>
  );
}
