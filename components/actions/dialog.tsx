"use client";
// A modal dialog on the native <dialog> element: focus is trapped, Escape closes, the page behind is inert.

import { useEffect, useRef, type ReactNode } from "react";
import { cn } from "@/components/ui/cn";

export function Dialog({
  open,
  title,
  onClose,
  children,
  tone = "neutral",
}: {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
  tone?: "neutral" | "bad";
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      onClose={onClose}
      onCancel={onClose}
      aria-label={title}
      className={cn(
        "bg-panel text-fg border-line m-auto w-[min(32rem,calc(100vw-2rem))] rounded-md border p-0 shadow-lg backdrop:bg-black/40",
        tone === "bad" && "border-bad/60",
      )}
    >
      {open ? (
        <div className="space-y-3 p-4">
          <h2 className={cn("text-base font-semibold", tone === "bad" && "text-bad")}>{title}</h2>
          {children}
        </div>
      ) : null}
    </dialog>
  );
}
