"use client";

import { useState } from "react";
import { RedisRefusal, useMayAct, useRedisCapability } from "@/components/actions/action-scope";
import type { ConfigResponse } from "@/lib/schemas/ops";
import { useApplyConfig } from "./use-apply-config";

/** Admins: CONFIG SET the guide's values for the failing settings, with a reason for the audit log. */
export function ApplyRecommended({ instanceId, data }: { instanceId: string; data: ConfigResponse }) {
  const allowed = useMayAct("config-set");
  const redis = useRedisCapability("config-set");
  const apply = useApplyConfig(instanceId);
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  if (!allowed || data.recommended.length === 0) {
    return apply.data ? <AppliedNote applied={apply.data.applied} auditId={apply.data.auditId} /> : null;
  }
  const several = (data.nodes?.length ?? 1) > 1;
  const lines = data.recommended.map(
    (r) =>
      `CONFIG SET ${r.name} ${r.value.includes(" ") ? `"${r.value}"` : r.value}` +
      (several && r.nodes ? `   # on ${r.nodes.join(", ")}` : ""),
  );
  return (
    <div className="border-line bg-sunken space-y-2 rounded border p-2 text-sm">
      {!open ? (
        <div className="flex flex-wrap items-center gap-2">
          <button
            type="button"
            onClick={() => setOpen(true)}
            disabled={redis.refused}
            title={redis.title}
            className="border-line bg-panel hover:bg-sunken rounded border px-3 py-1 disabled:opacity-60"
          >
            Apply recommended ({data.recommended.length}{" "}
            {data.recommended.length === 1 ? "setting" : "settings"})…
          </button>
          <RedisRefusal capability={redis} />
        </div>
      ) : (
        <form
          className="space-y-2"
          onSubmit={(e) => {
            e.preventDefault();
            apply.mutate(reason.trim(), { onSuccess: () => setOpen(false) });
          }}
        >
          <p>
            Runs on {several ? "the nodes named" : "this instance"} now (admin only, recorded in the audit
            log):
            <code className="mt-1 block font-mono text-xs whitespace-pre">{lines.join("\n")}</code>
          </p>
          <label className="block text-xs">
            Reason (for the audit log)
            <input
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              maxLength={500}
              className="border-line bg-panel mt-1 block w-full max-w-lg rounded border px-2 py-1 text-sm"
            />
          </label>
          <div className="flex gap-2">
            <button
              type="submit"
              disabled={apply.isPending}
              className="bg-accent text-panel rounded px-3 py-1 font-medium disabled:opacity-60"
            >
              {apply.isPending ? "Applying…" : "Apply CONFIG SET"}
            </button>
            <button
              type="button"
              onClick={() => setOpen(false)}
              className="border-line rounded border px-3 py-1"
            >
              Cancel
            </button>
          </div>
        </form>
      )}
      {apply.error ? <p className="text-bad text-xs">Not applied: {apply.error.message}</p> : null}
    </div>
  );
}

function AppliedNote({
  applied,
  auditId,
}: {
  applied: { name: string; value: string; nodes?: string[] }[];
  auditId: number;
}) {
  const what = applied.map((a) => (a.nodes ? `${a.name} on ${a.nodes.join(", ")}` : a.name)).join("; ");
  return (
    <p className="text-ok text-xs">
      Applied {what || "nothing"} (audit entry {auditId}).
    </p>
  );
}
