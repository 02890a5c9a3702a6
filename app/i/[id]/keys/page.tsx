import { notFound } from "next/navigation";
import { connection } from "next/server";
import { Suspense } from "react";
import { KeysClient } from "@/components/keys/keys-client";
import { KeysSkeleton } from "@/components/keys/keys-skeleton";
import { findInstance } from "@/lib/config";
import { treeCounts } from "./tree-counts";

export default async function KeysPage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  const { id } = await params;
  const instance = findInstance(decodeURIComponent(id));
  if (!instance) notFound();
  return (
    <Suspense fallback={<KeysSkeleton />}>
      <KeysClient instanceId={instance.id} scanCounts={treeCounts(instance.id)} />
    </Suspense>
  );
}
