"use client";

import { useState } from "react";
import { RedisRefusal, useMayAct, useRedisCapability } from "@/components/actions/action-scope";
import { useCan } from "@/components/auth/use-me";
import { clockUtc } from "@/components/overview/time";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ConfirmForm } from "@/components/ui/confirm-form";
import { formatCount, formatTime } from "@/lib/format";
import type { SlowlogEntry, SlowlogResponse } from "@/lib/schemas/ops";
import { useResetSlowlog } from "./use-reset-slowlog";
import { useRevealSlowlog } from "./use-reveal-slowlog";
import { useSlowlog } from "./use-slowlog";

const th = "px-2 py-1.5 font-medium";
const td = "px-2 py-1.5 align-top whitespace-nowrap";

export function formatMicros(us: number): string {
  if (us < 1000) return `${us} µs`;
  if (us < 1_000_000) return `${(us / 1000).toFixed(us < 10_000 ? 2 : 1)} ms`;
  return `${(us / 1_000_000).toFixed(2)} s`;
}

const fromScriptAddr = (addr: string) => addr === "?:0";

function Args({ entry }: { entry: SlowlogEntry }) {
  if (entry.args === null) {
    return (
      <span className="text-muted italic">
        hidden ({entry.argCount} {entry.argCount === 1 ? "argument" : "arguments"})
      </span>
    );
  }
  // Text only, never HTML: arguments are whatever a client sent.
  return <span className="font-mono text-xs break-all whitespace-normal">{entry.args.join(" ")}</span>;
}

function thresholdText(micros: number | null): string {
  return micros === null
    ? "threshold unknown (CONFIG disabled)"
    : micros < 0
      ? "slow log off (slowlog-log-slower-than < 0)"
      : `logs commands slower than ${formatMicros(micros)}`;
}

function Settings({ data }: { data: SlowlogResponse }) {
  const nodes = data.nodes ?? [];
  const answered = nodes.filter((n) => n.error === null);
  // Several nodes with different thresholds: each one's, instead of a misleading "unknown".
  const differ =
    answered.length > 1 && answered.some((n) => n.slowerThanMicros !== answered[0]?.slowerThanMicros);
  const threshold = differ
    ? `thresholds per node: ${answered.map((n) => `${n.address} ${n.slowerThanMicros === null ? "unknown" : formatMicros(n.slowerThanMicros)}`).join(", ")}`
    : thresholdText(data.slowerThanMicros);
  return (
    <p className="text-muted text-xs">
      {formatCount(data.length)} entries held
      {nodes.length > 1 ? ` on ${nodes.length} nodes` : ""}
      {data.maxLen !== null
        ? ` (max ${formatCount(data.maxLen)}${nodes.length > 1 ? " each" : ""})`
        : ""} · {threshold}
    </p>
  );
}

/** Nodes whose slow log could not be read: named, so a missing node is never silent. */
function NodeErrors({ data }: { data: SlowlogResponse }) {
  const failed = (data.nodes ?? []).filter((n) => n.error !== null);
  if (failed.length === 0) return null;
  return (
    <ul className="text-bad text-xs" data-testid="slowlog-node-errors">
      {failed.map((n) => (
        <li key={n.address}>
          Slow log of node {n.address} ({n.role}) not read: {n.error}
        </li>
      ))}
    </ul>
  );
}

function AdminBar({
  instanceId,
  onReveal,
  revealing,
  nodeCount,
}: {
  instanceId: string;
  onReveal: () => void;
  revealing: boolean;
  nodeCount: number;
}) {
  const canReveal = useCan("slowlog-reveal");
  const canReset = useMayAct("slowlog-reset");
  const redisReset = useRedisCapability("slowlog-reset");
  const reset = useResetSlowlog(instanceId);
  const [confirming, setConfirming] = useState(false);
  if (!canReveal && !canReset) return null;
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm">
      {canReveal ? (
        <Button size="xs" onClick={onReveal} disabled={revealing}>
          {revealing ? "Revealing…" : "Reveal arguments (audited)"}
        </Button>
      ) : null}
      {canReset && !confirming ? (
        <>
          <Button
            size="xs"
            onClick={() => setConfirming(true)}
            disabled={redisReset.refused}
            title={redisReset.title}
          >
            Reset slow log…
          </Button>
          <RedisRefusal capability={redisReset} />
        </>
      ) : null}
      {canReset && confirming ? (
        <ConfirmForm
          className="flex items-center gap-2"
          align="start"
          size="xs"
          tone="bad"
          confirmLabel="Reset"
          pendingLabel="Resetting…"
          pending={reset.isPending}
          onConfirm={() => reset.mutate("", { onSuccess: () => setConfirming(false) })}
          onCancel={() => setConfirming(false)}
        >
          <span>
            SLOWLOG RESET empties the log{nodeCount > 1 ? ` on all ${nodeCount} nodes` : ""} for everyone
            (audited).
          </span>
        </ConfirmForm>
      ) : null}
      {reset.error ? <span className="text-bad text-xs">Not reset: {reset.error.message}</span> : null}
    </div>
  );
}

/** The entries, newest first; a node column when the log comes from several servers. */
function EntryTable({ rows, byNode }: { rows: SlowlogEntry[]; byNode: boolean }) {
  return (
    <div className="border-line max-h-96 overflow-auto rounded border">
      <table className="w-full border-collapse text-sm">
        <thead className="bg-sunken text-muted sticky top-0 text-left text-xs">
          <tr>
            <th className={th}>Time</th>
            {byNode ? <th className={th}>Node</th> : null}
            <th className={`${th} text-right`}>Duration</th>
            <th className={th}>Command</th>
            <th className={th}>Arguments</th>
            <th className={th}>Client</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((e) => (
            <tr key={`${e.node ?? ""}#${e.id}`} className="border-line border-t" data-node={e.node}>
              <td className={`${td} tabular`}>{formatTime(e.time)}</td>
              {byNode ? <td className={`${td} font-mono text-xs`}>{e.node}</td> : null}
              <td className={`${td} tabular text-right`}>{formatMicros(e.durationMicros)}</td>
              <td className={`${td} font-mono text-xs`}>{e.command}</td>
              <td className="px-2 py-1.5 align-top">
                <Args entry={e} />
              </td>
              <td className={`${td} text-xs`}>
                {e.ownLabel ? (
                  <span className="bg-sunken mr-1 rounded px-1" data-testid="slowlog-own">
                    {e.ownLabel}
                  </span>
                ) : null}
                {/* A command run from a script has no client: "?:0" says nothing to a reader. */}
                {fromScriptAddr(e.client.addr) ? (
                  <span className="text-muted">from a script</span>
                ) : (
                  <span className="font-mono">{e.client.addr || "—"}</span>
                )}
                {e.client.name ? <span className="text-muted"> · {e.client.name}</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The hide-own box and the entries it leaves. */
function Entries({ data }: { data: SlowlogResponse }) {
  // On by default: the slow log is read to find what slows ISL down; the console's own scan calls
  // are known load, still counted next to the box so they are never silently out of sight.
  const [hideOwn, setHideOwn] = useState(true);
  const ownCount = data.entries.filter((e) => e.own).length;
  const rows = hideOwn ? data.entries.filter((e) => !e.own) : data.entries;
  if (data.entries.length === 0) return <p className="text-muted text-sm">The slow log is empty.</p>;
  return (
    <>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={hideOwn} onChange={(e) => setHideOwn(e.target.checked)} />
        Hide the console&apos;s own commands
        <span className="text-muted text-xs">
          ({formatCount(ownCount)} of {formatCount(data.entries.length)} {hideOwn ? "hidden" : "shown"})
        </span>
      </label>
      {rows.length === 0 ? (
        <p className="text-muted text-sm">
          Every entry is the console&apos;s own: untick the box to see them.
        </p>
      ) : (
        // One server: no node column (every entry is its).
        <EntryTable rows={rows} byNode={(data.nodes?.length ?? 1) > 1} />
      )}
    </>
  );
}

/** The slow log, arguments hidden; an admin's reveal shows one audited snapshot until hidden again. */
export function SlowlogTable({ instanceId }: { instanceId: string }) {
  const { data, error } = useSlowlog(instanceId);
  const reveal = useRevealSlowlog(instanceId);
  const shown = reveal.data ?? data;
  return (
    <Card className="space-y-2" data-testid="slowlog">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="font-semibold">Slow log</h2>
        {shown ? <Settings data={shown} /> : null}
      </div>
      <AdminBar
        instanceId={instanceId}
        onReveal={() => reveal.mutate()}
        revealing={reveal.isPending}
        nodeCount={shown?.nodes?.length ?? 1}
      />
      {shown ? <NodeErrors data={shown} /> : null}
      {reveal.data ? (
        <p className="text-warn text-xs">
          {/* The reveal's own time, fixed once: not the clock at each render. */}
          Showing arguments as of {clockUtc(reveal.submittedAt)} (audit entry {reveal.data.auditId}).{" "}
          <Button variant="inline" onClick={() => reveal.reset()}>
            Hide them
          </Button>
        </p>
      ) : null}
      {reveal.error ? <p className="text-bad text-xs">Not revealed: {reveal.error.message}</p> : null}
      {error && !shown ? <p className="text-bad text-sm">Slow log unavailable: {error.message}</p> : null}
      {shown ? <Entries data={shown} /> : null}
    </Card>
  );
}
