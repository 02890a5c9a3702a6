"use client";
// The ops page's danger zone: FLUSHDB ASYNC behind a dialog that shows how many keys go (on a
// cluster: from how many masters, each master's share), and needs the instance id typed exactly
// and a reason. Admins only; the server checks all of it again.

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useOverview } from "@/components/overview/use-overview";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ConfirmForm } from "@/components/ui/confirm-form";
import { formatCount, formatCountOf, formatTime } from "@/lib/format";
import { apiUrl, postJson, queryKeys } from "@/components/api";
import { actionResultSchema } from "@/lib/schemas/actions";
import { RedisRefusal, useMayAct, useRedisCapability } from "./action-scope";
import { Dialog } from "./dialog";
import { useAction } from "./use-action";

export function DangerZone({ instanceId }: { instanceId: string }) {
  const mayFlush = useMayAct("flushdb");
  const redisFlush = useRedisCapability("flushdb");
  const [open, setOpen] = useState(false);
  if (!mayFlush) return null;
  return (
    <Card className="border-bad/60" aria-label="Danger zone">
      <h2 className="text-bad font-semibold">Danger zone</h2>
      <div className="mt-2 flex flex-wrap items-center justify-between gap-3">
        <p className="text-sm">
          <strong>Flush the database</strong> (FLUSHDB ASYNC): every key of this instance&apos;s database is
          removed. ISL recomputes on misses, so expect a burst of expensive computations. Recorded in the
          audit log.
        </p>
        <Button
          variant="danger"
          onClick={() => setOpen(true)}
          disabled={redisFlush.refused}
          title={redisFlush.title}
        >
          Flush database…
        </Button>
        <RedisRefusal capability={redisFlush} className="basis-full" />
      </div>
      <Dialog
        open={open}
        title={`Flush every key of ${instanceId}?`}
        tone="bad"
        onClose={() => setOpen(false)}
      >
        {open ? <FlushForm instanceId={instanceId} onDone={() => setOpen(false)} /> : null}
      </Dialog>
    </Card>
  );
}

/**
 * The flush's dry run, read when the dialog opens (audited like every dry run): the keys each node
 * holds now. A cluster answers per master; one server answers its DBSIZE.
 */
function useFlushPreview(instanceId: string) {
  return useQuery({
    queryKey: queryKeys.instance(instanceId).flushPreview(),
    queryFn: ({ signal }) =>
      postJson(
        apiUrl.instance(instanceId).actions(),
        { action: "flushdb", dryRun: true },
        actionResultSchema,
        { signal },
      ),
    staleTime: 0,
    gcTime: 0,
    retry: false,
    refetchOnWindowFocus: false,
  });
}

function FlushCount({ instanceId }: { instanceId: string }) {
  const overview = useOverview(instanceId);
  const preview = useFlushPreview(instanceId);
  const live = preview.data;
  if (live?.count !== undefined) {
    return (
      <div data-testid="flush-key-count">
        <p>
          <strong className="tabular text-bad text-base">{formatCountOf(live.count, "key")}</strong> will be
          removed
          {live.nodes ? (
            <>
              {" "}
              from <strong>{formatCount(live.nodes.length)} masters</strong> (FLUSHDB ASYNC on each)
            </>
          ) : null}
          .
        </p>
        {live.nodes ? (
          <ul className="text-muted mt-1 text-xs" aria-label="Keys per master">
            {live.nodes.map((n) => (
              <li key={n.node}>
                <span className="font-mono">{n.node}</span>: {formatCountOf(n.count, "key")}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    );
  }
  const keys = overview.data?.keys;
  return (
    <p data-testid="flush-key-count">
      {keys === null || keys === undefined ? (
        "The key count is not known right now (Redis unreachable or not sampled yet)."
      ) : (
        <>
          <strong className="tabular text-bad text-base">{formatCountOf(keys, "key")}</strong> will be removed
          (sampled {formatTime(overview.data?.sampledAt)}).
        </>
      )}
      {preview.isError ? (
        <span className="text-warn block text-xs">Could not count them now: {preview.error.message}</span>
      ) : null}
    </p>
  );
}

function FlushForm({ instanceId, onDone }: { instanceId: string; onDone: () => void }) {
  const action = useAction(instanceId);
  const done = action.data?.kind === "result" ? action.data.result : undefined;
  if (done) {
    return (
      <div className="space-y-3 text-sm" role="status">
        <p>
          Flushed: {formatCountOf(done.keysBefore, "key")} removed
          {done.nodes ? ` from ${formatCount(done.nodes.length)} masters` : ""} (audit #{done.auditId}).
        </p>
        <div className="flex justify-end">
          <Button onClick={onDone}>Close</Button>
        </div>
      </div>
    );
  }
  return (
    <ConfirmForm
      tone="bad"
      confirmLabel="Flush database"
      pendingLabel="Flushing…"
      pending={action.isPending}
      error={action.error?.message}
      typed={{
        expected: instanceId,
        label: (
          <>
            Type the instance id <code className="bg-sunken rounded px-1 font-mono">{instanceId}</code> to
            confirm
          </>
        ),
        fieldLabel: "Instance id",
        mismatch: "Does not match the instance id: nothing will be flushed.",
      }}
      reason={{ label: "Reason (recorded in the audit log)", required: true }}
      onConfirm={(reason, confirm) => action.mutate({ action: "flushdb", confirm, reason })}
      onCancel={onDone}
    >
      <FlushCount instanceId={instanceId} />
    </ConfirmForm>
  );
}
