"use client";
// The TTL page's fixes: per row "Fix" (EXPIRE to the pattern's standard) or "Delete" (unknown and
// foreign keys), a selection, and "Fix all N" (dry run count first, then a job with progress and
// cancel). The lists are the last scan's: fixed rows are marked here until the next scan.

import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useMemo, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { fetchJson } from "@/lib/http/fetch-json";
import { formatCount } from "@/lib/format";
import { actionJobSchema, type ActionResult } from "@/lib/schemas/actions";
import type { ScanKeyEntry, ScanListName } from "@/lib/schemas/scans";
import { useMayAct } from "./action-scope";
import { buttonClass, Dialog } from "./dialog";
import { JobProgress } from "./job-progress";
import { useAction } from "./use-action";
import { useActionJob } from "./use-action-job";

type FixList = "noTtl" | "aboveStandard";
const isFixList = (list: ScanListName): list is FixList => list === "noTtl" || list === "aboveStandard";

export interface KeySelection {
  selected: ReadonlyMap<string, ScanKeyEntry>;
  toggle: (entry: ScanKeyEntry) => void;
  clear: () => void;
  /** Keys fixed or deleted from this page since the scan (keyBase64 -> what happened). */
  handled: ReadonlyMap<string, string>;
  markHandled: (keys: string[], what: string) => void;
}

export function useKeySelection(): KeySelection {
  const [selected, setSelected] = useState<Map<string, ScanKeyEntry>>(new Map());
  const [handled, setHandled] = useState<Map<string, string>>(new Map());
  const toggle = useCallback((entry: ScanKeyEntry) => {
    setSelected((prev) => {
      const next = new Map(prev);
      if (next.has(entry.keyBase64)) next.delete(entry.keyBase64);
      else next.set(entry.keyBase64, entry);
      return next;
    });
  }, []);
  const clear = useCallback(() => setSelected(new Map()), []);
  const markHandled = useCallback((keys: string[], what: string) => {
    setHandled((prev) => new Map([...prev, ...keys.map((k) => [k, what] as const)]));
  }, []);
  return { selected, toggle, clear, handled, markHandled };
}

/** Which action the list's keys get, if the caller may run it here. */
export function useListAction(list: ScanListName): "fix-ttl" | "delete" | undefined {
  const mayFix = useMayAct("fix-ttl");
  const mayDelete = useMayAct("delete");
  if (isFixList(list)) return mayFix ? "fix-ttl" : undefined;
  return mayDelete ? "delete" : undefined;
}

function resultText(r: ActionResult, verb: string): string {
  const parts = [`${formatCount(r.affected)} ${r.affected === 1 ? "key" : "keys"} ${verb}`];
  if (r.skipped) parts.push(`${formatCount(r.skipped)} outside every pattern skipped`);
  if (r.missing) parts.push(`${formatCount(r.missing)} no longer existed`);
  return `${parts.join(", ")} (audit #${r.auditId})`;
}

/** One row's checkbox and its Fix/Delete button. */
export function RowAction({
  instanceId,
  entry,
  kind,
  selection,
}: {
  instanceId: string;
  entry: ScanKeyEntry;
  kind: "fix-ttl" | "delete";
  selection: KeySelection;
}) {
  const action = useAction(instanceId);
  const handled = selection.handled.get(entry.keyBase64);
  if (handled) return <Badge tone="ok">{handled}</Badge>;
  const run = () =>
    action.mutate(
      kind === "fix-ttl" ? { action: "fix-ttl", keys: [entry.keyBase64] } : { action: "delete", keys: [entry.keyBase64] },
      {
        onSuccess: (a) => {
          if (a.kind !== "result") return;
          selection.markHandled([entry.keyBase64], kind === "fix-ttl" ? (a.result.skipped ? "skipped" : "fixed") : "deleted");
        },
      },
    );
  return (
    <span className="flex items-center gap-2">
      <input
        type="checkbox"
        aria-label={`Select ${entry.key}`}
        checked={selection.selected.has(entry.keyBase64)}
        onChange={() => selection.toggle(entry)}
      />
      <button
        type="button"
        onClick={run}
        disabled={action.isPending}
        className={`${buttonClass.small} ${kind === "delete" ? "text-bad" : ""}`}
        title={kind === "fix-ttl" ? "EXPIRE to the pattern's standard TTL" : "UNLINK the key"}
      >
        {action.isPending ? "…" : kind === "fix-ttl" ? "Fix" : "Delete"}
      </button>
      {action.error ? <span className="text-bad text-xs">{action.error.message}</span> : null}
    </span>
  );
}

/** The list's toolbar: act on the selection, and (fix lists) fix all N with a dry run first. */
export function FixToolbar({
  instanceId,
  list,
  total,
  kind,
  selection,
}: {
  instanceId: string;
  list: ScanListName;
  total: number;
  kind: "fix-ttl" | "delete";
  selection: KeySelection;
}) {
  const action = useAction(instanceId);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const keys = useMemo(() => [...selection.selected.keys()], [selection.selected]);
  const verb = kind === "fix-ttl" ? "fixed" : "deleted";
  const run = () =>
    action.mutate(kind === "fix-ttl" ? { action: "fix-ttl", keys } : { action: "delete", keys }, {
      onSuccess: (a) => {
        if (a.kind !== "result") return;
        selection.markHandled(keys, verb);
        selection.clear();
        setConfirmDelete(false);
      },
    });
  const last = action.data?.kind === "result" ? action.data.result : undefined;
  return (
    <div className="flex flex-wrap items-center gap-2">
      <button
        type="button"
        disabled={keys.length === 0 || action.isPending}
        onClick={() => (kind === "delete" ? setConfirmDelete(true) : run())}
        className={buttonClass.secondary}
      >
        {kind === "fix-ttl" ? "Fix selected" : "Delete selected"} ({formatCount(keys.length)})
      </button>
      {isFixList(list) && kind === "fix-ttl" && total > 0 ? <FixAll instanceId={instanceId} list={list} total={total} /> : null}
      <span className="text-xs" role="status">
        {last ? <span className="text-ok">{resultText(last, verb)}</span> : null}
        {action.error && !confirmDelete ? <span className="text-bad">{action.error.message}</span> : null}
      </span>
      <Dialog open={confirmDelete} title={`Delete ${formatCount(keys.length)} keys?`} tone="bad" onClose={() => setConfirmDelete(false)}>
        <p className="text-sm">UNLINK removes the selected keys now; the deletion is recorded in the audit log.</p>
        <ul className="bg-sunken max-h-40 overflow-auto rounded p-2 font-mono text-xs">
          {[...selection.selected.values()].slice(0, 20).map((e) => (
            <li key={e.keyBase64} className="break-all">
              {e.key}
            </li>
          ))}
          {keys.length > 20 ? <li className="text-muted">and {formatCount(keys.length - 20)} more</li> : null}
        </ul>
        {action.error ? <p className="text-bad text-sm">{action.error.message}</p> : null}
        <div className="flex justify-end gap-2">
          <button type="button" className={buttonClass.secondary} onClick={() => setConfirmDelete(false)}>
            Cancel
          </button>
          <button type="button" className={buttonClass.danger} disabled={action.isPending} onClick={run}>
            {action.isPending ? "Deleting…" : "Delete"}
          </button>
        </div>
      </Dialog>
    </div>
  );
}

/** "Fix all N": a dry run counts what would change, then the real run is a job with progress and cancel. */
function FixAll({ instanceId, list, total }: { instanceId: string; list: FixList; total: number }) {
  const [open, setOpen] = useState(false);
  const dry = useAction(instanceId);
  const real = useAction(instanceId);
  const [jobId, setJobId] = useState<string | undefined>(undefined);
  const job = useActionJob(jobId);
  const queryClient = useQueryClient();
  const [cancelling, setCancelling] = useState(false);
  const preview = dry.data?.kind === "result" ? dry.data.result : undefined;

  const start = () => {
    setOpen(true);
    if (!jobId) dry.mutate({ action: "fix-ttl", list, dryRun: true });
  };
  const cancel = async () => {
    if (!jobId) return;
    setCancelling(true);
    try {
      const stopped = await fetchJson(`/api/actions/${encodeURIComponent(jobId)}`, actionJobSchema, { method: "DELETE" });
      queryClient.setQueryData(["action-job", jobId], stopped);
    } finally {
      setCancelling(false);
    }
  };
  return (
    <>
      <button type="button" onClick={start} className={buttonClass.primary}>
        Fix all {formatCount(total)}…
      </button>
      <Dialog open={open} title={`Fix the TTL of every ${list === "noTtl" ? "key without TTL" : "key above its standard"}`} onClose={() => setOpen(false)}>
        <div className="space-y-3 text-sm">
          {job.data ? (
            <>
              <JobProgress job={job.data} onCancel={() => void cancel()} cancelling={cancelling} />
              {job.data.status !== "running" ? (
                <p className="text-muted text-xs">The lists are from the last scan; scan again to see the result.</p>
              ) : null}
            </>
          ) : dry.isPending ? (
            <p role="status">Counting (dry run: SCAN and TTL, nothing changes)…</p>
          ) : dry.error ? (
            <p role="alert" className="text-bad">
              {dry.error.message}
            </p>
          ) : preview ? (
            <>
              <p data-testid="dry-run-count">
                Dry run: <strong className="tabular">{formatCount(preview.count)} keys</strong> would get their pattern&apos;s
                standard TTL
                {preview.skipped ? `; ${formatCount(preview.skipped)} outside every pattern would be skipped` : ""}.
              </p>
              {preview.sample && preview.sample.length > 0 ? (
                <ul className="bg-sunken max-h-40 overflow-auto rounded p-2 font-mono text-xs">
                  {preview.sample.map((k) => (
                    <li key={k.keyBase64} className="break-all">
                      {k.key}
                    </li>
                  ))}
                </ul>
              ) : null}
              <p className="text-muted text-xs">
                Runs in batches of at most 500 keys, throttled like a gentle scan; you can cancel it. A key is only ever
                given a shorter TTL, never none.
              </p>
            </>
          ) : null}
          {real.error ? (
            <p role="alert" className="text-bad">
              {real.error.message}
            </p>
          ) : null}
          <div className="flex justify-end gap-2">
            <button type="button" className={buttonClass.secondary} onClick={() => setOpen(false)}>
              Close
            </button>
            {!jobId ? (
              <button
                type="button"
                className={buttonClass.primary}
                disabled={!preview || preview.count === 0 || real.isPending}
                onClick={() =>
                  real.mutate({ action: "fix-ttl", list }, { onSuccess: (a) => a.kind === "job" && setJobId(a.job.id) })
                }
              >
                {real.isPending ? "Starting…" : `Fix ${formatCount(preview?.count ?? 0)} keys`}
              </button>
            ) : null}
          </div>
        </div>
      </Dialog>
    </>
  );
}
