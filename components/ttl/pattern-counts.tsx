// Per-pattern counts from the latest scan: keys, TTL violations, possible PII.
import { cn } from "@/components/ui/cn";
import { ScrollX } from "@/components/ui/scroll-x";
import { formatBytes, formatCount, formatCountOf, formatDuration } from "@/lib/format";
import type { ScanPattern } from "@/lib/schemas/scans";

export function PatternCounts({ patterns }: { patterns: ScanPattern[] }) {
  return (
    <ScrollX label="Keys per pattern" className="border-line bg-panel rounded-md border shadow-sm">
      <table className="w-full border-collapse text-sm" aria-label="Keys per pattern">
        <thead className="bg-sunken text-muted text-left text-xs">
          <tr>
            <th className="px-3 py-1.5 font-medium">Pattern</th>
            <th className="px-3 py-1.5 font-medium">Standard TTL</th>
            <th className="px-3 py-1.5 text-right font-medium">Keys</th>
            <th className="px-3 py-1.5 text-right font-medium">No TTL</th>
            <th className="px-3 py-1.5 text-right font-medium">Above standard</th>
            <th className="px-3 py-1.5 text-right font-medium">Possible PII</th>
            <th className="px-3 py-1.5 text-right font-medium">Memory</th>
          </tr>
        </thead>
        <tbody>
          {patterns.map((p) => (
            <tr key={p.name} className="border-line border-t" data-testid={`pattern-${p.name}`}>
              <td className="px-3 py-1">
                <span className="font-medium">{p.name}</span>{" "}
                <code className="text-muted font-mono text-xs">{p.pattern}</code>
              </td>
              <td className="tabular px-3 py-1">{formatDuration(p.standardTtlSeconds)}</td>
              <td className="tabular px-3 py-1 text-right">{formatCount(p.keys)}</td>
              <td className={cn("tabular px-3 py-1 text-right", p.noTtl > 0 && "text-bad font-semibold")}>
                {formatCount(p.noTtl)}
              </td>
              <td
                className={cn(
                  "tabular px-3 py-1 text-right",
                  p.aboveStandard > 0 && "text-warn font-semibold",
                )}
              >
                {formatCount(p.aboveStandard)}
              </td>
              <td
                className={cn("tabular px-3 py-1 text-right", p.possiblePii > 0 && "text-warn font-semibold")}
              >
                {formatCount(p.possiblePii)}
              </td>
              <td
                className="tabular px-3 py-1 text-right"
                title={
                  p.sizeUnknown > 0
                    ? `sizes of ${formatCountOf(p.sizeUnknown, "key")} unknown (MEMORY USAGE refused)`
                    : undefined
                }
              >
                {p.sizeUnknown > 0 && p.sizeUnknown === p.keys
                  ? "unknown"
                  : `${p.sizeUnknown > 0 ? "≥ " : ""}${formatBytes(p.bytes)}`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollX>
  );
}
