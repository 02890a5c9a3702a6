"use client";

import type { InstancesResponse } from "@/lib/schemas/instances";
import { InstanceCard } from "./instance-card";
import { useInstances } from "./use-instances";

export function InstancesGrid({ initial }: { initial: InstancesResponse }) {
  const { data, error, isFetching } = useInstances(initial);
  const instances = data?.instances ?? [];
  const down = instances.filter((i) => !i.reachable).length;
  return (
    <div>
      <div className="mb-3 flex items-baseline gap-3">
        <h1 className="text-lg font-semibold">Instances</h1>
        <p className="text-muted" aria-live="polite">
          {instances.length} configured · {down === 0 ? "all reachable" : `${down} unreachable`}
          {isFetching ? " · refreshing…" : ""}
        </p>
      </div>
      {error ? (
        <p role="alert" className="mb-3 rounded border border-warn/40 bg-warn-soft px-2 py-1.5 text-warn">
          Could not refresh: {error.message}. Showing the last answer.
        </p>
      ) : null}
      <div className="grid gap-3 lg:grid-cols-2">
        {instances.map((s) => (
          <InstanceCard key={s.id} status={s} />
        ))}
      </div>
    </div>
  );
}
