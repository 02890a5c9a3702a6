"use client";

import { useState } from "react";
import { KeyActions } from "@/components/actions/key-actions";
import { Card } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { formatBytes, formatCount, formatDuration } from "@/lib/format";
import { ClassBadge, KeyFlags } from "./key-badges";
import { TtlCountdown } from "./ttl-countdown";
import { useKey } from "./use-key";
import { ValueViewer } from "./value-viewer";

/** The selected key: metadata, TTL counting down beside the pattern's standard, and its value. Keyed by the key id. */
export function KeyDetail({
  instanceId,
  keyBase64url,
  onClose,
}: {
  instanceId: string;
  keyBase64url: string;
  onClose: () => void;
}) {
  const [from, setFrom] = useState<string | undefined>(undefined);
  const query = useKey(instanceId, keyBase64url, { from });
  const close = (
    <Button onClick={onClose} variant="ghost" className="text-xs" aria-label="Close the key">
      Close ✕
    </Button>
  );
  if (query.isPending) {
    return (
      <Card aria-label="Loading the key">
        <Skeleton className="mb-2 h-5 w-2/3" />
        <Skeleton className="mb-4 h-4 w-1/2" />
        <Skeleton className="h-48 w-full" />
      </Card>
    );
  }
  if (query.isError) {
    const gone = "status" in query.error && query.error.status === 404;
    return (
      <Card>
        <div className="flex items-start justify-between gap-2">
          <p role="alert" className={gone ? "text-warn" : "text-bad"}>
            {gone
              ? "This key no longer exists (it may have expired or been deleted)."
              : `Could not read the key: ${query.error.message}`}
          </p>
          {close}
        </div>
        {gone ? null : (
          <Button onClick={() => query.refetch()} size="sm" className="mt-2">
            Retry
          </Button>
        )}
      </Card>
    );
  }
  const key = query.data;
  return (
    <Card aria-label="Key detail">
      <div className="flex items-start justify-between gap-2">
        <h2 className="min-w-0 font-mono text-sm font-semibold break-all" data-testid="key-name">
          {key.key}
        </h2>
        {close}
      </div>
      <div className="mt-1 flex flex-wrap gap-1">
        <ClassBadge value={key.class} />
        <KeyFlags item={key} />
      </div>
      <dl className="mt-3 grid grid-cols-2 gap-x-4 gap-y-2 sm:grid-cols-4">
        <div>
          <dt className="text-muted text-xs">Type</dt>
          <dd className="font-semibold">{key.type}</dd>
        </div>
        <div>
          <dt className="text-muted text-xs">TTL</dt>
          <dd className="font-semibold">
            <TtlCountdown ttl={key.ttl} receivedAt={query.dataUpdatedAt} />
          </dd>
        </div>
        <div>
          <dt className="text-muted text-xs">Standard TTL ({key.pattern ?? "no pattern"})</dt>
          <dd className="tabular font-semibold" data-testid="standard-ttl">
            {key.standardTtl === null ? "—" : formatDuration(key.standardTtl)}
          </dd>
        </div>
        <div>
          <dt className="text-muted text-xs">Size</dt>
          <dd className="tabular font-semibold">
            {formatBytes(key.bytes)}
            {key.length !== null && key.type !== "string" ? (
              <span className="text-muted ml-1 text-xs font-normal">{formatCount(key.length)} elements</span>
            ) : null}
          </dd>
        </div>
      </dl>
      <ClusterPlace slot={key.slot} node={key.node} hashTag={key.hashTag} />
      <KeyActions
        instanceId={instanceId}
        keyDisplay={key.key}
        keyBase64={key.keyBase64}
        standardTtl={key.standardTtl}
        ttl={key.ttl}
        onDeleted={onClose}
      />
      <div className="mt-4">
        <ValueViewer value={key.value} onPage={setFrom} />
      </div>
      <div className="mt-2 flex gap-3 text-xs">
        {from ? (
          <Button variant="link" onClick={() => setFrom(undefined)}>
            First page
          </Button>
        ) : null}
        <Button variant="link" onClick={() => query.refetch()}>
          {query.isFetching ? "Reading…" : "Reload"}
        </Button>
      </div>
    </Card>
  );
}

/**
 * Where a key lives in a cluster: its hash slot, the master holding it, and its hash tag (keys
 * sharing a tag share the slot, so they can be used together in one multi-key command).
 */
function ClusterPlace({ slot, node, hashTag }: { slot?: number; node?: string; hashTag?: string }) {
  if (slot === undefined) return null;
  return (
    <p className="text-muted mt-2 text-xs" data-testid="key-cluster-place">
      Slot <span className="tabular text-fg font-semibold">{slot}</span>
      {node ? (
        <>
          {" "}
          on master <span className="text-fg font-mono">{node}</span>
        </>
      ) : null}
      {hashTag !== undefined ? (
        <>
          {" · "}hash tag <code className="bg-sunken text-fg rounded px-1 font-mono">{`{${hashTag}}`}</code>{" "}
          (keys with the same tag share this slot)
        </>
      ) : (
        " · no hash tag"
      )}
    </p>
  );
}
