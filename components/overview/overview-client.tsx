"use client";

import { useState } from "react";
import { RangePicker } from "@/components/charts/range-picker";
import type { MetricsRange } from "@/lib/schemas/metrics";
import type { Overview } from "@/lib/schemas/overview";
import { AlertsPanel } from "./alerts-panel";
import { DeploymentSummary } from "./deployment-summary";
import { NodeTable } from "./node-table";
import { OverviewCharts } from "./overview-charts";
import { ChartsSkeleton } from "./overview-skeleton";
import { StatusBanner } from "./status-banner";
import { OverviewTiles } from "./tiles";
import { clockUtc } from "./time";
import { useMetrics } from "./use-metrics";
import { useOverview } from "./use-overview";

export function OverviewClient({
  id,
  initial,
  initialRange,
}: {
  id: string;
  initial: Overview;
  initialRange: MetricsRange;
}) {
  const [range, setRange] = useState<MetricsRange>(initialRange);
  const overview = useOverview(id, initial);
  const o = overview.data ?? initial;
  const metrics = useMetrics(id, { range }, o.sampleIntervalSeconds * 1000);
  const lastKnown = !o.reachable && o.sampledAt !== null;

  const choose = (r: MetricsRange) => {
    setRange(r);
    const url = new URL(window.location.href);
    url.searchParams.set("range", r);
    window.history.replaceState(null, "", url);
  };

  return (
    <div className="space-y-3">
      <StatusBanner overview={o} />
      {overview.error ? (
        <p role="alert" className="border-warn/40 bg-warn-soft text-warn rounded border px-2 py-1.5">
          Could not refresh the overview: {overview.error.message}. Showing the last answer.
        </p>
      ) : null}
      <AlertsPanel alerts={o.alerts} dimmed={lastKnown} />
      <DeploymentSummary overview={o} />
      <OverviewTiles overview={o} lastKnown={lastKnown} />
      <NodeTable overview={o} />
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-muted text-xs" aria-live="polite">
          Sampled every {o.sampleIntervalSeconds} s · data from {clockUtc(o.sampledAt)}
          {metrics.data ? ` · ${metrics.data.stepSeconds} s per point (${metrics.data.source})` : ""}
        </p>
        <RangePicker value={range} onChange={choose} />
      </div>
      {metrics.data ? (
        <OverviewCharts data={metrics.data} />
      ) : metrics.error ? (
        <p role="alert" className="text-bad">
          Charts unavailable: {metrics.error.message}
        </p>
      ) : (
        <ChartsSkeleton />
      )}
    </div>
  );
}
