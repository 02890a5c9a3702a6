"use client";
// The weekly key-distribution review of one instance: per-pattern table and TTL histograms, keys
// outside the patterns, biggest keys, week-over-week change and the capacity projection.

import Link from "next/link";
import { apiUrl } from "@/components/api";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, Stat } from "@/components/ui/card";
import { formatBytes, formatCount, formatCountOf, formatTime } from "@/lib/format";
import { scanDuration } from "@/lib/format";
import { ApiClientError } from "@/lib/http/fetch-json";
import type { Review, ReviewFormat } from "@/lib/schemas/review";
import { CapacitySection } from "./capacity-section";
import { EffectivenessSection } from "./effectiveness-section";
import { BiggestKeys, OutsideKeys } from "./key-tables";
import { PatternTable } from "./pattern-table";
import { ReviewNodes, type ReviewNodesInitial } from "./review-nodes";
import { ReviewSkeleton } from "./review-skeleton";
import { signed } from "./status";
import { TtlHistogram } from "./ttl-histogram";
import { useReview } from "./use-review";

export function ReviewClient({
  instanceId,
  initialData,
  initialNodes = { scan: null, latestFinished: null },
}: {
  instanceId: string;
  initialData?: Review;
  initialNodes?: ReviewNodesInitial;
}) {
  // No initial review: the server found no finished scan. Asking the API would only answer 409,
  // which the browser logs as a failed load on every visit; the empty state says what to do.
  const query = useReview(instanceId, initialData, { enabled: initialData !== undefined });
  if (initialData === undefined) return <NoScanYet instanceId={instanceId} />;
  if (query.isPending) return <ReviewSkeleton />;
  if (query.isError) {
    if (query.error instanceof ApiClientError && query.error.status === 409)
      return <NoScanYet instanceId={instanceId} />;
    return (
      <Card className="border-bad/60" role="alert">
        <h2 className="text-bad font-semibold">The review could not be loaded</h2>
        <p className="mt-1">{query.error.message}</p>
        <Button onClick={() => query.refetch()} size="sm" className="mt-3">
          Retry
        </Button>
      </Card>
    );
  }
  return <ReviewView review={query.data} nodes={initialNodes} />;
}

function NoScanYet({ instanceId }: { instanceId: string }) {
  return (
    <Card data-testid="review-empty">
      <h2 className="text-base font-semibold">No scan yet</h2>
      <p className="text-muted mt-1">
        The weekly review is computed from a keyspace scan, and this instance has no finished scan. Start one
        on the TTL page; scheduled scans also run on their own.
      </p>
      <Link
        href={`/i/${encodeURIComponent(instanceId)}/ttl`}
        className="border-accent bg-accent text-panel mt-3 inline-block rounded border px-3 py-1 font-medium hover:opacity-90"
      >
        Scan now on the TTL page
      </Link>
    </Card>
  );
}

const FORMATS: { format: ReviewFormat; label: string }[] = [
  { format: "csv", label: "CSV" },
  { format: "json", label: "JSON" },
  { format: "md", label: "Markdown" },
];

function ExportButtons({ instanceId }: { instanceId: string }) {
  return (
    <div className="flex flex-wrap items-center gap-1.5" aria-label="Export the review">
      <span className="text-muted text-xs">Export</span>
      {FORMATS.map(({ format, label }) => (
        <a
          key={format}
          href={apiUrl.instance(instanceId).review({ format, download: true })}
          download
          data-testid={`export-${format}`}
          className="border-line bg-panel hover:bg-sunken rounded border px-2.5 py-1 text-sm"
        >
          {label}
        </a>
      ))}
    </div>
  );
}

function Header({ review }: { review: Review }) {
  const s = review.scan;
  const c = s.classes;
  return (
    <Card>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h2 className="text-base font-semibold">Weekly key-distribution review</h2>
          <p className="text-muted text-xs">
            Scan of {formatTime(s.startedAt)} · match <span className="font-mono">{s.match}</span> · {s.mode}{" "}
            mode · {scanDuration(s.durationMs)}
            {s.vanished > 0 ? ` · ${formatCountOf(s.vanished, "key")} expired during the scan` : ""}
          </p>
        </div>
        <ExportButtons instanceId={review.instance.id} />
      </div>
      <dl className="mt-3 grid grid-cols-2 gap-3 sm:grid-cols-4">
        <Stat
          label="Keys"
          value={formatCountOf(s.keys, "key")}
          hint={review.change ? `${signed(review.change.keys, formatCount)} in a week` : undefined}
        />
        <Stat
          label="Memory (MEMORY USAGE sum)"
          value={formatBytes(s.bytes)}
          hint={review.change ? `${signed(review.change.bytes, formatBytes)} in a week` : undefined}
        />
        <Stat label="Policy" value={`${formatCount(c.ok)} ok`} hint={`of ${formatCountOf(s.keys, "key")}`} />
        <Stat label="Generated" value={formatTime(review.generatedAt)} />
      </dl>
      <div className="mt-3 flex flex-wrap gap-1.5" aria-label="Keys per class">
        <ClassCount label="no TTL" value={c.noTtl} tone="bad" delta={review.change?.classes.noTtl} />
        <ClassCount
          label="above standard"
          value={c.aboveStandard}
          tone="warn"
          delta={review.change?.classes.aboveStandard}
        />
        <ClassCount
          label="unknown pattern"
          value={c.unknownPattern}
          tone="warn"
          delta={review.change?.classes.unknownPattern}
        />
        <ClassCount label="foreign" value={c.foreign} tone="warn" delta={review.change?.classes.foreign} />
        <ClassCount
          label="possible PII"
          value={c.possiblePii}
          tone="warn"
          delta={review.change?.classes.possiblePii}
        />
      </div>
    </Card>
  );
}

function ClassCount({
  label,
  value,
  tone,
  delta,
}: {
  label: string;
  value: number;
  tone: "bad" | "warn";
  delta: number | undefined;
}) {
  return (
    <Badge tone={value > 0 ? tone : "ok"}>
      {formatCount(value)} {label}
      {delta !== undefined ? (
        <span className="font-normal opacity-80">({signed(delta, formatCount)} week)</span>
      ) : null}
    </Badge>
  );
}

function ChangeNote({ review }: { review: Review }) {
  return (
    <p className="text-muted text-xs" data-testid="change-note">
      Week-over-week: {review.changeNote}.
    </p>
  );
}

export function ReviewView({ review, nodes }: { review: Review; nodes?: ReviewNodesInitial }) {
  const now = Date.parse(review.generatedAt);
  return (
    <div className="space-y-4">
      <Header review={review} />
      {nodes ? <ReviewNodes instanceId={review.instance.id} scanId={review.scan.id} initial={nodes} /> : null}
      <Card aria-labelledby="patterns-title">
        <h2 id="patterns-title" className="mb-2 text-base font-semibold">
          Patterns
        </h2>
        <PatternTable review={review} />
        <div className="mt-2">
          <ChangeNote review={review} />
        </div>
      </Card>
      <EffectivenessSection review={review} />
      <Card aria-labelledby="ttl-title">
        <h2 id="ttl-title" className="text-base font-semibold">
          TTL histograms
        </h2>
        <p className="text-muted mb-3 text-xs">
          Keys per TTL range; red: no TTL, amber: every TTL in the range is above the pattern&apos;s standard.
        </p>
        <div className="grid gap-4 md:grid-cols-2">
          {review.patterns.map((p) => (
            <TtlHistogram key={p.name} pattern={p} />
          ))}
        </div>
      </Card>
      <div className="grid gap-4 lg:grid-cols-2">
        <OutsideKeys
          title="Unknown patterns"
          group={review.unknownPattern}
          testId="unknown-patterns"
          empty="Every key under the namespace matches a pattern."
        />
        <OutsideKeys
          title="Foreign keys"
          group={review.foreign}
          testId="foreign-keys"
          empty="No keys outside the namespace: the instance is dedicated."
        />
      </div>
      <div className="grid gap-4 xl:grid-cols-2">
        <BiggestKeys
          title="Biggest keys by memory"
          entries={review.biggest.byMemory}
          by="memory"
          testId="biggest-memory"
        />
        <BiggestKeys
          title="Biggest keys by element count"
          entries={review.biggest.byLength}
          by="length"
          testId="biggest-length"
        />
      </div>
      <CapacitySection capacity={review.capacity} now={now} />
    </div>
  );
}
