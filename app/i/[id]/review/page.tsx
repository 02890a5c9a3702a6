import { connection } from "next/server";
import { Suspense } from "react";
import { ReviewClient } from "@/components/review/review-client";
import type { ReviewNodesInitial } from "@/components/review/review-nodes";
import { ReviewSkeleton } from "@/components/review/review-skeleton";
import type { InstanceConfig } from "@/lib/config";
import { loadReview, NoScanError } from "@/lib/review/load";
import { withoutLists } from "@/lib/scan/lists";
import type { Review } from "@/lib/schemas/review";
import type { ScanJob } from "@/lib/schemas/scans";
import { getStore } from "@/lib/store";
import { getScan, listScans } from "@/lib/store/scans";
import { instanceFromParams } from "../instance";

/** The first paint gets the review from the store; without a scan the client shows the empty state. */
async function initialReview(instance: InstanceConfig): Promise<Review | undefined> {
  try {
    return await loadReview(instance);
  } catch (err) {
    if (err instanceof NoScanError) return undefined;
    throw err;
  }
}

const lean = (job: ScanJob | undefined): ScanJob | null =>
  job ? (job.result ? { ...job, result: withoutLists(job.result) } : job) : null;

/** The reviewed scan's nodes and the newest finished scan (a failed cluster scan), from the store. */
async function initialNodes(review: Review | undefined, instanceId: string): Promise<ReviewNodesInitial> {
  const db = getStore();
  const newest = (await listScans(db, instanceId, 10)).find((s) => s.status !== "running");
  return {
    scan: review ? lean(await getScan(db, review.scan.id)) : null,
    latestFinished: newest ? lean(await getScan(db, newest.id)) : null,
  };
}

export default async function ReviewPage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  const instance = await instanceFromParams(params);
  const review = await initialReview(instance);
  const nodes = await initialNodes(review, instance.id);
  return (
    <Suspense fallback={<ReviewSkeleton />}>
      <ReviewClient
        instanceId={instance.id}
        initialData={review}
        initialNodes={nodes}
      />
    </Suspense>
  );
}
