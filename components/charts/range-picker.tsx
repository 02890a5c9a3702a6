"use client";

import { cn } from "@/components/ui/cn";
import { metricsRanges, type MetricsRange } from "@/lib/schemas/metrics";

/**
 * Plain toggle buttons (one tab stop each, `aria-pressed` on the chosen one), not a radio group or
 * tabs: those promise arrow-key navigation, and a row of three buttons does not need it.
 */
export function RangePicker({
  value,
  onChange,
}: {
  value: MetricsRange;
  onChange: (range: MetricsRange) => void;
}) {
  return (
    <div
      role="group"
      aria-label="Chart range"
      className="border-line inline-flex overflow-hidden rounded border"
    >
      {metricsRanges.map((r) => (
        <button
          key={r}
          type="button"
          aria-pressed={r === value}
          onClick={() => onChange(r)}
          className={cn(
            "tabular px-2.5 py-1 text-xs",
            r === value ? "bg-accent text-panel" : "bg-panel text-muted hover:bg-sunken",
          )}
        >
          {r}
        </button>
      ))}
    </div>
  );
}
