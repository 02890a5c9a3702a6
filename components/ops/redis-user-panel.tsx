"use client";
// The ops page's "Redis user" panel: which console capabilities the instance's configured Redis
// user has, command by command, how that was told, and the ACL rules that would grant what is refused.

import { Badge, type Tone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableHead, Th } from "@/components/ui/table";
import { formatTime } from "@/lib/format";
import type {
  CapabilitiesResponse,
  Capability,
  CapabilityStatus,
  CommandCapability,
  ProbeMethod,
} from "@/lib/schemas/capabilities";
import { CopyButton } from "./copy-button";
import { useCapabilities } from "@/components/actions/use-capabilities";
import { useRefreshCapabilities } from "./use-refresh-capabilities";

const td = "px-2 py-1.5 align-top";

const methodNames: Record<ProbeMethod, string> = {
  "acl-dryrun": "ACL DRYRUN",
  multi: "MULTI probe",
  direct: "direct probe",
};

const statusLook: Record<CapabilityStatus, { tone: Tone; word: string }> = {
  allowed: { tone: "ok", word: "allowed" },
  partial: { tone: "warn", word: "partial" },
  refused: { tone: "bad", word: "refused" },
  unknown: { tone: "neutral", word: "unknown" },
};

function commandWord(c: CommandCapability): { tone: Tone; word: string } {
  if (c.allowed === true) return { tone: "ok", word: "allowed" };
  if (c.allowed === null) return { tone: "neutral", word: "unknown" };
  return c.optional ? { tone: "warn", word: "refused" } : { tone: "bad", word: "refused" };
}

/** What to say beside a command that is not allowed; a plain refusal needs no words (the rule column says). */
function detail(c: CommandCapability): string {
  if (c.optional && c.allowed === false) return `without it ${c.optional}`;
  return c.allowed === false && c.aclRule?.startsWith("+") ? "" : c.reason;
}

function CommandList({ commands }: { commands: CommandCapability[] }) {
  const allowed = commands.filter((c) => c.allowed === true);
  const others = commands.filter((c) => c.allowed !== true);
  return (
    <div className="space-y-1">
      {others.map((c) => {
        const { tone, word } = commandWord(c);
        return (
          <div key={c.command} className="text-xs" data-command={c.command} data-allowed={String(c.allowed)}>
            <Badge tone={tone} title={c.reason}>
              <span className="font-mono">{c.label}</span> {word}
              {c.optional ? " (optional)" : ""}
            </Badge>{" "}
            <span className="text-muted">{detail(c)}</span>
          </div>
        );
      })}
      {allowed.length > 0 ? (
        <p className="text-muted font-mono text-xs break-words">
          {others.length > 0 ? "allowed: " : ""}
          {allowed.map((c) => (
            <span
              key={c.command}
              title={`${c.label}: ${c.reason}`}
              data-command={c.command}
              data-allowed="true"
            >
              {c.label}
              {c === allowed.at(-1) ? "" : " · "}
            </span>
          ))}
        </p>
      ) : null}
    </div>
  );
}

function Grant({ user, capability }: { user: string; capability: Capability }) {
  const rules = [
    ...new Set(
      capability.commands.filter((c) => c.allowed === false && c.aclRule).map((c) => c.aclRule as string),
    ),
  ];
  if (rules.length === 0) return <span className="text-muted text-xs">—</span>;
  return (
    <div className="flex items-center gap-2">
      <code className="bg-sunken rounded px-1.5 py-0.5 text-xs" data-testid="acl-rule">
        {rules.join(" ")}
      </code>
      <CopyButton text={`ACL SETUSER ${user} ${rules.join(" ")}`} />
    </div>
  );
}

function coverageText(value: boolean | null): string {
  return value === true ? "yes" : value === false ? "no" : "—";
}

function Summary({ data }: { data: CapabilitiesResponse }) {
  const told = data.methods.map((m) => methodNames[m]).join(", ") || "nothing could be told";
  return (
    <div className="text-muted space-y-0.5 text-xs">
      <p>
        Signed in as <strong className="text-fg font-mono">{data.user}</strong>{" "}
        {data.userSource === "whoami" ? "(ACL WHOAMI)" : "(from the instance URL: ACL WHOAMI refused)"} · told
        by <span data-testid="probe-methods">{told}</span>
        {data.methodNotes.length > 0 ? ` (${data.methodNotes.join("; ")})` : ""} · checked{" "}
        {formatTime(data.checkedAt)}
      </p>
      <p>
        Key patterns: keys under <code className="font-mono">{data.keys.namespace}</code> read{" "}
        {coverageText(data.keys.inside.read)}, write {coverageText(data.keys.inside.write)} · keys outside it
        read {coverageText(data.keys.outside.read)}, write {coverageText(data.keys.outside.write)}
        {data.keys.note ? ` (${data.keys.note})` : ""}
      </p>
      {data.replica.readOnly && data.deployment?.kind !== "cluster" ? (
        <p className="text-warn">
          This instance is a read-only replica: Redis refuses every write whatever the ACL says.
        </p>
      ) : null}
    </div>
  );
}

/** What cluster mode or the sentinels change for the console, and each sentinel's answer. */
function DeploymentNotes({ data }: { data: CapabilitiesResponse }) {
  const deployment = data.deployment;
  if (!deployment || deployment.kind === "standalone") return null;
  return (
    <div className="text-xs" data-testid="deployment-notes" data-kind={deployment.kind}>
      <p className="font-medium">
        {deployment.kind === "cluster" ? "Redis Cluster" : "Sentinel"}
        {deployment.probedNode ? ` (probed on ${deployment.probedNode})` : ""}
      </p>
      <ul className="text-muted list-disc pl-4">
        {deployment.notes.map((note) => (
          <li key={note}>{note}</li>
        ))}
      </ul>
      {deployment.sentinels && deployment.sentinels.length > 0 ? (
        <ul className="mt-1 space-y-0.5">
          {deployment.sentinels.map((s) => (
            <li key={s.address} className="flex items-center gap-2" data-sentinel={s.address}>
              <Badge tone={s.answered ? "ok" : "bad"}>{s.answered ? "answers" : "no answer"}</Badge>
              <span className="font-mono">{s.address}</span>
              <span className="text-muted">{s.reason}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function RefreshButton({ instanceId }: { instanceId: string }) {
  const refresh = useRefreshCapabilities(instanceId);
  return (
    <span className="flex items-center gap-2 text-xs">
      {refresh.error ? <span className="text-bad">{refresh.error.message}</span> : null}
      <Button onClick={() => refresh.mutate()} disabled={refresh.isPending} size="xs">
        {refresh.isPending ? "Checking…" : "Check again"}
      </Button>
    </span>
  );
}

function CapabilityTable({ data }: { data: CapabilitiesResponse }) {
  return (
    <Table>
      <TableHead>
        <Th>Capability</Th>
        <Th>Status</Th>
        <Th>Commands</Th>
        <Th>ACL rule to grant</Th>
      </TableHead>
      <tbody>
        {data.capabilities.map((cap) => {
          const { tone, word } = statusLook[cap.status];
          return (
            <tr
              key={cap.id}
              className="border-line border-t"
              data-capability={cap.id}
              data-status={cap.status}
            >
              <td className={`${td} min-w-40`}>
                <div className="font-medium">{cap.title}</div>
                <div className="text-muted text-xs">{cap.role} features</div>
              </td>
              <td className={td}>
                <Badge tone={tone}>{word}</Badge>
              </td>
              <td className={`${td} min-w-64`}>
                <CommandList commands={cap.commands} />
              </td>
              <td className={`${td} min-w-48`}>
                <Grant user={data.user} capability={cap} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </Table>
  );
}

/** Which console capabilities the configured Redis user has; loads and fails on its own. */
export function RedisUserPanel({ instanceId }: { instanceId: string }) {
  const { data, error, refetch, isFetching } = useCapabilities(instanceId);
  return (
    <Card className="space-y-2" data-testid="redis-user">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="font-semibold">Redis user</h2>
        {data ? <RefreshButton instanceId={instanceId} /> : null}
      </div>
      {data ? (
        <>
          <Summary data={data} />
          <DeploymentNotes data={data} />
          <CapabilityTable data={data} />
        </>
      ) : error ? (
        <div className="text-sm">
          <p className="text-bad">Could not tell what the Redis user may do: {error.message}</p>
          <Button onClick={() => void refetch()} disabled={isFetching} size="sm" className="mt-2">
            Retry
          </Button>
        </div>
      ) : (
        <Skeleton className="h-40 w-full" />
      )}
    </Card>
  );
}
