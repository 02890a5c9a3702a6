"use client";
// The key browser: prefix tree | pattern search and key table | the selected key. State in the URL.

import { useState, type FormEvent } from "react";
import { Card } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import { globProblem, redisTypes, redisTypeSchema } from "@/lib/schemas/keys";
import { literalPrefix, prefixMatch } from "./glob";
import { KeyDetail } from "./key-detail";
import { KeyTable } from "./key-table";
import { useKeysView } from "./key-url";
import { PrefixTree, type ScanCounts } from "./prefix-tree";
import { scanMatchText } from "./scan-match";

export function KeysClient({
  instanceId,
  scanCounts,
}: {
  instanceId: string;
  scanCounts: ScanCounts | undefined;
}) {
  const [view, setView] = useKeysView();
  return (
    <div className="grid gap-4 lg:grid-cols-[15rem_minmax(0,1fr)] xl:grid-cols-[15rem_minmax(0,1.4fr)_minmax(0,1fr)]">
      <Card className="p-2 lg:row-span-2 xl:row-span-1">
        <PrefixTree
          instanceId={instanceId}
          selected={literalPrefix(view.match)}
          onSelect={(prefix) => setView({ match: prefixMatch(prefix) })}
          scanCounts={scanCounts}
        />
      </Card>
      <div className="min-w-0">
        <SearchBar
          key={`${view.match}|${view.type ?? ""}`}
          match={view.match}
          type={view.type}
          onSearch={(match, type) => setView({ match, type })}
        />
        <KeyTable
          instanceId={instanceId}
          match={view.match}
          type={view.type}
          selectedKey={view.key}
          onOpen={(key) => setView({ key })}
          scanEstimate={scanMatchText(scanCounts, view.match, view.type)}
        />
      </div>
      <div className="min-w-0 xl:sticky xl:top-4 xl:self-start">
        {view.key ? (
          <KeyDetail
            key={view.key}
            instanceId={instanceId}
            keyBase64url={view.key}
            onClose={() => setView({ key: undefined })}
          />
        ) : (
          <Card className="text-muted">Select a key to see its value.</Card>
        )}
      </div>
    </div>
  );
}

function SearchBar({
  match,
  type,
  onSearch,
}: {
  match: string;
  type: string | undefined;
  onSearch: (match: string, type: (typeof redisTypes)[number] | undefined) => void;
}) {
  const [text, setText] = useState(match);
  const [kind, setKind] = useState(type ?? "");
  const problem = globProblem(text);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (problem) return;
    const parsed = redisTypeSchema.safeParse(kind);
    onSearch(text || "*", parsed.success ? parsed.data : undefined);
  };
  return (
    <form onSubmit={submit} role="search" className="mb-3">
      <div className="flex flex-wrap gap-2">
        <label className="sr-only" htmlFor="key-match">
          Key pattern
        </label>
        <input
          id="key-match"
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder="isl:result:*"
          spellCheck={false}
          autoComplete="off"
          aria-invalid={problem !== undefined}
          aria-describedby="key-match-help"
          className="border-line bg-panel min-w-0 flex-1 rounded border px-2 py-1 font-mono"
        />
        <label className="sr-only" htmlFor="key-type">
          Type
        </label>
        <select
          id="key-type"
          value={kind}
          onChange={(e) => setKind(e.target.value)}
          className="border-line bg-panel rounded border px-2 py-1"
        >
          <option value="">any type</option>
          {redisTypes.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
        <Button type="submit" disabled={problem !== undefined} size="sm" className="bg-panel">
          Search
        </Button>
      </div>
      <p id="key-match-help" className={problem ? "text-bad mt-1 text-xs" : "text-muted mt-1 text-xs"}>
        {problem
          ? `The pattern ${problem}.`
          : "Redis glob: * any, ? one character, [abc] a class, \\ escapes. Bytes as shown in the table (\\xff) are understood."}
      </p>
    </form>
  );
}
