"use client";
// The audit log: every action attempt (intent, then outcome), filtered, newest first, with CSV export.

import { useState } from "react";
import { apiUrl } from "@/components/api";
import { Card } from "@/components/ui/card";
import { Button, buttonStyle } from "@/components/ui/button";
import type { PatternRef } from "@/lib/audit/describe";
import { auditOutcomeSchema, type AuditResponse } from "@/lib/schemas/audit";
import { actionNames } from "@/lib/schemas/actions";
import { AuditTable } from "./audit-table";
import { useAudit, type AuditFilters } from "./use-audit";

const SINCE: { label: string; hours: number | null }[] = [
  { label: "any time", hours: null },
  { label: "last hour", hours: 1 },
  { label: "last 24 h", hours: 24 },
  { label: "last 7 days", hours: 24 * 7 },
  { label: "last 30 days", hours: 24 * 30 },
];

const field = "border-line bg-panel text-fg rounded border px-2 py-1 text-sm";

export function AuditClient({
  instances,
  actions,
  initial,
  patterns,
}: {
  instances: string[];
  /** Action names seen in the log beyond the guarded five (ops actions, "invalid"). */
  actions: string[];
  initial: AuditResponse;
  /** The policy's patterns, to name the pattern of the keys an entry lists. */
  patterns: PatternRef[];
}) {
  const [filters, setFilters] = useState<Omit<AuditFilters, "since">>({});
  const [sinceHours, setSinceHours] = useState<number | null>(null);
  const [sinceAt, setSinceAt] = useState<string | undefined>(undefined);
  const all: AuditFilters = { ...filters, since: sinceAt };
  const isDefault = Object.values(all).every((v) => v === undefined || v === "");
  const audit = useAudit(all, isDefault ? initial : undefined);
  const entries = audit.data?.pages.flatMap((p) => p.entries) ?? [];
  const set = (name: keyof Omit<AuditFilters, "since">) => (value: string) =>
    setFilters((f) => ({ ...f, [name]: value === "" ? undefined : value }));
  const actionOptions = [...new Set([...actionNames, ...actions])];

  return (
    <div className="space-y-3">
      <Card className="space-y-2">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <div>
            <h1 className="text-lg font-semibold">Audit log</h1>
            <p className="text-muted text-sm">
              Every action attempt, allowed or not: an intent written before it runs, an outcome after. Each
              entry is chained to the previous one by SHA-256;{" "}
              <code className="font-mono">npm run audit:verify</code> checks the chain.
            </p>
          </div>
          <a href={apiUrl.audit({ ...all, format: "csv", limit: 1000 })} download className={buttonStyle()}>
            Export CSV
          </a>
        </div>
        <form
          className="flex flex-wrap items-center gap-2"
          onSubmit={(e) => e.preventDefault()}
          aria-label="Filters"
        >
          <select
            aria-label="Instance"
            className={field}
            value={filters.instance ?? ""}
            onChange={(e) => set("instance")(e.target.value)}
          >
            <option value="">all instances</option>
            {instances.map((i) => (
              <option key={i} value={i}>
                {i}
              </option>
            ))}
          </select>
          <input
            aria-label="Actor"
            placeholder="Actor (exact)"
            className={field}
            value={filters.actor ?? ""}
            onChange={(e) => set("actor")(e.target.value)}
          />
          <select
            aria-label="Action"
            className={field}
            value={filters.action ?? ""}
            onChange={(e) => set("action")(e.target.value)}
          >
            <option value="">all actions</option>
            {actionOptions.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
          <select
            aria-label="Outcome"
            className={field}
            value={filters.outcome ?? ""}
            onChange={(e) => set("outcome")(e.target.value)}
          >
            <option value="">all outcomes</option>
            {auditOutcomeSchema.options.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
          <select
            aria-label="Since"
            className={field}
            value={sinceHours ?? ""}
            onChange={(e) => {
              const hours = e.target.value === "" ? null : Number(e.target.value);
              setSinceHours(hours);
              setSinceAt(hours === null ? undefined : new Date(Date.now() - hours * 3_600_000).toISOString());
            }}
          >
            {SINCE.map((s) => (
              <option key={s.label} value={s.hours ?? ""}>
                {s.label}
              </option>
            ))}
          </select>
        </form>
      </Card>
      {audit.isError ? (
        <p role="alert" className="border-bad/40 bg-bad-soft text-bad rounded border px-2 py-1.5">
          Could not load the audit log: {audit.error.message}{" "}
          <Button variant="inline" onClick={() => audit.refetch()}>
            Retry
          </Button>
        </p>
      ) : null}
      <AuditTable entries={entries} patterns={patterns} />
      {audit.hasNextPage ? (
        <Button
          onClick={() => audit.fetchNextPage()}
          disabled={audit.isFetchingNextPage}
          size="sm"
          className="text-sm"
        >
          {audit.isFetchingNextPage ? "Loading…" : "Load older entries"}
        </Button>
      ) : null}
    </div>
  );
}
