import Link from "next/link";
import { FiringAlerts } from "@/components/overview/firing-alerts";
import { Badge } from "@/components/ui/badge";
import { Card, Stat } from "@/components/ui/card";
import { EnvironmentBadge } from "@/components/ui/environment-badge";
import {
  formatBytes,
  formatCount,
  formatCountOf,
  formatDuration,
  formatPercent,
  formatTime,
} from "@/lib/format";
import type { InstanceStatus } from "@/lib/schemas/instances";

function memoryLine(memory: InstanceStatus["memory"]): { value: string; hint: string } {
  if (!memory) return { value: "—", hint: "" };
  if (memory.maxBytes === 0) return { value: formatBytes(memory.usedBytes), hint: "no maxmemory set" };
  return {
    value: `${formatBytes(memory.usedBytes)} / ${formatBytes(memory.maxBytes)}`,
    hint: `${formatPercent(memory.usedBytes / memory.maxBytes)} of maxmemory`,
  };
}

export function InstanceCard({ status }: { status: InstanceStatus }) {
  const memory = memoryLine(status.memory);
  return (
    <Card
      className={status.reachable ? undefined : "border-bad/60"}
      data-testid="instance-card"
      data-instance={status.id}
      aria-labelledby={`instance-${status.id}`}
    >
      <div className="flex flex-wrap items-center gap-2">
        <h2 id={`instance-${status.id}`} className="text-base font-semibold">
          <Link href={`/i/${encodeURIComponent(status.id)}`} className="hover:underline">
            {status.name}
          </Link>
        </h2>
        <EnvironmentBadge environment={status.environment} />
        {status.reachable ? (
          <Badge tone="ok" data-testid="reachability">
            ● reachable
          </Badge>
        ) : (
          <Badge tone="bad" data-testid="reachability">
            ✕ unreachable
          </Badge>
        )}
        {status.kind && status.kind !== "standalone" ? <Badge tone="info">{status.kind}</Badge> : null}
        {status.readOnly ? <Badge>read-only</Badge> : null}
        {status.tls ? <Badge>TLS</Badge> : null}
      </div>
      <p className="mt-1 break-words font-mono text-xs text-muted">
        {status.id} · {status.address}
      </p>
      {status.reachable && status.nodes && status.nodes.unanswered.length > 0 ? (
        <p role="alert" data-testid="nodes-missing" className="mt-2 rounded border border-bad/40 bg-bad-soft px-2 py-1.5 text-bad">
          ✕ {status.nodes.unanswered.length} of {status.nodes.total} nodes not answering:{" "}
          {status.nodes.unanswered.join(", ")}. The figures are totals over the others.
        </p>
      ) : null}
      {status.reachable ? (
        <dl className="mt-3 grid grid-cols-2 gap-3 sm:grid-cols-4">
          <Stat
            label={status.kind && status.kind !== "standalone" ? `Memory used (${status.nodes?.total ?? "?"} nodes)` : "Memory used"}
            value={memory.value}
            hint={memory.hint}
          />
          <Stat label="Keys" value={formatCountOf(status.keys, "key")} />
          <Stat label="Clients" value={`${formatCount(status.connectedClients)} connected`} />
          <Stat
            label="Redis"
            value={`v${status.redisVersion ?? "?"}`}
            hint={`${status.role ?? ""} · up ${formatDuration(status.uptimeSeconds)}`}
          />
        </dl>
      ) : (
        <p role="alert" className="mt-3 rounded border border-bad/40 bg-bad-soft px-2 py-1.5 text-bad">
          {status.error ?? "unreachable"}
        </p>
      )}
      <FiringAlerts id={status.id} />
      <p className="mt-3 text-xs text-muted">Checked {formatTime(status.checkedAt)}</p>
    </Card>
  );
}
