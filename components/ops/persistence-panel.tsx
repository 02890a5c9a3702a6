"use client";

// Persistence per server: the last background save's status, the last successful save (time with
// its zone, and age), changes since, how long the last save took, AOF and its statuses, and the
// `persistence` check's verdict in words. Read with the config checklist (INFO persistence).
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyRow, Table, TableHead, Th } from "@/components/ui/table";
import { formatCount, formatDuration, formatTime } from "@/lib/format";
import type { ConfigResponse, NodePersistenceView } from "@/lib/schemas/ops";
import { CheckStatusBadge } from "./status-badge";
import { useConfigChecks } from "./use-config-checks";

const td = "px-2 py-1.5 align-top";

function StatusWord({ value }: { value: string }) {
  return <Badge tone={value === "ok" ? "ok" : "bad"}>{value}</Badge>;
}

function Aof({ p }: { p: NodePersistenceView }) {
  if (!p.aofEnabled) return <span className="text-muted">off</span>;
  return (
    <span className="flex flex-wrap items-center gap-1">
      <span>on · write</span>
      <StatusWord value={p.aofLastWriteStatus} />
      <span>rewrite</span>
      <StatusWord value={p.aofLastBgrewriteStatus} />
      {p.aofRewriteInProgress ? <span className="text-muted">(rewriting)</span> : null}
    </span>
  );
}

type Node = NonNullable<ConfigResponse["nodes"]>[number];

function Row({ node, several }: { node: Node; several: boolean }) {
  const p = node.persistence;
  return (
    <tr className="border-line border-t" data-node={node.address} data-status={p?.status ?? "unknown"}>
      {several ? (
        <td className={`${td} font-mono text-xs`}>
          {node.address} <span className="text-muted">{node.role}</span>
        </td>
      ) : null}
      <td className={td}>
        <CheckStatusBadge status={p?.status ?? "unknown"} />
        {p && p.problems.length > 0 ? (
          <ul className="text-bad mt-1 max-w-md list-disc pl-4 text-xs">
            {p.problems.map((text) => (
              <li key={text}>{text}</li>
            ))}
          </ul>
        ) : null}
        {!p ? (
          <p className="text-muted mt-1 text-xs">{node.error ?? "INFO persistence could not be read"}</p>
        ) : null}
      </td>
      {p ? (
        <>
          <td className={td}>
            <StatusWord value={p.rdbLastBgsaveStatus} />
            {p.rdbBgsaveInProgress ? <span className="text-muted ml-1 text-xs">(saving)</span> : null}
          </td>
          <td className={`${td} tabular`}>
            <div>{formatTime(p.rdbLastSaveTime)}</div>
            <div className="text-muted text-xs">{formatDuration(p.lastSaveAgeSeconds)} ago</div>
          </td>
          <td className={`${td} tabular text-right`}>{formatCount(p.rdbChangesSinceLastSave)}</td>
          <td className={`${td} tabular text-right`}>
            {p.rdbLastBgsaveTimeSec < 0 ? (
              <span className="text-muted">none yet</span>
            ) : (
              `${p.rdbLastBgsaveTimeSec} s`
            )}
          </td>
          <td className={`${td} text-xs`}>
            <Aof p={p} />
          </td>
          <td className={`${td} font-mono text-xs`}>
            {p.save === null ? <span className="text-muted">unknown (CONFIG refused)</span> : `"${p.save}"`}
          </td>
        </>
      ) : (
        <td className={td} colSpan={6} />
      )}
    </tr>
  );
}

export function PersistencePanel({ instanceId }: { instanceId: string }) {
  const { data, error } = useConfigChecks(instanceId);
  const nodes = data?.nodes ?? [];
  const several = nodes.length > 1;
  return (
    <Card className="space-y-2" data-testid="persistence">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="font-semibold">Persistence</h2>
        <span className="text-muted text-xs">
          the guide: RDB snapshots every 15 min, kept 7 days (diagnosis only) · INFO persistence
          {data ? `, read ${formatTime(data.checkedAt)}` : ""}
        </span>
      </div>
      {error && !data ? <p className="text-bad text-sm">Persistence unavailable: {error.message}</p> : null}
      {data ? (
        <Table aria-label="Persistence per server">
          <TableHead>
            {several ? <Th>Node</Th> : null}
            <Th>Verdict</Th>
            <Th>Last bgsave</Th>
            <Th>Last successful save</Th>
            <Th className="text-right">Changes since</Th>
            <Th className="text-right">Last save took</Th>
            <Th>AOF</Th>
            <Th>save schedule</Th>
          </TableHead>
          <tbody>
            {nodes.length === 0 ? (
              <EmptyRow colSpan={several ? 8 : 7}>No server read.</EmptyRow>
            ) : (
              nodes.map((n) => <Row key={n.address} node={n} several={several} />)
            )}
          </tbody>
        </Table>
      ) : null}
    </Card>
  );
}
