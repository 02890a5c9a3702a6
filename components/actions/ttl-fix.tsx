"use client";
// The TTL page's fixes: per row "Fix" (EXPIRE to the pattern's standard) or "Delete" (unknown and
// foreign keys) and a selection, each after a confirmation; "Fix all N" (dry run count first, then a
// job with progress and cancel). The server takes what an action changed out of the latest scan's
// lists and counts at once: after a row or selection action the counts refresh (the rows stay,
// marked), after a job the lists refresh too.

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { ConfirmForm } from "@/components/ui/confirm-form";
import { apiUrl, deleteJson, postJson, queryKeys } from "@/components/api";
import { formatCount, formatCountOf, formatDuration } from "@/lib/format";
import {
  actionJobSchema,
  actionResultSchema,
  type ActionJob,
  type ActionResult,
} from "@/lib/schemas/actions";
import type { ScanKeyEntry, ScanListName, ScanPattern } from "@/lib/schemas/scans";
import { RedisRefusal, useMayAct, useRedisCapability } from "./action-scope";
import { ConfirmDialog } from "./confirm-dialog";
import { Dialog } from "./dialog";
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

/** Refetches the latest scan (counts, "changed since scan") and, with `lists`, its list pages. */
function useRefreshScan(instanceId: string): (lists?: boolean) => void {
  const queryClient = useQueryClient();
  return useCallback(
    (lists = false) => {
      const scans = queryKeys.instance(instanceId).scans;
      void queryClient.invalidateQueries({ queryKey: scans.latest() });
      if (lists) void queryClient.invalidateQueries({ queryKey: scans.lists() });
    },
    [instanceId, queryClient],
  );
}

/** Once a job ended (cancelled or not), the keys it changed have left the scan's lists: show them gone. */
function useRefreshWhenDone(instanceId: string, job: { data?: { status: string } }): void {
  const refreshScan = useRefreshScan(instanceId);
  const status = job.data?.status;
  useEffect(() => {
    if (status && status !== "running") refreshScan(true);
  }, [status, refreshScan]);
}

/** Which action the list's keys get, if the caller may run it here. */
export function useListAction(list: ScanListName): "fix-ttl" | "delete" | undefined {
  const mayFix = useMayAct("fix-ttl");
  const mayDelete = useMayAct("delete");
  if (isFixList(list)) return mayFix ? "fix-ttl" : undefined;
  // Keys the console could not read: nothing to offer until the Redis user may read them.
  if (list === "unknown") return undefined;
  return mayDelete ? "delete" : undefined;
}

function resultText(r: ActionResult, verb: string): string {
  const parts = [`${formatCount(r.affected)} ${r.affected === 1 ? "key" : "keys"} ${verb}`];
  if (r.skipped) parts.push(`${formatCount(r.skipped)} outside every pattern skipped`);
  if (r.missing) parts.push(`${formatCount(r.missing)} no longer existed`);
  return `${parts.join(", ")} (audit #${r.auditId})`;
}

/** The keys' standard TTLs in words: "6 h" for one pattern, "ident 6 h, result 2 h" for several. */
function standardText(entries: readonly ScanKeyEntry[], patterns: readonly ScanPattern[]): string {
  const names = new Set(entries.map((e) => e.pattern));
  const used = patterns.filter((p) => names.has(p.name));
  if (used.length === 1 && names.size === 1) return formatDuration(used[0]?.standardTtlSeconds);
  return used.map((p) => `${p.name} ${formatDuration(p.standardTtlSeconds)}`).join(", ");
}

/** What the confirmation says a fix or a delete of these keys does. */
function EffectText({
  kind,
  entries,
  patterns,
}: {
  kind: "fix-ttl" | "delete";
  entries: readonly ScanKeyEntry[];
  patterns: readonly ScanPattern[];
}) {
  if (kind === "delete") {
    return (
      <p>
        UNLINK removes {entries.length === 1 ? "the key" : `the ${formatCount(entries.length)} keys`} now. It
        cannot be undone; the deletion is recorded in the audit log.
      </p>
    );
  }
  const outside = entries.filter((e) => e.pattern === null).length;
  const inside = entries.length - outside;
  const one = entries.length === 1 ? entries[0] : undefined;
  return (
    <>
      {inside > 0 ? (
        <p>
          EXPIRE to {entries.length === 1 ? "the pattern's" : "each key's pattern's"} standard TTL of{" "}
          <strong className="tabular">{standardText(entries, patterns)}</strong>: ISL recomputes the value on
          the next miss after it expires.
        </p>
      ) : null}
      {one && one.pattern !== null ? (
        <p className="text-muted text-xs">
          TTL at the scan: <span className="tabular">{formatDuration(one.ttl)}</span> (pattern {one.pattern}).
        </p>
      ) : null}
      {outside > 0 ? (
        <p className="text-muted text-xs">
          {outside === 1 && entries.length === 1
            ? "The key matches"
            : `${formatCount(outside)} of them match`}{" "}
          no pattern: the fix skips {outside === 1 ? "it" : "them"}.
        </p>
      ) : null}
    </>
  );
}

const confirmCopy = {
  "fix-ttl": { title: "Fix the TTL of this key?", confirm: "Fix TTL", pending: "Fixing…", tone: "neutral" },
  delete: { title: "Delete this key?", confirm: "Delete", pending: "Deleting…", tone: "bad" },
} as const;

/** One row's checkbox and its Fix/Delete button; the button asks for confirmation first. */
export function RowAction({
  instanceId,
  entry,
  kind,
  patterns,
  selection,
}: {
  instanceId: string;
  entry: ScanKeyEntry;
  kind: "fix-ttl" | "delete";
  /** The scan's patterns, for the standard TTL the confirmation names. */
  patterns: readonly ScanPattern[];
  selection: KeySelection;
}) {
  const action = useAction(instanceId);
  const refreshScan = useRefreshScan(instanceId);
  const redis = useRedisCapability(kind, { key: entry.key });
  const [confirming, setConfirming] = useState(false);
  // The button, or the badge that replaces it once done: where focus returns after the dialog.
  const focusRef = useRef<HTMLElement | null>(null);
  const handled = selection.handled.get(entry.keyBase64);
  const copy = confirmCopy[kind];
  const open = () => {
    action.reset();
    setConfirming(true);
  };
  const run = (reason: string | undefined) =>
    action.mutate(
      kind === "fix-ttl"
        ? { action: "fix-ttl", keys: [entry.keyBase64], reason }
        : { action: "delete", keys: [entry.keyBase64], reason },
      {
        onSuccess: (a) => {
          if (a.kind !== "result") return;
          selection.markHandled(
            [entry.keyBase64],
            kind === "fix-ttl" ? (a.result.skipped ? "skipped" : "fixed") : "deleted",
          );
          refreshScan();
          setConfirming(false);
        },
      },
    );
  return (
    <div className="flex items-center gap-2">
      {handled ? (
        <span ref={focusRef} tabIndex={-1} className="rounded">
          <Badge tone="ok">{handled}</Badge>
        </span>
      ) : (
        <>
          <input
            type="checkbox"
            aria-label={`Select ${entry.key}`}
            checked={selection.selected.has(entry.keyBase64)}
            onChange={() => selection.toggle(entry)}
          />
          <Button
            ref={(el) => {
              focusRef.current = el;
            }}
            size="xs"
            onClick={open}
            disabled={redis.refused}
            className={cn("text-xs", kind === "delete" && "text-bad")}
            title={
              redis.title ??
              (kind === "fix-ttl"
                ? "EXPIRE to the pattern's standard TTL (asks first)"
                : "UNLINK the key (asks first)")
            }
          >
            {kind === "fix-ttl" ? "Fix…" : "Delete…"}
          </Button>
        </>
      )}
      <ConfirmDialog
        open={confirming}
        title={copy.title}
        tone={copy.tone}
        keys={[entry.key]}
        confirmLabel={copy.confirm}
        pendingLabel={copy.pending}
        pending={action.isPending}
        error={action.error?.message}
        onConfirm={run}
        onCancel={() => setConfirming(false)}
        returnFocus={() => focusRef.current}
      >
        <EffectText kind={kind} entries={[entry]} patterns={patterns} />
      </ConfirmDialog>
    </div>
  );
}

/** The list's toolbar: act on the selection (after a confirmation), and (fix lists) fix all N with a dry run first. */
export function FixToolbar({
  instanceId,
  list,
  total,
  kind,
  patterns,
  selection,
  runningJob,
}: {
  instanceId: string;
  list: ScanListName;
  total: number;
  kind: "fix-ttl" | "delete";
  patterns: readonly ScanPattern[];
  selection: KeySelection;
  /** A fix job running on the instance (started here before a reload, or by anyone): no second "Fix all". */
  runningJob?: ActionJob | undefined;
}) {
  const action = useAction(instanceId);
  const refreshScan = useRefreshScan(instanceId);
  const redis = useRedisCapability(kind);
  const [confirming, setConfirming] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const statusRef = useRef<HTMLSpanElement>(null);
  const entries = useMemo(() => [...selection.selected.values()], [selection.selected]);
  const verb = kind === "fix-ttl" ? "fixed" : "deleted";
  const copy = confirmCopy[kind];
  const run = (reason: string | undefined) => {
    const keys = entries.map((e) => e.keyBase64);
    action.mutate(
      kind === "fix-ttl" ? { action: "fix-ttl", keys, reason } : { action: "delete", keys, reason },
      {
        onSuccess: (a) => {
          if (a.kind !== "result") return;
          selection.markHandled(keys, verb);
          selection.clear();
          refreshScan();
          setConfirming(false);
        },
      },
    );
  };
  const last = action.data?.kind === "result" ? action.data.result : undefined;
  const n = formatCount(entries.length);
  return (
    <div className="flex flex-wrap items-center gap-2">
      <Button
        ref={buttonRef}
        disabled={entries.length === 0 || action.isPending || redis.refused}
        title={redis.title}
        onClick={() => {
          action.reset();
          setConfirming(true);
        }}
      >
        {kind === "fix-ttl" ? "Fix selected" : "Delete selected"} ({n})…
      </Button>
      <RedisRefusal capability={redis} />
      {isFixList(list) && kind === "fix-ttl" && total > 0 ? (
        <FixAll instanceId={instanceId} list={list} total={total} runningJob={runningJob} />
      ) : null}
      <span ref={statusRef} tabIndex={-1} className="rounded text-xs" role="status">
        {last ? <span className="text-ok">{resultText(last, verb)}</span> : null}
      </span>
      <ConfirmDialog
        open={confirming}
        title={
          kind === "fix-ttl"
            ? `Fix the TTL of ${n} ${entries.length === 1 ? "key" : "keys"}?`
            : `Delete ${n} ${entries.length === 1 ? "key" : "keys"}?`
        }
        tone={copy.tone}
        keys={entries.map((e) => e.key)}
        confirmLabel={kind === "fix-ttl" ? `Fix ${n} TTL${entries.length === 1 ? "" : "s"}` : `Delete ${n}`}
        pendingLabel={copy.pending}
        pending={action.isPending}
        error={action.error?.message}
        onConfirm={run}
        onCancel={() => setConfirming(false)}
        // After a run the selection is empty and the button disabled: the result line takes focus.
        returnFocus={() => (buttonRef.current?.disabled ? statusRef.current : buttonRef.current)}
      >
        <EffectText kind={kind} entries={entries} patterns={patterns} />
      </ConfirmDialog>
    </div>
  );
}

/**
 * The "Fix all" dry run, abortable: closing the dialog or leaving the page aborts the request, and
 * the server stops its walk of the keyspace (a list the scan stored whole is read in milliseconds).
 */
function useDryRun(instanceId: string, list: FixList) {
  const controller = useRef<AbortController | null>(null);
  const abort = useCallback(() => {
    controller.current?.abort();
    controller.current = null;
  }, []);
  useEffect(() => abort, [abort]);
  const mutation = useMutation({
    mutationFn: () => {
      abort();
      const c = new AbortController();
      controller.current = c;
      return postJson(
        apiUrl.instance(instanceId).actions(),
        { action: "fix-ttl", list, dryRun: true },
        actionResultSchema,
        { signal: c.signal },
      );
    },
  });
  return { mutation, abort };
}

function DryRunPreview({ preview }: { preview: ActionResult }) {
  return (
    <>
      <p data-testid="dry-run-count">
        Dry run: <strong className="tabular">{formatCountOf(preview.count, "key")}</strong> would get their
        pattern&apos;s standard TTL
        {preview.skipped ? `; ${formatCount(preview.skipped)} outside every pattern would be skipped` : ""}
        {preview.unreadable
          ? `; ${formatCount(preview.unreadable)} could not be read (the console's Redis user may not touch them) and are left alone`
          : ""}
        .
      </p>
      {preview.source === "walk" && preview.note ? (
        <p className="text-muted text-xs">{preview.note}.</p>
      ) : null}
      {preview.nodes ? (
        <p className="text-muted text-xs" data-testid="dry-run-nodes">
          Counted on {formatCount(preview.nodes.length)} masters:{" "}
          {preview.nodes.map((n) => `${n.node} ${formatCount(n.count)}`).join(", ")}; each is walked with its
          own throttle.
        </p>
      ) : null}
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
        Runs in batches of at most 500 keys, throttled like a gentle scan; you can cancel it. A key is only
        ever given a shorter TTL, never none.
      </p>
    </>
  );
}

/** "Fix all N…", or while another fix job runs on the instance, a note pointing at it. */
function FixAllButton({
  total,
  onClick,
  redis,
  busy,
  ownJobId,
}: {
  total: number;
  onClick: () => void;
  redis: { refused: boolean; title?: string | undefined };
  busy: ActionJob | undefined;
  ownJobId: string | undefined;
}) {
  if (busy && busy.id !== ownJobId) {
    return (
      <span className="text-muted text-xs" data-testid="fix-all-busy">
        A fix job is running (started by {busy.startedBy}): see &ldquo;Running now&rdquo;.
      </span>
    );
  }
  return (
    <Button variant="primary" onClick={onClick} disabled={redis.refused} title={redis.title}>
      Fix all {formatCount(total)}…
    </Button>
  );
}

/** "Fix all N": a dry run counts what would change, then the real run is a job with progress and cancel. */
function FixAll({
  instanceId,
  list,
  total,
  runningJob,
}: {
  instanceId: string;
  list: FixList;
  total: number;
  runningJob: ActionJob | undefined;
}) {
  const [open, setOpen] = useState(false);
  const redis = useRedisCapability("fix-ttl");
  const { mutation: dry, abort: abortDry } = useDryRun(instanceId, list);
  const real = useAction(instanceId);
  const [jobId, setJobId] = useState<string | undefined>(undefined);
  const job = useActionJob(instanceId, jobId);
  const queryClient = useQueryClient();
  const [cancelling, setCancelling] = useState(false);
  const preview = dry.data;
  useRefreshWhenDone(instanceId, job);

  const close = () => {
    abortDry();
    setOpen(false);
  };
  const start = () => {
    setOpen(true);
    if (!jobId) dry.mutate();
  };
  const cancel = async () => {
    if (!jobId) return;
    setCancelling(true);
    try {
      const stopped = await deleteJson(apiUrl.actionJob(jobId), actionJobSchema);
      queryClient.setQueryData(queryKeys.instance(instanceId).actionJob(jobId), stopped);
    } finally {
      setCancelling(false);
    }
  };
  const body = job.data ? (
    <>
      <JobProgress job={job.data} onCancel={() => void cancel()} cancelling={cancelling} />
      {job.data.status !== "running" ? (
        <p className="text-muted text-xs">
          The keys this job changed have left the lists and counts; other keys are as the last scan saw them.
        </p>
      ) : null}
    </>
  ) : dry.isPending ? (
    <p role="status">Counting (dry run: TTL reads, nothing changes; closing stops it)…</p>
  ) : dry.error ? (
    <p role="alert" className="text-bad">
      {dry.error.message}
    </p>
  ) : preview ? (
    <DryRunPreview preview={preview} />
  ) : null;
  return (
    <>
      <FixAllButton total={total} onClick={start} redis={redis} busy={runningJob} ownJobId={jobId} />
      <Dialog
        open={open}
        title={`Fix the TTL of every ${list === "noTtl" ? "key without TTL" : "key above its standard"}`}
        onClose={close}
      >
        {jobId ? (
          // Started: the job's progress and Close; closing leaves the job running.
          <div className="space-y-3 text-sm">
            {body}
            <div className="flex justify-end gap-2">
              <Button onClick={close}>Close</Button>
            </div>
          </div>
        ) : (
          <ConfirmForm
            confirmLabel={`Fix ${formatCountOf(preview?.count ?? 0, "key")}`}
            pendingLabel="Starting…"
            pending={real.isPending}
            disabled={!preview || preview.count === 0}
            error={real.error?.message}
            onConfirm={() =>
              real.mutate(
                { action: "fix-ttl", list },
                { onSuccess: (a) => a.kind === "job" && setJobId(a.job.id) },
              )
            }
            cancelLabel="Close"
            onCancel={close}
          >
            {body}
          </ConfirmForm>
        )}
      </Dialog>
    </>
  );
}
