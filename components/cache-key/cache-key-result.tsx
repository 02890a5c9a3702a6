"use client";
// What the calculator found for one request (key, hash, canonical text, the key in Redis, the
// look-alike warnings) and, for two requests, whether they share a key and where they part.

import Link from "next/link";
import { TtlCountdown } from "@/components/keys/ttl-countdown";
import { CopyButton } from "@/components/ops/copy-button";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { formatBytes, formatCount } from "@/lib/format";
import type { CacheKeyResponse, CacheKeyResult } from "@/lib/schemas/cache-key";
import { keyBrowserUrl } from "./cache-key-url";

interface ResultProps {
  instanceId: string;
  title: string;
  result: CacheKeyResult;
  receivedAt: number;
}

export function CacheKeyResultView({ instanceId, title, result, receivedAt }: ResultProps) {
  return (
    <Card className="space-y-3" aria-label={title} data-testid="cache-key-result">
      <h2 className="font-semibold">{title}</h2>
      <dl className="grid grid-cols-[auto_minmax(0,1fr)] items-baseline gap-x-3 gap-y-2 text-sm">
        <dt className="text-muted">Key</dt>
        <dd className="flex min-w-0 items-start gap-2">
          <code className="font-mono break-all" data-testid="cache-key">
            {result.key}
          </code>
          <CopyButton text={result.key} label="Copy key" />
        </dd>
        <dt className="text-muted">In Redis</dt>
        <dd>
          <Existence instanceId={instanceId} result={result} receivedAt={receivedAt} />
        </dd>
        <dt className="text-muted">SHA-256</dt>
        <dd className="flex min-w-0 items-start gap-2">
          <code className="font-mono break-all" data-testid="cache-key-sha256">
            <strong>{result.sha256.slice(0, 16)}</strong>
            {result.sha256.slice(16)}
          </code>
          <CopyButton text={result.sha256} label="Copy SHA-256" />
        </dd>
        <dt className="text-muted">Canonical JSON</dt>
        <dd className="min-w-0 space-y-1">
          <pre
            className="bg-sunken max-h-64 overflow-auto rounded p-2 font-mono text-xs break-all whitespace-pre-wrap"
            data-testid="cache-key-canonical"
          >
            {result.canonical}
          </pre>
          <div className="flex items-center gap-2">
            <span className="text-muted tabular text-xs">
              {formatBytes(result.canonical.length)} hashed (ASCII)
            </span>
            <CopyButton text={result.canonical} label="Copy canonical JSON" />
          </div>
        </dd>
      </dl>
      <Warnings result={result} />
    </Card>
  );
}

function Existence({ instanceId, result, receivedAt }: Omit<ResultProps, "title">) {
  if (result.exists === "unknown") {
    return (
      <span className="flex flex-wrap items-center gap-2" data-testid="cache-key-exists">
        <Badge tone="warn">unknown</Badge>
        <span className="text-muted text-xs">
          {result.existsReason ?? "the console's Redis user may not read this key"}
        </span>
      </span>
    );
  }
  if (!result.exists) {
    return (
      <span className="flex flex-wrap items-center gap-2" data-testid="cache-key-exists">
        <Badge tone="neutral">not in Redis</Badge>
        <span className="text-muted text-xs">no such key now (never written, expired or evicted)</span>
      </span>
    );
  }
  const ttl = result.ttl ?? -1;
  return (
    <span className="flex flex-wrap items-center gap-x-3 gap-y-1" data-testid="cache-key-exists">
      <Badge tone="ok">exists</Badge>
      <span data-testid="cache-key-ttl">
        <TtlCountdown ttl={ttl} receivedAt={receivedAt} />
        {ttl >= 0 ? <span className="text-muted"> left</span> : null}
      </span>
      {result.type ? <span className="text-muted">{result.type}</span> : null}
      <span className="tabular" data-testid="cache-key-bytes" title="MEMORY USAGE">
        {result.bytes === null || result.bytes === undefined ? "size unknown" : formatBytes(result.bytes)}
      </span>
      <Link
        href={keyBrowserUrl(instanceId, result.key, result.keyBase64)}
        className="text-accent underline underline-offset-2"
      >
        Open in the key browser
      </Link>
    </span>
  );
}

function Warnings({ result }: { result: CacheKeyResult }) {
  const total = result.warnings.length + result.warningsOmitted;
  if (total === 0) {
    return (
      <p className="flex items-center gap-2 text-sm" data-testid="cache-key-warnings">
        <Badge tone="ok">no look-alike risks</Badge>
        <span className="text-muted text-xs">
          no unsorted lists, integral floats, rounded numbers, duplicate keys, non-NFC text or padded strings
        </span>
      </p>
    );
  }
  return (
    <section aria-label="Warnings" data-testid="cache-key-warnings" className="space-y-1">
      <h3 className="flex items-center gap-2 text-sm font-medium">
        <Badge tone="warn">
          {formatCount(total)} {total === 1 ? "warning" : "warnings"}
        </Badge>
        <span className="text-muted text-xs font-normal">
          requests that look the same could produce another key (the guide: normalize inputs)
        </span>
      </h3>
      <ul className="divide-line divide-y text-sm">
        {result.warnings.map((w, i) => (
          <li key={i} className="flex flex-wrap gap-x-3 py-1" data-kind={w.kind}>
            <code className="font-mono text-xs break-all">{w.path}</code>
            <span className="min-w-0 flex-1 break-words">{w.message}</span>
          </li>
        ))}
      </ul>
      {result.warningsOmitted > 0 ? (
        <p className="text-muted text-xs">and {formatCount(result.warningsOmitted)} more not listed</p>
      ) : null}
    </section>
  );
}

/** A window of the canonical text around `at`, with the character there marked. */
function Around({ text, at }: { text: string; at: number }) {
  const start = Math.max(0, at - 24);
  const end = Math.min(text.length, at + 24);
  return (
    <code className="bg-sunken block rounded px-2 py-1 font-mono text-xs break-all whitespace-pre-wrap">
      {start > 0 ? "…" : ""}
      {text.slice(start, at)}
      <mark className="bg-warn-soft text-warn font-semibold">{at < text.length ? text[at] : "⟂ end"}</mark>
      {text.slice(at + 1, end)}
      {end < text.length ? "…" : ""}
    </code>
  );
}

export function ComparisonView({
  instanceId,
  first,
  comparison,
  receivedAt,
}: {
  instanceId: string;
  first: CacheKeyResult;
  comparison: NonNullable<CacheKeyResponse["comparison"]>;
  receivedAt: number;
}) {
  const at = comparison.firstDifference;
  return (
    <>
      <Card className="space-y-2" aria-label="Comparison" data-testid="cache-key-comparison">
        <h2 className="flex items-center gap-2 font-semibold">
          Comparison
          {comparison.sameKey ? <Badge tone="ok">same key</Badge> : <Badge tone="warn">different keys</Badge>}
        </h2>
        <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-1 text-sm">
          <dt className="text-muted">First</dt>
          <dd className="font-mono break-all">{first.key}</dd>
          <dt className="text-muted">Second</dt>
          <dd className="font-mono break-all">{comparison.other.key}</dd>
        </dl>
        {at === null ? (
          <p className="text-muted text-sm">
            The canonical texts are identical: ISL caches both requests under one key.
          </p>
        ) : (
          <div className="space-y-1 text-sm">
            <p>
              The canonical texts first differ at character{" "}
              <span className="tabular">{formatCount(at + 1)}</span>:
            </p>
            <Around text={first.canonical} at={at} />
            <Around text={comparison.other.canonical} at={at} />
          </div>
        )}
      </Card>
      <CacheKeyResultView
        instanceId={instanceId}
        title="Second request"
        result={comparison.other}
        receivedAt={receivedAt}
      />
    </>
  );
}
