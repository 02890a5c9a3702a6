import { notFound } from "next/navigation";
import { connection } from "next/server";
import { Suspense } from "react";
import { ReviewClient } from "@/components/review/review-client";
import { ReviewSkeleton } from "@/components/review/review-skeleton";
import { findInstance } from "@/lib/config";
import { loadReview, NoScanError } from "@/lib/review/load";
import type { Review } from "@/lib/schemas/review";

/** The first paint gets the review from the store; without a scan the client shows the empty state. */
async function initialReview(instanceId: string): Promise<Review | undefined> {
  const instance = findInstance(instanceId);
  if (!instance) return undefined;
  try {
    return await loadReview(instance);
  } catch (err) {
    if (err instanceof NoScanError) return undefined;
    throw err;
  }
}

export default async function ReviewPage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  const { id } = await params;
  const instance = findInstance(decodeURIComponent(id));
  if (!instance) notFound();
  const review = await initialReview(instance.id);
  return (
    <Suspense fallback={<ReviewSkeleton />}>
      <ReviewClient instanceId={instance.id} initialData={review} />
    </Suspense>
  );
}
