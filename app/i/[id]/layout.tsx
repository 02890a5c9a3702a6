import type { ReactNode } from "react";
import { ActionScope } from "@/components/actions/action-scope";
import { InstanceTabs } from "@/components/layout/instance-tabs";
import { Badge } from "@/components/ui/badge";
import { EnvironmentBadge } from "@/components/ui/environment-badge";
import { instanceAddress } from "@/lib/redis/instances";
import { instanceFromParams } from "./instance";

export default async function InstanceLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ id: string }>;
}) {
  const instance = await instanceFromParams(params);
  return (
    <div>
      <div className="mb-2 flex flex-wrap items-center gap-2">
        <h1 className="text-lg font-semibold">{instance.name}</h1>
        <EnvironmentBadge environment={instance.environment} />
        {instance.readOnly ? <Badge>read-only</Badge> : null}
        <span className="text-muted font-mono text-xs break-all">{instanceAddress(instance)}</span>
      </div>
      <InstanceTabs id={instance.id} />
      <div className="pt-4">
        <ActionScope instanceId={instance.id} readOnly={instance.readOnly}>
          {children}
        </ActionScope>
      </div>
    </div>
  );
}
