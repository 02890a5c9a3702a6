import { connection } from "next/server";
import { Suspense } from "react";
import { OverviewClient } from "@/components/overview/overview-client";
import { OverviewSkeleton } from "@/components/overview/overview-skeleton";
import { getOverview } from "@/lib/metrics/service";
import { metricsRangeSchema } from "@/lib/schemas/metrics";
import { instanceFromParams } from "./instance";

export default async function OverviewPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await connection();
  const instance = await instanceFromParams(params);
  const range = metricsRangeSchema.catch("1h").parse((await searchParams).range);
  // From the store, like the API: opening the page causes no Redis call.
  const initial = await getOverview(instance);
  return (
    <Suspense fallback={<OverviewSkeleton />}>
      <OverviewClient id={instance.id} initial={initial} initialRange={range} />
    </Suspense>
  );
}
