import { connection } from "next/server";
import { Suspense } from "react";
import { KeysClient } from "@/components/keys/keys-client";
import { KeysSkeleton } from "@/components/keys/keys-skeleton";
import { treeCounts } from "@/lib/browse/tree-counts";
import { instanceFromParams } from "../instance";

export default async function KeysPage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  const instance = await instanceFromParams(params);
  const scanCounts = await treeCounts(instance.id);
  return (
    <Suspense fallback={<KeysSkeleton />}>
      <KeysClient instanceId={instance.id} scanCounts={scanCounts} />
    </Suspense>
  );
}
