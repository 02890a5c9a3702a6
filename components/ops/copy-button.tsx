"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";

/** Copies `text`; says so for two seconds (or that the browser refused). */
export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState("copied");
    } catch {
      setState("failed");
    }
    setTimeout(() => setState("idle"), 2000);
  };
  return (
    <Button
      onClick={() => void copy()}
      size="xs"
      className="shrink-0 text-xs"
      aria-label={`${label}: ${text}`}
    >
      {state === "copied" ? "Copied" : state === "failed" ? "Copy failed" : label}
    </Button>
  );
}
