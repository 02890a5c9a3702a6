import { notFound } from "next/navigation";
import { connection } from "next/server";
import { Suspense } from "react";
import { DangerZone } from "@/components/actions/danger-zone";
import { OpsClient } from "@/components/ops/ops-client";
import { OpsSkeleton } from "@/components/ops/ops-skeleton";
import { findInstance } from "@/lib/config";

export default async function OpsPage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  const { id } = await params;
  const instance = findInstance(decodeURIComponent(id));
  if (!instance) notFound();
  return (
    <div className="space-y-3">
      <Suspense fallback={<OpsSkeleton />}>
        <OpsClient instanceId={instance.id} />
      </Suspense>
      {/* FLUSHDB for admins (issue 6); renders nothing for other roles and read-only instances. */}
      <DangerZone instanceId={instance.id} />
    </div>
  );
}
