"use client";
// The ops page's danger zone: FLUSHDB ASYNC behind a dialog that shows how many keys go, and
// needs the instance id typed exactly and a reason. Admins only; the server checks all of it again.

import { useState } from "react";
import { useOverview } from "@/components/overview/use-overview";
import { Card } from "@/components/ui/card";
import { formatCountOf, formatTime } from "@/lib/format";
import { RedisRefusal, useMayAct, useRedisCapability } from "./action-scope";
import { buttonClass, Dialog } from "./dialog";
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
          <strong>Flush the database</strong> (FLUSHDB ASYNC): every key of this instance&apos;s database is removed. ISL
          recomputes on misses, so expect a burst of expensive computations. Recorded in the audit log.
        </p>
        <button
          type="button"
          className={buttonClass.danger}
          onClick={() => setOpen(true)}
          disabled={redisFlush.refused}
          title={redisFlush.title}
        >
          Flush database…
        </button>
        <RedisRefusal capability={redisFlush} className="basis-full" />
      </div>
      <Dialog open={open} title={`Flush every key of ${instanceId}?`} tone="bad" onClose={() => setOpen(false)}>
        {open ? <FlushForm instanceId={instanceId} onDone={() => setOpen(false)} /> : null}
      </Dialog>
    </Card>
  );
}

function FlushForm({ instanceId, onDone }: { instanceId: string; onDone: () => void }) {
  const overview = useOverview(instanceId);
  const action = useAction(instanceId);
  const [confirm, setConfirm] = useState("");
  const [reason, setReason] = useState("");
  const matches = confirm === instanceId;
  const keys = overview.data?.keys;
  const done = action.data?.kind === "result" ? action.data.result : undefined;
  if (done) {
    return (
      <div className="space-y-3 text-sm" role="status">
        <p>
          Flushed: {formatCountOf(done.keysBefore, "key")} removed (audit #{done.auditId}).
        </p>
        <div className="flex justify-end">
          <button type="button" className={buttonClass.secondary} onClick={onDone}>
            Close
          </button>
        </div>
      </div>
    );
  }
  return (
    <form
      className="space-y-3 text-sm"
      onSubmit={(e) => {
        e.preventDefault();
        if (matches && reason.trim() !== "") action.mutate({ action: "flushdb", confirm, reason: reason.trim() });
      }}
    >
      <p data-testid="flush-key-count">
        {keys === null || keys === undefined ? (
          "The key count is not known right now (Redis unreachable or not sampled yet)."
        ) : (
          <>
            <strong className="tabular text-bad text-base">{formatCountOf(keys, "key")}</strong> will be removed (sampled{" "}
            {formatTime(overview.data?.sampledAt)}).
          </>
        )}
      </p>
      <label className="block">
        Type the instance id <code className="bg-sunken rounded px-1 font-mono">{instanceId}</code> to confirm
        <input
          value={confirm}
          onChange={(e) => setConfirm(e.target.value)}
          autoComplete="off"
          spellCheck={false}
          aria-label="Instance id"
          aria-invalid={confirm !== "" && !matches}
          className="border-line bg-panel text-fg aria-[invalid=true]:border-bad mt-1 block w-full rounded border px-2 py-1 font-mono"
        />
      </label>
      {confirm !== "" && !matches ? (
        <p className="text-bad" role="alert">
          Does not match the instance id: nothing will be flushed.
        </p>
      ) : null}
      <label className="block">
        Reason (recorded in the audit log)
        <textarea
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          maxLength={500}
          rows={2}
          aria-label="Reason"
          className="border-line bg-panel text-fg mt-1 block w-full rounded border px-2 py-1"
        />
      </label>
      {action.error ? (
        <p role="alert" className="text-bad">
          {action.error.message}
        </p>
      ) : null}
      <div className="flex justify-end gap-2">
        <button type="button" className={buttonClass.secondary} onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className={buttonClass.danger} disabled={!matches || reason.trim() === "" || action.isPending}>
          {action.isPending ? "Flushing…" : "Flush database"}
        </button>
      </div>
    </form>
  );
}
