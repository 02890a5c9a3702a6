"use client";

import { Card } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import { ClientsPanel } from "./clients-panel";
import { ConfigChecklist } from "./config-checklist";
import { LatencyPanel } from "./latency-panel";
import { ChecklistSkeleton } from "./ops-skeleton";
import { PersistencePanel } from "./persistence-panel";
import { RedisUserPanel } from "./redis-user-panel";
import { SlowlogTable } from "./slowlog-table";
import { useConfigChecks } from "./use-config-checks";
import { WatchPanel } from "./watch-panel";

function Checklist({ instanceId }: { instanceId: string }) {
  const { data, error, refetch, isFetching } = useConfigChecks(instanceId);
  if (data) return <ConfigChecklist instanceId={instanceId} data={data} />;
  if (error) {
    return (
      <Card className="border-bad/60" data-testid="config-checklist">
        <h2 className="font-semibold">Config compliance</h2>
        <p className="text-bad mt-1 text-sm">Could not read the configuration: {error.message}</p>
        <Button onClick={() => void refetch()} disabled={isFetching} size="sm" className="mt-2 text-sm">
          Retry
        </Button>
      </Card>
    );
  }
  return <ChecklistSkeleton />;
}

/**
 * The ops page: config compliance, the Redis user's capabilities, latency, clients, slow log; each
 * section loads and fails on its own.
 */
export function OpsClient({ instanceId }: { instanceId: string }) {
  return (
    <div className="space-y-4">
      <Checklist instanceId={instanceId} />
      <WatchPanel instanceId={instanceId} />
      <RedisUserPanel instanceId={instanceId} />
      <LatencyPanel instanceId={instanceId} />
      <PersistencePanel instanceId={instanceId} />
      <ClientsPanel instanceId={instanceId} />
      <SlowlogTable instanceId={instanceId} />
    </div>
  );
}
