import { connection } from "next/server";
import { Suspense } from "react";
import { CacheKeyClient } from "@/components/cache-key/cache-key-client";
import { CacheKeySkeleton } from "@/components/cache-key/cache-key-skeleton";
import { getConfig } from "@/lib/config";
import { offeredPatterns } from "@/lib/policy/cache-key";
import { instanceFromParams } from "../instance";

/** The patterns come from the configured policy; nothing is read from Redis until Compute. */
export default async function CacheKeyPage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  const instance = await instanceFromParams(params);
  return (
    <Suspense fallback={<CacheKeySkeleton />}>
      <CacheKeyClient instanceId={instance.id} patterns={offeredPatterns(getConfig().policy.patterns)} />
    </Suspense>
  );
}
