// Per-pattern cache effectiveness from the scan: keys read since written, keys never read, when
// they were last read as a share of the TTL, and the TTL recommendations drawn from them, with
// what the figures assume. Nothing is shown for a pattern whose figures the policy makes meaningless.
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { Table, TableHead, Th } from "@/components/ui/table";
import { formatCount, formatCountOf, formatPercent } from "@/lib/format";
import { NEVER_READ_SHARE_THRESHOLD } from "@/lib/review/build";
import type { Review, ReviewPattern } from "@/lib/schemas/review";

const td = "px-2 py-1.5 whitespace-nowrap";

const MODE_WORD: Record<"idle" | "freq" | "mixed", string> = {
  idle: "idle time",
  freq: "LFU counter",
  mixed: "idle time and LFU counter",
};

type Effectiveness = NonNullable<ReviewPattern["effectiveness"]>;

function notJudgedText(e: Effectiveness): string {
  const n = e.notJudged;
  const parts = [
    [n.notString, "not strings"],
    [n.ttlOutside, "TTL none or above standard"],
    [n.tooYoung, `written < ${e.toleranceSeconds} s ago`],
    [n.unknown, "figure not read"],
    [n.inconsistent, "TTL set after the write"],
  ] as const;
  return parts
    .filter(([count]) => count > 0)
    .map(([count, why]) => `${formatCount(count)} ${why}`)
    .join(" · ");
}

/** Ten bars, last read at 0-10 % ... 90-100 % of the TTL, as a share of the read keys. */
function LastReadBars({ e }: { e: Effectiveness }) {
  const buckets = e.lastReadHistogram;
  if (!buckets) return <span className="text-muted text-xs">no time of last read under LFU</span>;
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const label = buckets
    .map((b) => `${Math.round(b.from * 100)}–${Math.round(b.to * 100)} %: ${formatCountOf(b.count, "key")}`)
    .join("; ");
  return (
    <figure
      className="flex items-end gap-px"
      aria-label={`last read at x % of the TTL: ${label}`}
      title={label}
    >
      {buckets.map((b) => (
        <span
          key={b.from}
          className={b.from >= 0.9 ? "bg-warn w-2" : "bg-accent w-2"}
          style={{ height: `${Math.max(b.count > 0 ? 2 : 0, Math.round((b.count / max) * 24))}px` }}
        />
      ))}
      <span className="text-muted ml-1 text-[10px]">0 → 100 % of TTL</span>
    </figure>
  );
}

function Row({ p }: { p: ReviewPattern }) {
  const e = p.effectiveness;
  if (!e || e.mode === null) {
    return (
      <tr className="border-line border-t" data-pattern={p.name} data-testid="effectiveness-row">
        <td className="px-2 py-1.5 font-medium">{p.name}</td>
        <td className="text-muted px-2 py-1.5 text-xs" colSpan={5}>
          not shown: {e?.reason ?? "this scan read no access figures"}
        </td>
      </tr>
    );
  }
  const high = (e.neverReadShare ?? 0) >= NEVER_READ_SHARE_THRESHOLD;
  return (
    <tr className="border-line border-t" data-pattern={p.name} data-testid="effectiveness-row">
      <td className="px-2 py-1.5">
        <div className="font-medium">{p.name}</div>
        <div className="text-muted text-xs">by {MODE_WORD[e.mode]}</div>
      </td>
      <td className={`${td} tabular text-right`}>
        {formatCount(e.judged)}
        {e.sampleEvery > 1 ? (
          <div className="text-muted text-xs">sample: 1 string key in {formatCount(e.sampleEvery)}</div>
        ) : null}
        <div className="text-muted text-xs">{notJudgedText(e) || "every key judged"}</div>
      </td>
      <td className={`${td} tabular text-right`} data-testid="read-share">
        {formatPercent(e.readShare, 0)}
        <div className="text-muted text-xs">{formatCountOf(e.read, "key")}</div>
      </td>
      <td className={`${td} tabular text-right`} data-testid="never-read-share">
        <span className="mr-1.5">{formatPercent(e.neverReadShare, 0)}</span>
        <Badge tone={high ? "warn" : "ok"}>{high ? "high" : "low"}</Badge>
        <div className="text-muted text-xs">{formatCountOf(e.neverRead, "key")}</div>
      </td>
      <td className={td}>
        <LastReadBars e={e} />
      </td>
    </tr>
  );
}

export function EffectivenessSection({ review }: { review: Review }) {
  const recommendations = review.patterns.flatMap((p) =>
    p.recommendations.map((r) => ({ pattern: p.name, r })),
  );
  return (
    <Card aria-labelledby="effectiveness-title" data-testid="effectiveness">
      <h2 id="effectiveness-title" className="text-base font-semibold">
        Cache effectiveness
      </h2>
      <p className="text-muted mb-2 text-xs">
        Of each pattern&apos;s keys written with its standard TTL: read since written, never read, and when
        they were last read as a share of the TTL (amber: the last 10 %).
      </p>
      <Table data-testid="effectiveness-table">
        <TableHead>
          <Th>Pattern</Th>
          <Th className="text-right">Keys judged</Th>
          <Th className="text-right">Read since written</Th>
          <Th className="text-right">Never read</Th>
          <Th>Last read at x % of TTL</Th>
        </TableHead>
        <tbody>
          {review.patterns.map((p) => (
            <Row key={p.name} p={p} />
          ))}
        </tbody>
      </Table>
      <h3 className="mt-3 mb-1 text-sm font-semibold">TTL recommendations</h3>
      {recommendations.length === 0 ? (
        <p className="text-muted text-xs" data-testid="no-recommendations">
          None: no pattern has many never-read keys or keys still read at the end of their life (or too few
          keys were judged).
        </p>
      ) : (
        <ul className="space-y-1 text-sm" data-testid="recommendations">
          {recommendations.map(({ pattern, r }) => (
            <li key={`${pattern}-${r.kind}`} data-pattern={pattern} data-kind={r.kind}>
              <Badge tone={r.kind === "never-read" ? "warn" : "info"} className="mr-1.5">
                {r.kind === "never-read" ? "memory without hits" : "longer TTL"}
              </Badge>
              {r.text}.
            </li>
          ))}
        </ul>
      )}
      <p className="text-muted mt-2 text-xs" data-testid="effectiveness-note">
        {review.effectivenessNote}
      </p>
    </Card>
  );
}
