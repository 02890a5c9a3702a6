"use client";
// Actions on one key in the key browser: set a TTL (at most the pattern's standard; never none)
// and delete, each after a confirmation. Hidden for roles that may not, and on read-only instances.

import { useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { formatCount, formatDuration } from "@/lib/format";
import { UNPATTERNED_MAX_TTL_SECONDS } from "@/lib/schemas/actions";
import { RedisRefusal, useMayAct, useRedisCapability } from "./action-scope";
import { ConfirmDialog } from "./confirm-dialog";
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

function SetTtl({ instanceId, keyBase64, keyDisplay, standardTtl, ttl }: Props) {
  const max = standardTtl ?? UNPATTERNED_MAX_TTL_SECONDS;
  const [value, setValue] = useState(String(ttl > 0 && ttl <= max ? ttl : max));
  const [confirming, setConfirming] = useState(false);
  const submitRef = useRef<HTMLButtonElement>(null);
  const action = useAction(instanceId);
  const redis = useRedisCapability("expire", { key: keyDisplay });
  const seconds = Number(value);
  const valid = Number.isInteger(seconds) && seconds >= 1 && seconds <= max;
  const done = action.data?.kind === "result" ? action.data.result : undefined;
  return (
    <>
      <form
        className="flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          if (!valid) return;
          action.reset();
          setConfirming(true);
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
            className="border-line bg-panel text-fg aria-[invalid=true]:border-bad mt-0.5 block w-36 rounded border px-2 py-1 font-mono text-sm"
          />
        </label>
        <Button
          ref={submitRef}
          type="submit"
          disabled={!valid || action.isPending || redis.refused}
          title={redis.title}
        >
          Set TTL…
        </Button>
        <RedisRefusal capability={redis} />
        <span className="text-xs" role="status">
          {!valid ? <span className="text-bad">Between 1 and {formatCount(max)} seconds.</span> : null}
          {done ? (
            <span className="text-ok">
              {done.affected === 1 ? "TTL set" : "The key no longer exists"} (audit #{done.auditId})
            </span>
          ) : null}
        </span>
      </form>
      {/* Outside the form: a form may not hold another. */}
      <ConfirmDialog
        open={confirming}
        title="Set the TTL of this key?"
        keys={[keyDisplay]}
        confirmLabel="Set TTL"
        pendingLabel="Setting…"
        pending={action.isPending}
        error={action.error?.message}
        onConfirm={(reason) =>
          action.mutate(
            { action: "expire", keys: [keyBase64], ttlSeconds: seconds, reason },
            { onSuccess: () => setConfirming(false) },
          )
        }
        onCancel={() => setConfirming(false)}
        returnFocus={() => submitRef.current}
      >
        <p>
          EXPIRE changes the TTL: <strong className="tabular">{formatDuration(ttl)}</strong> (when read) →{" "}
          <strong className="tabular">{formatDuration(seconds)}</strong> ({formatCount(seconds)} s).{" "}
          {standardTtl !== null
            ? "ISL recomputes the value on the next miss after it expires."
            : "Redis removes the key when it expires."}
        </p>
      </ConfirmDialog>
    </>
  );
}

function DeleteKey({ instanceId, keyBase64, keyDisplay, standardTtl, onDeleted }: Props) {
  const [open, setOpen] = useState(false);
  const openerRef = useRef<HTMLButtonElement>(null);
  const action = useAction(instanceId);
  const redis = useRedisCapability("delete", { key: keyDisplay });
  return (
    <>
      <Button
        ref={openerRef}
        onClick={() => {
          action.reset();
          setOpen(true);
        }}
        disabled={redis.refused}
        title={redis.title}
        className="text-bad"
      >
        Delete key…
      </Button>
      <RedisRefusal capability={redis} />
      <ConfirmDialog
        open={open}
        title="Delete this key?"
        tone="bad"
        keys={[keyDisplay]}
        confirmLabel="Delete"
        pendingLabel="Deleting…"
        pending={action.isPending}
        error={action.error?.message}
        onConfirm={(reason) =>
          action.mutate(
            { action: "delete", keys: [keyBase64], reason },
            {
              onSuccess: () => {
                setOpen(false);
                onDeleted();
              },
            },
          )
        }
        onCancel={() => setOpen(false)}
        returnFocus={() => openerRef.current}
      >
        <p>
          UNLINK removes the key now{standardTtl !== null ? "; ISL recomputes it on the next miss" : ""}. It
          cannot be undone; the deletion is recorded in the audit log.
        </p>
      </ConfirmDialog>
    </>
  );
}
