import { connection } from "next/server";
import { Suspense } from "react";
import { DangerZone } from "@/components/actions/danger-zone";
import { OpsClient } from "@/components/ops/ops-client";
import { OpsSkeleton } from "@/components/ops/ops-skeleton";
import { instanceFromParams } from "../instance";

export default async function OpsPage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  const instance = await instanceFromParams(params);
  return (
    <div className="space-y-3">
      {/* One boundary for both: hydrated apart, a query the danger zone started (capabilities)
          could answer before the panels hydrate and make them differ from the server's HTML. */}
      <Suspense fallback={<OpsSkeleton />}>
        <OpsClient instanceId={instance.id} />
        {/* FLUSHDB for admins; renders nothing for other roles and read-only instances. */}
        <DangerZone instanceId={instance.id} />
      </Suspense>
    </div>
  );
}
