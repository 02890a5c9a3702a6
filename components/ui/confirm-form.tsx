"use client";
// The confirmation every write asks for before it runs, in a dialog or inline: what happens (the
// children), the typed confirmation where one is required, a reason for the audit log, the last
// attempt's error, and Cancel / Confirm. While the write is in flight both buttons are disabled:
// cancelling then would not stop it.

import { useState, type ReactNode, type Ref } from "react";
import { Button, type ButtonSize } from "./button";
import { cn } from "./cn";

/** The action API's bound on `reason`. */
const REASON_MAX = 500;

export interface ConfirmFormProps {
  /** What the write does, in words. */
  children: ReactNode;
  confirmLabel: string;
  pendingLabel: string;
  pending: boolean;
  /** "bad": the confirm button is red (the write removes data). */
  tone?: "neutral" | "bad";
  /**
   * Called only when the form may confirm, with the reason typed (trimmed; undefined when left
   * empty) and the typed confirmation, which the server checks again.
   */
  onConfirm: (reason: string | undefined, typed: string) => void;
  onCancel: () => void;
  cancelLabel?: string;
  /** A reason field for the audit log. A required one gets two lines and blocks Confirm while empty. */
  reason?: { label: string; required?: boolean };
  /** The optional reason's input, for the dialog that focuses it on open. */
  reasonRef?: Ref<HTMLInputElement>;
  /** The text to type before Confirm is enabled (an instance id), with its label and field name. */
  typed?: TypedConfirmation;
  /** Another reason Confirm is not possible yet (nothing to confirm). */
  disabled?: boolean;
  error?: string;
  /** "end": Cancel then Confirm at the right (dialogs); "start": Confirm first, at the left (inline). */
  align?: "end" | "start";
  size?: ButtonSize;
  className?: string;
}

interface TypedConfirmation {
  expected: string;
  label: ReactNode;
  fieldLabel: string;
  mismatch: string;
}

// max-w-lg: as wide as a dialog, also where the form sits inline in a wide card.
const fieldClass = "border-line bg-panel text-fg mt-1 block w-full max-w-lg rounded border px-2 py-1";

export function ConfirmForm({
  children,
  confirmLabel,
  pendingLabel,
  pending,
  tone = "neutral",
  onConfirm,
  onCancel,
  cancelLabel = "Cancel",
  reason: reasonField,
  reasonRef,
  typed,
  disabled = false,
  error,
  align = "end",
  size = "md",
  className = "space-y-3 text-sm",
}: ConfirmFormProps) {
  const [reason, setReason] = useState("");
  const [typedText, setTypedText] = useState("");
  const typedOk = !typed || typedText === typed.expected;
  const reasonOk = !reasonField?.required || reason.trim() !== "";
  const blocked = pending || disabled || !typedOk || !reasonOk;
  const cancel = (
    <Button size={size} onClick={onCancel} disabled={pending}>
      {cancelLabel}
    </Button>
  );
  const confirm = (
    <Button type="submit" variant={tone === "bad" ? "danger" : "primary"} size={size} disabled={blocked}>
      {pending ? pendingLabel : confirmLabel}
    </Button>
  );
  return (
    <form
      className={className}
      onSubmit={(e) => {
        e.preventDefault();
        if (!blocked) onConfirm(reason.trim() || undefined, typedText);
      }}
    >
      {children}
      {typed ? <TypedField typed={typed} value={typedText} onChange={setTypedText} /> : null}
      {reasonField ? (
        <ReasonField
          label={reasonField.label}
          required={reasonField.required ?? false}
          inputRef={reasonRef}
          value={reason}
          onChange={setReason}
        />
      ) : null}
      {error ? (
        <p role="alert" className="text-bad">
          {error}
        </p>
      ) : null}
      {align === "end" ? (
        <div className="flex justify-end gap-2">
          {cancel}
          {confirm}
        </div>
      ) : (
        <div className="flex items-center gap-2">
          {confirm}
          {cancel}
        </div>
      )}
    </form>
  );
}

function TypedField({
  typed,
  value,
  onChange,
}: {
  typed: TypedConfirmation;
  value: string;
  onChange: (value: string) => void;
}) {
  const mismatch = value !== "" && value !== typed.expected;
  return (
    <>
      <label className="block">
        {typed.label}
        <input
          value={value}
          onChange={(e) => onChange(e.target.value)}
          autoComplete="off"
          spellCheck={false}
          aria-label={typed.fieldLabel}
          aria-invalid={mismatch}
          className={cn(fieldClass, "aria-[invalid=true]:border-bad font-mono")}
        />
      </label>
      {mismatch ? (
        <p className="text-bad" role="alert">
          {typed.mismatch}
        </p>
      ) : null}
    </>
  );
}

function ReasonField({
  label,
  required,
  inputRef,
  value,
  onChange,
}: {
  label: string;
  required: boolean;
  inputRef: Ref<HTMLInputElement> | undefined;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <label className="block">
      <span className="text-muted text-xs">{label}</span>
      {required ? (
        <textarea
          value={value}
          onChange={(e) => onChange(e.target.value)}
          maxLength={REASON_MAX}
          rows={2}
          aria-label="Reason"
          className={fieldClass}
        />
      ) : (
        <input
          ref={inputRef}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          // A held Enter that opened the form must not also confirm it.
          onKeyDown={(e) => {
            if (e.key === "Enter" && e.repeat) e.preventDefault();
          }}
          maxLength={REASON_MAX}
          autoComplete="off"
          aria-label="Reason"
          className={fieldClass}
        />
      )}
    </label>
  );
}
