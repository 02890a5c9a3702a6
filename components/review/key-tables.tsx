import { Card } from "@/components/ui/card";
import { Table, TableHead, Th } from "@/components/ui/table";
import { formatBytes, formatCount, formatCountOf, formatDuration } from "@/lib/format";
import type { OutsideGroup } from "@/lib/schemas/review";
import type { ScanBiggestEntry } from "@/lib/schemas/scans";

export function BiggestKeys({
  title,
  entries,
  by,
  testId,
}: {
  title: string;
  entries: ScanBiggestEntry[];
  by: "memory" | "length";
  testId: string;
}) {
  return (
    <Card aria-label={title} data-testid={testId} className="min-w-0">
      <h3 className="mb-2 font-semibold">{title}</h3>
      {entries.length === 0 ? (
        <p className="text-muted">
          {by === "length"
            ? "No collections (hash, list, set, zset, stream) in this scan."
            : "No keys in this scan."}
        </p>
      ) : (
        <Table className="table-fixed">
          <colgroup>
            <col className="w-8" />
            <col />
            <col className="w-16" />
            <col className="w-20" />
            <col className="w-20" />
            <col className="w-24" />
          </colgroup>
          <TableHead>
            <Th className="text-right">#</Th>
            <Th>Key</Th>
            <Th>Type</Th>
            <Th className="text-right">{by === "memory" ? "Memory" : "Elements"}</Th>
            <Th className="text-right">{by === "memory" ? "Elements" : "Memory"}</Th>
            <Th className="text-right">TTL</Th>
          </TableHead>
          <tbody>
            {entries.map((e, i) => {
              const elements = e.type === "string" ? "—" : formatCount(e.length);
              return (
                <tr key={e.keyBase64} className="border-line border-t">
                  <td className="tabular text-muted px-2 py-1 text-right">{i + 1}</td>
                  <td className="px-2 py-1 font-mono break-all">{e.key}</td>
                  <td className="px-2 py-1">{e.type}</td>
                  <td className="tabular px-2 py-1 text-right font-semibold whitespace-nowrap">
                    {by === "memory" ? formatBytes(e.bytes) : elements}
                  </td>
                  <td className="tabular px-2 py-1 text-right whitespace-nowrap">
                    {by === "memory" ? elements : formatBytes(e.bytes)}
                  </td>
                  <td
                    className={`tabular px-2 py-1 text-right whitespace-nowrap ${e.ttl === -1 ? "text-bad" : ""}`}
                  >
                    {formatDuration(e.ttl)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </Table>
      )}
    </Card>
  );
}

export function OutsideKeys({
  title,
  group,
  testId,
  empty,
}: {
  title: string;
  group: OutsideGroup;
  testId: string;
  empty: string;
}) {
  return (
    <Card aria-label={title} data-testid={testId} className="min-w-0">
      <h3 className="mb-2 font-semibold">
        {title}{" "}
        <span className={`tabular ${group.total > 0 ? "text-warn" : "text-muted"}`}>
          ({formatCount(group.total)} {group.total === 1 ? "key" : "keys"})
        </span>
      </h3>
      {group.total === 0 ? (
        <p className="text-muted">{empty}</p>
      ) : (
        <div className="space-y-3">
          {group.prefixes.length > 0 ? (
            <table className="w-full border-collapse text-sm">
              <thead className="text-muted text-left text-xs">
                <tr>
                  <th className="py-1 font-medium">Group</th>
                  <th className="py-1 text-right font-medium">Keys</th>
                  <th className="py-1 text-right font-medium">Memory</th>
                </tr>
              </thead>
              <tbody>
                {group.prefixes.map((p) => (
                  <tr key={p.prefix} className="border-line border-t">
                    <td className="py-1 font-mono break-all">{p.prefix}*</td>
                    <td className="tabular py-1 text-right">{formatCount(p.keys)}</td>
                    <td className="tabular py-1 text-right">{formatBytes(p.bytes)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          <div>
            <p className="text-muted mb-1 text-xs">
              First {group.sample.length} of {formatCountOf(group.total, "key")}
            </p>
            <ul className="space-y-0.5 font-mono text-xs">
              {group.sample.map((e) => (
                <li key={e.keyBase64} className="break-all">
                  {e.key}{" "}
                  <span className="text-muted font-sans">
                    · {e.type} · {formatDuration(e.ttl)} · {formatBytes(e.bytes)}
                  </span>
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}
    </Card>
  );
}
