import { Badge } from "@/components/ui/badge";
import { Table, TableHead, Th } from "@/components/ui/table";
import { formatBytes, formatCount, formatDuration, formatPercent } from "@/lib/format";
import type { Review } from "@/lib/schemas/review";
import { keysStatusBadge, signed, sizeFlagBadge } from "./status";

const td = "px-2 py-1.5 whitespace-nowrap";

/** One row per policy pattern: keys vs expected, memory, average vs typical size, violations, weekly change. */
export function PatternTable({ review }: { review: Review }) {
  const hasChange = review.change !== null;
  return (
    <Table data-testid="pattern-table">
      <TableHead>
        <Th>Pattern</Th>
        <Th className="text-right">Keys</Th>
        <Th>Expected</Th>
        <Th className="text-right">Memory</Th>
        <Th className="text-right">Avg size</Th>
        <Th>vs typical</Th>
        <Th className="text-right">Standard TTL</Th>
        <Th className="text-right">No TTL</Th>
        <Th className="text-right">Above std</Th>
        <Th className="text-right">Possible PII</Th>
        <Th className="text-right">Week Δ keys</Th>
        <Th className="text-right">Week Δ memory</Th>
      </TableHead>
      <tbody>
        {review.patterns.map((p) => {
          const status = keysStatusBadge[p.keysStatus];
          const size = p.sizeFlag ? sizeFlagBadge[p.sizeFlag] : null;
          return (
            <tr key={p.name} className="border-line border-t" data-pattern={p.name}>
              <td className="px-2 py-1.5">
                <div className="font-medium">{p.name}</div>
                <div className="text-muted font-mono text-xs">{p.pattern}</div>
              </td>
              <td className={`${td} tabular text-right font-semibold`}>{formatCount(p.keys)}</td>
              <td className={td}>
                <span className="tabular text-muted mr-1.5">
                  {formatCount(p.expected.min)}–{formatCount(p.expected.max)}
                </span>
                <Badge tone={status.tone}>{status.word}</Badge>
              </td>
              <td className={`${td} tabular text-right`}>
                {p.sizeUnknown > 0 && p.sizeUnknown === p.keys
                  ? "unknown"
                  : `${p.sizeUnknown > 0 ? "≥ " : ""}${formatBytes(p.bytes)}`}
                <div className="text-muted text-xs">
                  {p.sizeUnknown > 0
                    ? `sizes of ${formatCount(p.sizeUnknown)} key${p.sizeUnknown === 1 ? "" : "s"} unknown`
                    : `${formatPercent(p.shareOfBytes)} of total`}
                </div>
              </td>
              <td className={`${td} tabular text-right`}>{formatBytes(p.avgBytes)}</td>
              <td className={td}>
                <span className="tabular text-muted mr-1.5">
                  {formatBytes(p.typicalBytes)}
                  {p.sizeRatio !== null ? ` · ${p.sizeRatio.toFixed(2)}×` : ""}
                </span>
                {size ? (
                  <Badge tone={size.tone}>{size.word}</Badge>
                ) : (
                  <span className="text-muted">no keys</span>
                )}
              </td>
              <td className={`${td} tabular text-right`}>{formatDuration(p.standardTtlSeconds)}</td>
              <Count value={p.noTtl} tone="text-bad" />
              <Count value={p.aboveStandard} tone="text-warn" />
              <Count value={p.possiblePii} tone="text-warn" />
              <td className={`${td} tabular text-right`}>
                {hasChange && p.change ? signed(p.change.keys, formatCount) : "—"}
              </td>
              <td className={`${td} tabular text-right`}>
                {hasChange && p.change ? signed(p.change.bytes, formatBytes) : "—"}
              </td>
            </tr>
          );
        })}
      </tbody>
    </Table>
  );
}

function Count({ value, tone }: { value: number; tone: string }) {
  return (
    <td className={`${td} tabular text-right ${value > 0 ? `font-semibold ${tone}` : "text-muted"}`}>
      {formatCount(value)}
    </td>
  );
}
