"use client";

import { useState } from "react";
import { RedisRefusal, useMayAct, useRedisCapability } from "@/components/actions/action-scope";
import { Button } from "@/components/ui/button";
import { ConfirmForm } from "@/components/ui/confirm-form";
import type { ConfigResponse } from "@/lib/schemas/ops";
import { useApplyConfig } from "./use-apply-config";

/** Admins: CONFIG SET the guide's values for the failing settings, with a reason for the audit log. */
export function ApplyRecommended({ instanceId, data }: { instanceId: string; data: ConfigResponse }) {
  const allowed = useMayAct("config-set");
  const redis = useRedisCapability("config-set");
  const apply = useApplyConfig(instanceId);
  const [open, setOpen] = useState(false);
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
          <Button
            size="sm"
            onClick={() => setOpen(true)}
            disabled={redis.refused}
            title={redis.title}
            className="bg-panel"
          >
            Apply recommended ({data.recommended.length}{" "}
            {data.recommended.length === 1 ? "setting" : "settings"})…
          </Button>
          <RedisRefusal capability={redis} />
        </div>
      ) : (
        <ConfirmForm
          className="space-y-2"
          align="start"
          size="sm"
          confirmLabel="Apply CONFIG SET"
          pendingLabel="Applying…"
          pending={apply.isPending}
          reason={{ label: "Reason (for the audit log)" }}
          onConfirm={(reason) => apply.mutate(reason ?? "", { onSuccess: () => setOpen(false) })}
          onCancel={() => setOpen(false)}
        >
          <p>
            Runs on {several ? "the nodes named" : "this instance"} now (admin only, recorded in the audit
            log):
            <code className="mt-1 block font-mono text-xs whitespace-pre">{lines.join("\n")}</code>
          </p>
        </ConfirmForm>
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
