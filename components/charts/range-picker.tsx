"use client";

import { Segmented } from "@/components/ui/segmented";
import { metricsRanges, type MetricsRange } from "@/lib/schemas/metrics";

const options = metricsRanges.map((r) => ({ value: r, label: r }));

/**
 * The metric charts' range as toggle buttons (`aria-pressed`), not a radio group or tabs: those
 * promise arrow-key navigation, and a short row of buttons does not need it.
 */
export function RangePicker({
  value,
  onChange,
}: {
  value: MetricsRange;
  onChange: (range: MetricsRange) => void;
}) {
  return <Segmented label="Chart range" options={options} value={value} onChange={onChange} />;
}
