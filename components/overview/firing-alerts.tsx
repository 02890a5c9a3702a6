"use client";

// The firing alerts of one instance, for its card on the home page (from the stored overview);
// each links to that alert, opened, on the instance's overview.
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { alertAnchor } from "./alerts-panel";
import { useOverview } from "./use-overview";

export function FiringAlerts({ id }: { id: string }) {
  const { data } = useOverview(id);
  const firing = data?.alerts.filter((a) => a.state === "firing") ?? [];
  const pending = data?.alerts.filter((a) => a.state === "pending").length ?? 0;
  if (!data) return null;
  if (firing.length === 0) {
    return (
      <p data-testid="card-alerts" className="text-muted mt-2 text-xs">
        No firing alerts{pending > 0 ? ` · ${pending} pending` : ""}
      </p>
    );
  }
  return (
    <ul data-testid="card-alerts" aria-label="Firing alerts" className="mt-2 flex flex-wrap gap-1">
      {firing.map((a) => (
        <li key={`${a.rule} ${a.node ?? ""} ${a.command ?? ""}`}>
          <Link
            href={`/i/${encodeURIComponent(id)}#${alertAnchor(a.rule, a.node, a.command)}`}
            className="hover:underline"
          >
            <Badge tone={a.severity === "info" ? "info" : "bad"} className="whitespace-normal">
              ● firing: {a.title} — {a.summary}
            </Badge>
          </Link>
        </li>
      ))}
      {pending > 0 ? (
        <li>
          <Badge tone="warn">{pending} pending</Badge>
        </li>
      ) : null}
    </ul>
  );
}
