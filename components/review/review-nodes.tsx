"use client";
// The review of a cluster: the per-node breakdown of the scan it was built from, and a newer scan
// that failed on part of the cluster (its nodes and the slots it did not cover). Nothing for a
// standalone or sentinel instance.

import { useQuery } from "@tanstack/react-query";
import { apiUrl, queryKeys } from "@/components/api";
import { FailedScanNodes, isClusterScan, NodeBreakdown } from "@/components/ttl/node-breakdown";
import { useLatestScan } from "@/components/ttl/use-latest-scan";
import { Card } from "@/components/ui/card";
import { fetchJson } from "@/lib/http/fetch-json";
import { scanJobSchema, type ScanJob } from "@/lib/schemas/scans";

/** What the review page's server render found in the store for these panels. */
export interface ReviewNodesInitial {
  /** The scan the review is built from, without its lists. */
  scan: ScanJob | null;
  /** The newest finished scan, failed or cancelled ones included. */
  latestFinished: ScanJob | null;
}

function useScan(instanceId: string, scanId: string, initial: ScanJob | null) {
  return useQuery({
    queryKey: queryKeys.instance(instanceId).scans.nodes(scanId),
    queryFn: ({ signal }) => fetchJson(apiUrl.scan(scanId), scanJobSchema, { signal }),
    initialData: initial?.id === scanId ? initial : undefined,
    staleTime: 60_000,
  });
}

export function ReviewNodes({
  instanceId,
  scanId,
  initial,
}: {
  instanceId: string;
  scanId: string;
  initial: ReviewNodesInitial;
}) {
  const scan = useScan(instanceId, scanId, initial.scan);
  const latest = useLatestScan(instanceId, initial.latestFinished, "any");
  const result = scan.data?.result;
  const newerFailure = latest.data && latest.data.id !== scanId ? latest.data : undefined;
  return (
    <>
      {newerFailure ? <FailedScanNodes job={newerFailure} /> : null}
      {result && isClusterScan(result) ? (
        <Card aria-labelledby="nodes-title">
          <h2 id="nodes-title" className="mb-2 text-base font-semibold">
            Nodes
          </h2>
          <NodeBreakdown result={result} caption="Nodes of the reviewed scan" />
        </Card>
      ) : null}
    </>
  );
}
