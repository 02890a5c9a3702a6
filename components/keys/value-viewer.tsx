"use client";
// Renders a key's value for every Redis type. Everything is React text nodes, never HTML, so a
// value holding "<script>" is shown, not run. Non-UTF-8 elements arrive escaped like redis-cli.

import { useMemo, type ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { formatBytes, formatCount } from "@/lib/format";
import type { KeyValue, TextValue } from "@/lib/schemas/keys";
import { hexDump } from "./hex-dump";

function Text({ value }: { value: TextValue }) {
  return (
    <span className="font-mono break-all whitespace-pre-wrap">
      {value.text}
      {value.utf8 ? null : (
        <span className="text-muted ml-1 text-xs" title="Not UTF-8: bytes shown escaped as redis-cli does">
          (binary)
        </span>
      )}
      {value.truncatedFrom !== undefined ? (
        <span className="text-warn ml-1 text-xs">… cut, {formatBytes(value.truncatedFrom)} in full</span>
      ) : null}
    </span>
  );
}

function PageNote({
  value,
  shown,
  onPage,
}: {
  value: { total: number; truncated: boolean; next?: string };
  shown: number;
  onPage: (from: string | undefined) => void;
}) {
  return (
    <div className="text-muted mb-2 flex flex-wrap items-center gap-2 text-xs">
      <span>
        {formatCount(shown)} of {formatCount(value.total)} element{value.total === 1 ? "" : "s"} shown
      </span>
      {value.truncated ? <Badge tone="warn">truncated</Badge> : null}
      {value.next ? (
        <Button variant="link" onClick={() => onPage(value.next)}>
          Next page
        </Button>
      ) : null}
    </div>
  );
}

function Grid({ head, rows }: { head: string[]; rows: ReactNode[][] }) {
  return (
    <div className="border-line max-h-[32rem] overflow-auto rounded border">
      <table className="w-full border-collapse text-sm">
        <thead className="bg-sunken text-muted sticky top-0 text-left text-xs">
          <tr>
            {head.map((h) => (
              <th key={h} className="px-2 py-1 font-medium">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((cells, i) => (
            <tr key={i} className="border-line border-t align-top">
              {cells.map((cell, j) => (
                <td key={j} className="px-2 py-1">
                  {cell}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function StringValue({ value }: { value: Extract<KeyValue, { kind: "string" }> }) {
  const text = useMemo(() => (value.encoding === "hex" ? hexDump(value.value) : value.value), [value]);
  const label = { json: "JSON (pretty-printed)", text: "text", hex: "binary (hex)" }[value.encoding];
  return (
    <div>
      <div className="text-muted mb-2 flex flex-wrap items-center gap-2 text-xs">
        <span data-testid="value-encoding">{label}</span>
        <span>· {formatBytes(value.size)}</span>
        {value.truncated ? (
          <Badge tone="warn">
            truncated: first {formatBytes(value.shownBytes)} of {formatBytes(value.size)}
          </Badge>
        ) : null}
      </div>
      <pre
        data-testid="value-text"
        className="border-line bg-sunken max-h-[32rem] overflow-auto rounded border p-2 font-mono text-xs break-all whitespace-pre-wrap"
      >
        {text}
      </pre>
    </div>
  );
}

export function ValueViewer({
  value,
  onPage,
}: {
  value: KeyValue;
  onPage: (from: string | undefined) => void;
}) {
  switch (value.kind) {
    case "string":
      return <StringValue value={value} />;
    case "hash":
      return (
        <div>
          <PageNote value={value} shown={value.fields.length} onPage={onPage} />
          <Grid
            head={["Field", "Value"]}
            rows={value.fields.map((f) => [
              <Text key="f" value={f.field} />,
              <Text key="v" value={f.value} />,
            ])}
          />
        </div>
      );
    case "list":
      return (
        <div>
          <PageNote value={value} shown={value.elements.length} onPage={onPage} />
          <Grid
            head={["Index", "Element"]}
            rows={value.elements.map((e, i) => [
              <span key="i" className="tabular text-muted">
                {value.offset + i}
              </span>,
              <Text key="e" value={e} />,
            ])}
          />
        </div>
      );
    case "set":
      return (
        <div>
          <PageNote value={value} shown={value.members.length} onPage={onPage} />
          <Grid head={["Member"]} rows={value.members.map((m) => [<Text key="m" value={m} />])} />
        </div>
      );
    case "zset":
      return (
        <div>
          <PageNote value={value} shown={value.members.length} onPage={onPage} />
          <Grid
            head={["Score", "Member"]}
            rows={value.members.map((m) => [
              <span key="s" className="tabular font-mono">
                {m.score}
              </span>,
              <Text key="m" value={m.member} />,
            ])}
          />
        </div>
      );
    case "stream":
      return (
        <div>
          <PageNote value={value} shown={value.entries.length} onPage={onPage} />
          <Grid
            head={["Entry id", "Fields"]}
            rows={value.entries.map((e) => [
              <span key="id" className="font-mono whitespace-nowrap">
                {e.id}
              </span>,
              <dl key="f" className="grid grid-cols-[auto_1fr] gap-x-2">
                {e.fields.map((f, i) => (
                  <div key={i} className="contents">
                    <dt className="text-muted">
                      <Text value={f.field} />
                    </dt>
                    <dd>
                      <Text value={f.value} />
                    </dd>
                  </div>
                ))}
              </dl>,
            ])}
          />
        </div>
      );
    case "hidden":
      return (
        <p className="border-info/40 bg-info-soft text-info rounded border px-2 py-1.5">
          Value hidden: {value.reason}.
        </p>
      );
    case "unsupported":
      return <p className="text-muted">The console cannot show values of type {value.type}.</p>;
  }
}
