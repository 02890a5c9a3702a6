import { connection } from "next/server";
import { Suspense } from "react";
import { TtlClient, type TtlInitial } from "@/components/ttl/ttl-client";
import { TtlSkeleton } from "@/components/ttl/ttl-skeleton";
import { pageScanList, withoutLists } from "@/lib/scan/lists";
import { getStore } from "@/lib/store";
import { getScan, latestDoneScan, listScans, runningScan } from "@/lib/store/scans";
import { instanceFromParams } from "../instance";

/** From the store only: opening the page causes no Redis call. */
async function initialData(instanceId: string): Promise<TtlInitial> {
  const db = getStore();
  const latest = await latestDoneScan(db, instanceId);
  // The newest finished scan whatever its outcome: a failed cluster scan names its nodes and slots.
  const newest = (await listScans(db, instanceId, 10)).find((s) => s.status !== "running");
  const finished = newest && newest.id !== latest?.id ? await getScan(db, newest.id) : latest;
  const firstPage = latest?.result
    ? pageScanList(latest.id, latest.result, { list: "noTtl", offset: 0, limit: 50 })
    : undefined;
  return {
    latest: latest?.result ? { ...latest, result: withoutLists(latest.result) } : (latest ?? null),
    latestFinished: finished?.result
      ? { ...finished, result: withoutLists(finished.result) }
      : (finished ?? null),
    runningId: (await runningScan(db, instanceId))?.id,
    firstPage,
    now: Date.now(),
  };
}

export default async function TtlPage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  const instance = await instanceFromParams(params);
  const initial = await initialData(instance.id);
  return (
    <Suspense fallback={<TtlSkeleton />}>
      <TtlClient instanceId={instance.id} initial={initial} />
    </Suspense>
  );
}
