import type { ReactNode } from "react";
import { cn } from "./cn";

export type Tone = "ok" | "warn" | "bad" | "info" | "neutral";

const tones: Record<Tone, string> = {
  ok: "bg-ok-soft text-ok border-ok/40",
  warn: "bg-warn-soft text-warn border-warn/40",
  bad: "bg-bad-soft text-bad border-bad/40",
  info: "bg-info-soft text-info border-info/40",
  neutral: "bg-sunken text-muted border-line",
};

/** Status is always a word as well as a colour. */
export function Badge({
  tone = "neutral",
  children,
  className,
  ...rest
}: { tone?: Tone; children: ReactNode; className?: string } & React.HTMLAttributes<HTMLSpanElement>) {
  return (
    <span
      {...rest}
      className={cn(
        "inline-flex items-center gap-1 rounded border px-1.5 py-0.5 text-xs leading-none font-medium whitespace-nowrap",
        tones[tone],
        className,
      )}
    >
      {children}
    </span>
  );
}
