"use client";
// The cache-key calculator: paste a request as ISL receives it, pick a pattern, and see the key
// the guide's compute_cache_key gives it, whether that key is in Redis now, and what could make a
// look-alike request hash differently. Computed on the server (Python's json semantics).

import { useId, useState, type FormEvent, type KeyboardEvent } from "react";
import { Card } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import type { OfferedPattern } from "@/lib/policy/cache-key";
import { CacheKeyResultView, ComparisonView } from "./cache-key-result";
import { errorPosition, utf16Index } from "./error-position";
import { useCacheKey } from "./use-cache-key";

const EXAMPLE = '{"scenario": "baseline", "interventions": {"price": 10, "marketing": 0.5}, "samples": 1000}';

interface Props {
  instanceId: string;
  patterns: OfferedPattern[];
}

export function CacheKeyClient({ instanceId, patterns }: Props) {
  const id = useId();
  const [pattern, setPattern] = useState(
    () => patterns.find((p) => p.name === "result")?.name ?? patterns[0]?.name ?? "",
  );
  const [request, setRequest] = useState("");
  const [comparing, setComparing] = useState(false);
  const [compare, setCompare] = useState("");
  const mutation = useCacheKey(instanceId);
  const [receivedAt, setReceivedAt] = useState(0);

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (!pattern || request.trim() === "" || mutation.isPending) return;
    mutation.mutate(
      { pattern, request, ...(comparing ? { compare } : {}) },
      { onSuccess: () => setReceivedAt(Date.now()) },
    );
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      submit();
    }
  };
  const chosen = patterns.find((p) => p.name === pattern);
  const data = mutation.data;

  if (patterns.length === 0) {
    return (
      <Card>
        <h2 className="font-semibold">Cache key calculator</h2>
        <p className="text-muted mt-1 text-sm">
          No pattern of the policy has a key template with a single placeholder (like
          <code className="font-mono"> isl:result:{"{request_hash}"}</code>), so there is no key to compute.
        </p>
      </Card>
    );
  }

  return (
    <div className="space-y-4">
      <Card>
        <h2 className="font-semibold">Cache key calculator</h2>
        <p className="text-muted mt-1 text-sm">
          The guide&apos;s <code className="font-mono">compute_cache_key</code>: the request is read as
          Python&apos;s <code className="font-mono">json.loads</code> reads it and written as{" "}
          <code className="font-mono">
            json.dumps(data, sort_keys=True, separators=(&apos;,&apos;, &apos;:&apos;))
          </code>
          ; the key holds the first 16 hex digits of its SHA-256.
        </p>
        <form onSubmit={submit} className="mt-3 space-y-3" aria-label="Compute a cache key">
          <div className="flex flex-wrap items-center gap-2">
            <label htmlFor={`${id}-pattern`} className="text-sm font-medium">
              Pattern
            </label>
            <select
              id={`${id}-pattern`}
              value={pattern}
              onChange={(e) => setPattern(e.target.value)}
              className="border-line bg-panel rounded border px-2 py-1"
            >
              {patterns.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.name}
                </option>
              ))}
            </select>
            {chosen ? (
              <span className="text-muted font-mono text-xs break-all" data-testid="pattern-template">
                {chosen.template}
              </span>
            ) : null}
          </div>
          <RequestField
            id={`${id}-request`}
            label="Request JSON"
            value={request}
            onChange={setRequest}
            onKeyDown={onKeyDown}
            placeholder={EXAMPLE}
          />
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={comparing} onChange={(e) => setComparing(e.target.checked)} />
            Compare with a second request
          </label>
          {comparing ? (
            <RequestField
              id={`${id}-compare`}
              label="Second request JSON"
              value={compare}
              onChange={setCompare}
              onKeyDown={onKeyDown}
              placeholder={EXAMPLE.replace("10,", "10.0,")}
            />
          ) : null}
          <div className="flex flex-wrap items-center gap-3">
            <Button
              type="submit"
              disabled={request.trim() === "" || mutation.isPending}
              variant="primary"
              size="sm"
            >
              {mutation.isPending ? "Computing…" : "Compute"}
            </Button>
            <span className="text-muted text-xs">
              Ctrl+Enter in a text box computes too. Reads the key&apos;s TTL and size; writes nothing.
            </span>
          </div>
        </form>
      </Card>

      <div aria-live="polite">
        {mutation.isError ? (
          <Card className="border-bad/60" role="alert" data-testid="cache-key-error">
            <h2 className="text-bad font-semibold">Could not compute the key</h2>
            <p className="mt-1 font-mono text-sm break-words whitespace-pre-wrap">{mutation.error.message}</p>
            <ShowPosition
              message={mutation.error.message}
              texts={{
                request: mutation.variables?.request ?? request,
                compare: mutation.variables?.compare ?? compare,
              }}
              ids={{ request: `${id}-request`, compare: `${id}-compare` }}
            />
          </Card>
        ) : null}
        {data && !mutation.isError ? (
          <div className="space-y-4">
            <CacheKeyResultView
              instanceId={instanceId}
              title={data.comparison ? "First request" : "Result"}
              result={data}
              receivedAt={receivedAt}
            />
            {data.comparison ? (
              <ComparisonView
                instanceId={instanceId}
                first={data}
                comparison={data.comparison}
                receivedAt={receivedAt}
              />
            ) : null}
          </div>
        ) : null}
      </div>
    </div>
  );
}

/** For a parse error: a button that selects the character Python stopped at in its text box. */
function ShowPosition({
  message,
  texts,
  ids,
}: {
  message: string;
  texts: Record<"request" | "compare", string>;
  ids: Record<"request" | "compare", string>;
}) {
  const at = errorPosition(message);
  if (!at) return null;
  const show = () => {
    const box = document.getElementById(ids[at.field]);
    if (!(box instanceof HTMLTextAreaElement)) return;
    const start = utf16Index(texts[at.field], at.char);
    box.focus();
    box.setSelectionRange(start, Math.min(texts[at.field].length, utf16Index(texts[at.field], at.char + 1)));
  };
  return (
    <Button onClick={show} size="xs" className="mt-2 text-xs">
      Show the position in the {at.field === "request" ? "request" : "second request"}
    </Button>
  );
}

function RequestField({
  id,
  label,
  value,
  onChange,
  onKeyDown,
  placeholder,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  onKeyDown: (e: KeyboardEvent<HTMLTextAreaElement>) => void;
  placeholder: string;
}) {
  return (
    <div>
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      <textarea
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={onKeyDown}
        placeholder={placeholder}
        rows={8}
        spellCheck={false}
        autoComplete="off"
        className="border-line bg-panel mt-1 block w-full rounded border px-2 py-1 font-mono text-sm"
      />
      <p className="text-muted tabular mt-0.5 text-xs">
        {new TextEncoder().encode(value).length.toLocaleString("en-US")} bytes (at most 1 MiB)
      </p>
    </div>
  );
}
