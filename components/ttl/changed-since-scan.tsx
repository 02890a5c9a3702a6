// The mark of a scan whose lists and counts already follow the console's own fixes and deletes
// (lib/scan/changes.ts): "changed since scan: 36 keys fixed at 10:42:05 UTC".
import { formatCountOf } from "@/lib/format";
import type { ScanChanges } from "@/lib/schemas/scans";

/** "10:42:05 UTC" (the day is the scan's, shown beside it). */
function clock(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "—" : `${d.toISOString().slice(11, 19)} UTC`;
}

export function ChangedSinceScan({ changes }: { changes: ScanChanges }) {
  const parts: string[] = [];
  if (changes.fixed > 0) parts.push(`${formatCountOf(changes.fixed, "key")} fixed`);
  if (changes.deleted > 0) parts.push(`${formatCountOf(changes.deleted, "key")} deleted`);
  return (
    <p data-testid="changed-since-scan" className="text-muted text-xs">
      Changed since scan: {parts.join(", ")} at <time dateTime={changes.at}>{clock(changes.at)}</time>. The
      counts and lists leave those keys (re-read from Redis after each action); other TTLs are as the scan
      read them.
    </p>
  );
}
