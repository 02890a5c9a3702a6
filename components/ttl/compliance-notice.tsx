"use client";
// "TTL compliance unknown since {time}: {reason}": the same alert the overview shows, so the TTL page
// never reads as an all-clear when the scans could not vouch for the keyspace.

import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { useOverview } from "@/components/overview/use-overview";

export function ComplianceNotice({ instanceId }: { instanceId: string }) {
  const { data } = useOverview(instanceId);
  const alert = data?.alerts.find((a) => a.rule === "ttl-compliance-unknown");
  if (!alert) return null;
  return (
    <p
      role="status"
      data-testid="ttl-compliance-unknown"
      className="border-warn/50 bg-warn-soft text-fg flex flex-wrap items-baseline gap-2 rounded-md border px-3 py-2 text-sm"
    >
      <Badge tone="warn" className="uppercase">
        unknown
      </Badge>
      <span>{alert.summary}.</span>
      <span className="text-muted">
        Counts below are from the last scan that finished; they cannot confirm that no key lacks a TTL.{" "}
        <Link href={`/i/${encodeURIComponent(instanceId)}/ops`} className="text-accent hover:underline">
          What the console&apos;s Redis user may run
        </Link>
      </span>
    </p>
  );
}
