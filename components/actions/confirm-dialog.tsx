"use client";
// The confirmation every write in the UI asks for first: which keys, what happens in
// words, an optional reason for the audit log, Cancel / Confirm. Built on Dialog. Cancelling
// changes nothing; closing either way puts focus back on the control that opened it.

import { useEffect, useRef, type ReactNode } from "react";
import { ConfirmForm } from "@/components/ui/confirm-form";
import { formatCount } from "@/lib/format";
import { Dialog } from "./dialog";

/** Keys named in the dialog before "and N more". */
const KEYS_SHOWN = 20;

interface Props {
  open: boolean;
  title: string;
  /** The keys the write touches (display text); the first 20 are named. */
  keys: readonly string[];
  /** What the write does, in words. */
  children: ReactNode;
  confirmLabel: string;
  pendingLabel: string;
  pending: boolean;
  error?: string;
  tone?: "neutral" | "bad";
  /** The reason typed, trimmed; undefined when left empty. */
  onConfirm: (reason: string | undefined) => void;
  onCancel: () => void;
  /** Where focus goes once the dialog has closed: the opener, or what replaced it. */
  returnFocus: () => HTMLElement | null | undefined;
}

export function ConfirmDialog({
  open,
  title,
  tone = "neutral",
  keys,
  children,
  onCancel,
  returnFocus,
  ...form
}: Props) {
  const reasonRef = useRef<HTMLInputElement>(null);
  const wasOpen = useRef(open);
  const returnTo = useRef(returnFocus);
  useEffect(() => {
    returnTo.current = returnFocus;
  });
  // Runs on open and close only. Parent effects run after Dialog's showModal/close, so these focus
  // calls win over the browser's own (which lands on <body> when the opener is gone).
  useEffect(() => {
    if (open) reasonRef.current?.focus();
    else if (wasOpen.current) returnTo.current()?.focus();
    wasOpen.current = open;
  }, [open]);
  return (
    // The dialog inherits text styles from where it sits (a table cell, a toolbar): reset them.
    // `contents` keeps the closed dialog from taking a flex gap in the opener's row.
    <div className="contents text-left text-sm font-normal whitespace-normal">
      <Dialog open={open} title={title} tone={tone} onClose={onCancel}>
        <ConfirmForm
          {...form}
          tone={tone}
          onCancel={onCancel}
          reason={{ label: "Reason (optional, recorded in the audit log)" }}
          reasonRef={reasonRef}
        >
          <KeyNames keys={keys} />
          <div className="space-y-1">{children}</div>
        </ConfirmForm>
      </Dialog>
    </div>
  );
}

function KeyNames({ keys }: { keys: readonly string[] }) {
  if (keys.length === 1) {
    return (
      <code
        className="bg-sunken block max-h-24 overflow-auto rounded px-2 py-1 font-mono text-xs break-all"
        data-testid="confirm-keys"
      >
        {keys[0]}
      </code>
    );
  }
  // "and N more" sits below the scrolling list, so it is seen without scrolling.
  return (
    <div data-testid="confirm-keys">
      <ul className="bg-sunken max-h-40 overflow-auto rounded px-2 py-1 font-mono text-xs">
        {keys.slice(0, KEYS_SHOWN).map((k, i) => (
          <li key={i} className="break-all">
            {k}
          </li>
        ))}
      </ul>
      {keys.length > KEYS_SHOWN ? (
        <p className="text-muted mt-1 text-xs">and {formatCount(keys.length - KEYS_SHOWN)} more</p>
      ) : null}
    </div>
  );
}
