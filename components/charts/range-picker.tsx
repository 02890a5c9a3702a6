"use client";

import { cn } from "@/components/ui/cn";
import { metricsRanges, type MetricsRange } from "@/lib/schemas/metrics";

export function RangePicker({
  value,
  onChange,
}: {
  value: MetricsRange;
  onChange: (range: MetricsRange) => void;
}) {
  return (
    <div
      role="radiogroup"
      aria-label="Chart range"
      className="border-line inline-flex overflow-hidden rounded border"
    >
      {metricsRanges.map((r) => (
        <button
          key={r}
          type="button"
          role="radio"
          aria-checked={r === value}
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
