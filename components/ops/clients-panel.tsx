"use client";

import { Badge } from "@/components/ui/badge";
import { Card, Stat } from "@/components/ui/card";
import { ScrollX } from "@/components/ui/scroll-x";
import { formatBytes, formatCount, formatDuration, formatPercent } from "@/lib/format";
import type { ClientGroup, ClientsResponse, ClientView } from "@/lib/schemas/ops";
import { useClients } from "./use-clients";

const th = "px-2 py-1.5 font-medium";
const td = "px-2 py-1.5 whitespace-nowrap";

function Groups({ title, groups, testId }: { title: string; groups: ClientGroup[]; testId: string }) {
  return (
    <ScrollX
      label={`Clients ${title.toLowerCase()}`}
      className="border-line rounded border"
      data-testid={testId}
    >
      <table className="w-full border-collapse text-sm">
        <thead className="bg-sunken text-muted text-left text-xs">
          <tr>
            <th className={th}>{title}</th>
            <th className={`${th} text-right`}>Clients</th>
            <th className={`${th} text-right`}>Idle (min–max)</th>
            <th className={`${th} text-right`}>Oldest</th>
            <th className={`${th} text-right`}>Buffers</th>
          </tr>
        </thead>
        <tbody>
          {groups.slice(0, 20).map((g) => (
            <tr key={g.key} className="border-line border-t">
              <td className={`${td} font-mono text-xs`}>{g.key}</td>
              <td className={`${td} tabular text-right font-semibold`}>{formatCount(g.count)}</td>
              <td className={`${td} tabular text-right`}>
                {formatDuration(g.minIdleSeconds)} – {formatDuration(g.maxIdleSeconds)}
              </td>
              <td className={`${td} tabular text-right`}>{formatDuration(g.oldestAgeSeconds)}</td>
              <td className={`${td} tabular text-right`}>{formatBytes(g.memoryBytes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollX>
  );
}

const plural = (n: number, one: string, many: string) => `${formatCount(n)} ${n === 1 ? one : many}`;

function describe(c: ClientView | null): string {
  if (!c) return "—";
  return `${c.name || "(no name)"} ${c.addr}`;
}

function Headline({ data }: { data: ClientsResponse }) {
  const high = data.ratio !== null && data.ratio > data.threshold;
  const busiest = data.busiest;
  return (
    <dl className="grid grid-cols-2 gap-3 md:grid-cols-4">
      <Stat
        label="Connected / maxclients"
        value={
          <span className="flex items-center gap-2">
            {formatCount(data.connected)} /{" "}
            {data.maxClients === null ? "unknown" : formatCount(data.maxClients)}
            {data.ratio !== null ? (
              <Badge tone={high ? "bad" : "ok"}>{high ? "near max" : "ok"}</Badge>
            ) : null}
          </span>
        }
        hint={`${formatPercent(data.ratio)} in use${(data.nodes?.length ?? 1) > 1 ? " on the fullest node" : ""} · alert above ${formatPercent(data.threshold, 0)}`}
      />
      <Stat
        label="Groups"
        value={`${plural(data.byName.length, "name", "names")} · ${plural(data.byAddress.length, "address", "addresses")}`}
      />
      <Stat
        label="Oldest connection"
        value={data.oldest ? formatDuration(data.oldest.ageSeconds) : "—"}
        hint={describe(data.oldest)}
      />
      <Stat
        label={data.busiestBy === "commands" ? "Busiest (commands)" : "Busiest (buffer memory)"}
        value={
          busiest
            ? data.busiestBy === "commands"
              ? `${formatCount(busiest.commands)} commands`
              : formatBytes(busiest.memoryBytes)
            : "—"
        }
        hint={describe(busiest)}
      />
    </dl>
  );
}

/** Each node's connections against its own maxclients (the limit is per server). */
function NodeTable({ data }: { data: ClientsResponse }) {
  const nodes = data.nodes ?? [];
  if (nodes.length <= 1) return null;
  return (
    <ScrollX label="Clients per node" className="border-line rounded border" data-testid="clients-by-node">
      <table className="w-full border-collapse text-sm">
        <thead className="bg-sunken text-muted text-left text-xs">
          <tr>
            <th className={th}>Node</th>
            <th className={th}>Role</th>
            <th className={`${th} text-right`}>Connected / maxclients</th>
            <th className={`${th} text-right`}>In use</th>
          </tr>
        </thead>
        <tbody>
          {nodes.map((n) => (
            <tr key={n.address} className="border-line border-t" data-node={n.address}>
              <td className={`${td} font-mono text-xs`}>{n.address}</td>
              <td className={td}>{n.role}</td>
              {n.error !== null ? (
                <td className={`${td} text-bad`} colSpan={2}>
                  not read: {n.error}
                </td>
              ) : (
                <>
                  <td className={`${td} tabular text-right`}>
                    {formatCount(n.connected ?? 0)} /{" "}
                    {n.maxClients === null ? "unknown" : formatCount(n.maxClients)}
                  </td>
                  <td className={`${td} tabular text-right`}>
                    {formatPercent(n.ratio)}{" "}
                    {n.ratio !== null && n.ratio > data.threshold ? <Badge tone="bad">near max</Badge> : null}
                  </td>
                </>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollX>
  );
}

function ClientTable({ data }: { data: ClientsResponse }) {
  const byNode = (data.nodes?.length ?? 1) > 1;
  return (
    <details>
      <summary className="cursor-pointer text-sm">
        All connections, longest idle first ({formatCount(data.clients.length)}
        {data.truncated ? ` of ${formatCount(data.connected)}` : ""})
      </summary>
      <div className="border-line mt-2 max-h-96 overflow-auto rounded border">
        <table className="w-full border-collapse text-sm">
          <thead className="bg-sunken text-muted sticky top-0 text-left text-xs">
            <tr>
              {byNode ? <th className={th}>Node</th> : null}
              <th className={th}>Address</th>
              <th className={th}>Name</th>
              <th className={th}>User</th>
              <th className={`${th} text-right`}>Age</th>
              <th className={`${th} text-right`}>Idle</th>
              <th className={th}>Last command</th>
              <th className={`${th} text-right`}>db</th>
            </tr>
          </thead>
          <tbody>
            {data.clients.map((c) => (
              <tr key={`${c.node ?? ""}#${c.id}`} className="border-line border-t">
                {byNode ? <td className={`${td} font-mono text-xs`}>{c.node}</td> : null}
                <td className={`${td} font-mono text-xs`}>{c.addr}</td>
                <td className={td}>{c.name || <span className="text-muted">—</span>}</td>
                <td className={td}>{c.user}</td>
                <td className={`${td} tabular text-right`}>{formatDuration(c.ageSeconds)}</td>
                <td className={`${td} tabular text-right`}>{formatDuration(c.idleSeconds)}</td>
                <td className={`${td} font-mono text-xs`}>{c.cmd}</td>
                <td className={`${td} tabular text-right`}>{c.db}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

/** The guide's "connection pool near max" triage. */
export function ClientsPanel({ instanceId }: { instanceId: string }) {
  const { data, error } = useClients(instanceId);
  return (
    <Card className="space-y-3" data-testid="clients">
      <h2 className="font-semibold">Clients</h2>
      {error && !data ? <p className="text-bad text-sm">Clients unavailable: {error.message}</p> : null}
      {data ? (
        <>
          <Headline data={data} />
          <NodeTable data={data} />
          <div className="grid grid-cols-1 gap-3 xl:grid-cols-2">
            <Groups title="By name" groups={data.byName} testId="clients-by-name" />
            <Groups title="By address" groups={data.byAddress} testId="clients-by-address" />
          </div>
          <ClientTable data={data} />
        </>
      ) : null}
    </Card>
  );
}
