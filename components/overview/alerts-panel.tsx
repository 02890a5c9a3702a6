"use client";
// Active alerts at the top of the overview, each with what to check (linking to the console page
// that shows it) and what to do. Each has the anchor `alert-<rule>` (a node's: `alert-<rule>-<node>`);
// a link to it opens it.

import Link from "next/link";
import { useEffect } from "react";
import { Badge, type Tone } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";
import type { OverviewAlert } from "@/lib/schemas/overview";
import { formatDuration } from "@/lib/format";
import { clockUtc } from "./time";

/**
 * The element id of an alert on the overview: `/i/{id}#alert-<rule>` opens and shows it; a node's
 * alert is `alert-<rule>-<host:port>`; a command's (command-latency) adds `-<command>`.
 */
export const alertAnchor = (rule: string, node?: string, command?: string) =>
  [`alert-${rule}`, node, command].filter(Boolean).join("-");

/** Opens the alert the URL's hash names, on load and when the hash changes (after hydration). */
function useOpenHashedAlert(): void {
  useEffect(() => {
    const open = () => {
      const id = decodeURIComponent(window.location.hash.slice(1));
      const target = id.startsWith("alert-") ? document.getElementById(id) : null;
      if (!(target instanceof HTMLDetailsElement)) return;
      target.open = true;
      target.scrollIntoView({ block: "start" });
    };
    open();
    window.addEventListener("hashchange", open);
    return () => window.removeEventListener("hashchange", open);
  }, []);
}

const stateTone = (a: OverviewAlert): Tone =>
  a.state === "pending" ? "warn" : a.severity === "info" ? "info" : "bad";

function Steps({ title, steps }: { title: string; steps: OverviewAlert["runbook"]["check"] }) {
  return (
    <div>
      <h4 className="text-muted text-xs font-semibold tracking-wide uppercase">{title}</h4>
      <ul className="mt-1 list-disc space-y-0.5 pl-4">
        {steps.map((s) => (
          <li key={s.text}>
            {s.href ? (
              <Link href={s.href} className="text-accent hover:underline">
                {s.text}
              </Link>
            ) : (
              s.text
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function AlertsPanel({ alerts, dimmed }: { alerts: OverviewAlert[]; dimmed: boolean }) {
  useOpenHashedAlert();
  if (alerts.length === 0) {
    return (
      <p data-testid="no-alerts" className="border-ok/40 bg-ok-soft text-ok rounded-md border px-3 py-2">
        ✓ No active alerts{dimmed ? " (as of the last data)" : ""}.
      </p>
    );
  }
  return (
    <section aria-label="Active alerts" className={cn("space-y-2", dimmed && "opacity-70")}>
      {alerts.map((a) => (
        <details
          key={`${a.rule} ${a.node ?? ""} ${a.command ?? ""}`}
          id={alertAnchor(a.rule, a.node, a.command)}
          open={a.state === "firing" || alerts.length <= 2}
          data-testid="alert"
          data-rule={a.rule}
          data-node={a.node}
          data-state={a.state}
          className={cn(
            "bg-panel rounded-md border px-3 py-2",
            a.state === "firing" && a.severity !== "info" ? "border-bad/60" : "border-warn/50",
          )}
        >
          <summary className="flex cursor-pointer flex-wrap items-center gap-2">
            <Badge tone={stateTone(a)} className="uppercase">
              {a.state}
            </Badge>
            <Badge tone="neutral">{a.severity}</Badge>
            <span className="font-semibold">{a.title}</span>
            <span className="text-muted">{a.summary}</span>
            <span className="text-muted ml-auto text-xs">
              since {clockUtc(a.since)}
              {a.state === "pending" ? ` · fires after ${formatDuration(a.forSeconds)}` : ""}
            </span>
          </summary>
          <div data-testid="runbook" className="border-line mt-2 grid gap-3 border-t pt-2 md:grid-cols-2">
            <Steps title="Check" steps={a.runbook.check} />
            <Steps title="Do" steps={a.runbook.do} />
          </div>
        </details>
      ))}
    </section>
  );
}
