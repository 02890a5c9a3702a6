"use client";
// Actions on one key in the key browser: set a TTL (at most the pattern's standard; never none)
// and delete with confirmation. Hidden for roles that may not, and on read-only instances.

import { useState } from "react";
import { formatCount, formatDuration } from "@/lib/format";
import { UNPATTERNED_MAX_TTL_SECONDS } from "@/lib/schemas/actions";
import { useMayAct } from "./action-scope";
import { buttonClass, Dialog } from "./dialog";
import { useAction } from "./use-action";

interface Props {
  instanceId: string;
  keyDisplay: string;
  keyBase64: string;
  /** The pattern's standard TTL in seconds; null outside the patterns (then 7 days). */
  standardTtl: number | null;
  /** The key's current TTL (-1 none). */
  ttl: number;
  onDeleted: () => void;
}

export function KeyActions(props: Props) {
  const mayExpire = useMayAct("expire");
  const mayDelete = useMayAct("delete");
  if (!mayExpire && !mayDelete) return null;
  return (
    <div className="border-line mt-3 flex flex-wrap items-end gap-3 border-t pt-3" aria-label="Key actions">
      {mayExpire ? <SetTtl {...props} /> : null}
      {mayDelete ? <DeleteKey {...props} /> : null}
    </div>
  );
}

function SetTtl({ instanceId, keyBase64, standardTtl, ttl }: Props) {
  const max = standardTtl ?? UNPATTERNED_MAX_TTL_SECONDS;
  const [value, setValue] = useState(String(ttl > 0 && ttl <= max ? ttl : max));
  const action = useAction(instanceId);
  const seconds = Number(value);
  const valid = Number.isInteger(seconds) && seconds >= 1 && seconds <= max;
  const done = action.data?.kind === "result" ? action.data.result : undefined;
  return (
    <form
      className="flex flex-wrap items-end gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        if (valid) action.mutate({ action: "expire", keys: [keyBase64], ttlSeconds: seconds });
      }}
    >
      <label className="text-muted text-xs">
        Set TTL (1 – {formatCount(max)} s, at most {formatDuration(max)})
        <input
          type="number"
          min={1}
          max={max}
          step={1}
          required
          value={value}
          onChange={(e) => setValue(e.target.value)}
          aria-label="TTL in seconds"
          aria-invalid={!valid}
          className="border-line bg-panel text-fg mt-0.5 block w-36 rounded border px-2 py-1 font-mono text-sm aria-[invalid=true]:border-bad"
        />
      </label>
      <button type="submit" disabled={!valid || action.isPending} className={buttonClass.secondary}>
        {action.isPending ? "Setting…" : "Set TTL"}
      </button>
      <span className="text-xs" role="status">
        {!valid ? <span className="text-bad">Between 1 and {formatCount(max)} seconds.</span> : null}
        {action.error ? <span className="text-bad">{action.error.message}</span> : null}
        {done ? (
          <span className="text-ok">
            {done.affected === 1 ? "TTL set" : "The key no longer exists"} (audit #{done.auditId})
          </span>
        ) : null}
      </span>
    </form>
  );
}

function DeleteKey({ instanceId, keyBase64, keyDisplay, onDeleted }: Props) {
  const [open, setOpen] = useState(false);
  const action = useAction(instanceId);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)} className={`${buttonClass.secondary} text-bad`}>
        Delete key…
      </button>
      <Dialog open={open} title="Delete this key?" tone="bad" onClose={() => setOpen(false)}>
        <p className="text-sm">
          UNLINK removes <code className="bg-sunken rounded px-1 font-mono break-all">{keyDisplay}</code> now. ISL
          recomputes it on the next miss. The deletion is recorded in the audit log.
        </p>
        {action.error ? (
          <p role="alert" className="text-bad text-sm">
            {action.error.message}
          </p>
        ) : null}
        <div className="flex justify-end gap-2">
          <button type="button" onClick={() => setOpen(false)} className={buttonClass.secondary}>
            Cancel
          </button>
          <button
            type="button"
            disabled={action.isPending}
            className={buttonClass.danger}
            onClick={() =>
              action.mutate(
                { action: "delete", keys: [keyBase64] },
                {
                  onSuccess: () => {
                    setOpen(false);
                    onDeleted();
                  },
                },
              )
            }
          >
            {action.isPending ? "Deleting…" : "Delete"}
          </button>
        </div>
      </Dialog>
    </>
  );
}
