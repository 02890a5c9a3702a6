// Per-node breakdown of a cluster scan: which server held which slots, how many keys and bytes
// it had, and whether its part was scanned to the end. Slots a scan did not cover come first, in
// red. A standalone or sentinel scan (one server, no slots) shows nothing: it is the whole page.
import { Badge, type Tone } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { ScrollX } from "@/components/ui/scroll-x";
import { formatBytes, formatCount, formatCountOf, formatTime } from "@/lib/format";
import type { ScanJob, ScanNode, ScanNodeStatus, ScanResult, SlotRange } from "@/lib/schemas/scans";

const STATUS: Record<ScanNodeStatus, { tone: Tone; word: string }> = {
  done: { tone: "ok", word: "done" },
  retried: { tone: "warn", word: "retried" },
  failed: { tone: "bad", word: "failed" },
  cancelled: { tone: "neutral", word: "cancelled" },
};

/** "0-5460, 10923-16383" as an operator reads slot ranges. */
export function slotsText(ranges: SlotRange[]): string {
  return ranges.map(([a, b]) => (a === b ? String(a) : `${a}-${b}`)).join(", ");
}

function slotTotal(ranges: SlotRange[]): number {
  return ranges.reduce((n, [a, b]) => n + b - a + 1, 0);
}

/** Whether a result comes from a cluster (several parts, or slot ranges): the breakdown is worth showing. */
export function isClusterScan(result: Pick<ScanResult, "nodes" | "uncoveredSlots">): boolean {
  const nodes = result.nodes ?? [];
  return (
    nodes.length > 1 || nodes.some((n) => n.slots.length > 0) || (result.uncoveredSlots ?? []).length > 0
  );
}

/** The slots a scan did not cover, said plainly (nothing when it covered all). */
export function UncoveredSlots({ slots, failed }: { slots: SlotRange[]; failed: ScanNode[] }) {
  if (slots.length === 0) return null;
  return (
    <p
      role="alert"
      data-testid="scan-uncovered-slots"
      className="border-bad/40 bg-bad-soft text-bad rounded border px-2 py-1.5 text-sm"
    >
      <strong>Not covered:</strong> slots {slotsText(slots)} ({formatCountOf(slotTotal(slots), "slot")} of
      16,384)
      {failed.length > 0 ? ` (${failed.map((n) => n.address).join(", ")} failed)` : ""}: the keys there are
      missing from the counts and lists of this scan.
    </p>
  );
}

export function NodeBreakdown({
  result,
  caption = "Nodes scanned",
}: {
  result: Pick<ScanResult, "nodes" | "uncoveredSlots">;
  caption?: string;
}) {
  if (!isClusterScan(result)) return null;
  const nodes = result.nodes ?? [];
  const uncovered = result.uncoveredSlots ?? [];
  return (
    <section className="space-y-1.5" aria-label={caption} data-testid="scan-nodes">
      <UncoveredSlots slots={uncovered} failed={nodes.filter((n) => n.status === "failed")} />
      <ScrollX label={caption} className="border-line bg-panel rounded-md border shadow-sm">
        <table className="w-full border-collapse text-sm" aria-label={caption}>
          <thead className="bg-sunken text-muted text-left text-xs">
            <tr>
              <th className="px-3 py-1.5 font-medium">Node</th>
              <th className="px-3 py-1.5 font-medium">Role</th>
              <th className="px-3 py-1.5 font-medium">Slots</th>
              <th className="px-3 py-1.5 text-right font-medium">Keys</th>
              <th className="px-3 py-1.5 text-right font-medium">Memory</th>
              <th className="px-3 py-1.5 font-medium">Status</th>
            </tr>
          </thead>
          <tbody>
            {nodes.map((n) => {
              const status = STATUS[n.status];
              return (
                <tr
                  key={`${n.address}-${n.slots[0]?.[0] ?? 0}`}
                  className="border-line border-t"
                  data-testid="scan-node"
                >
                  <td className="px-3 py-1 font-mono text-xs">
                    {n.address}
                    {n.failedNode ? (
                      <span className="text-muted block">after {n.failedNode} failed</span>
                    ) : null}
                  </td>
                  <td className="px-3 py-1">
                    {n.role}
                    {n.master ? <span className="text-muted"> of {n.master}</span> : null}
                  </td>
                  <td className="tabular px-3 py-1" title={`${formatCount(slotTotal(n.slots))} slots`}>
                    {n.slots.length > 0 ? slotsText(n.slots) : "all"}
                  </td>
                  <td className="tabular px-3 py-1 text-right">{formatCount(n.keys)}</td>
                  <td className="tabular px-3 py-1 text-right">{formatBytes(n.bytes)}</td>
                  <td className="px-3 py-1">
                    <Badge tone={status.tone}>{status.word}</Badge>
                    {n.error && n.status !== "done" ? (
                      <span className="text-muted ml-1 text-xs">{n.error}</span>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </ScrollX>
    </section>
  );
}

/**
 * A failed cluster scan newer than the counts shown: what it covered per node and which slots it
 * did not, so the operator sees which part of the keyspace is unknown. Nothing for other scans.
 */
export function FailedScanNodes({ job }: { job: ScanJob }) {
  const result = job.result;
  if (job.status !== "failed" || !result || !isClusterScan(result)) return null;
  return (
    <Card className="border-bad/60 space-y-2" data-testid="failed-scan-nodes">
      <h2 className="text-bad font-semibold">
        <Badge tone="bad">failed</Badge> The latest scan ({formatTime(job.finishedAt)}) did not cover the
        whole cluster
      </h2>
      {job.error ? <p className="text-sm">{job.error}</p> : null}
      <p className="text-muted text-sm">
        It read {formatCountOf(result.keys, "key")} before it ended; the counts and lists below stay those of
        the latest complete scan.
      </p>
      <NodeBreakdown result={result} caption="Nodes of the failed scan" />
    </Card>
  );
}
