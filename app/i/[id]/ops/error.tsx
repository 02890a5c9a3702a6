"use client";

import { Card } from "@/components/ui/card";

export default function OpsError({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <Card className="border-bad/60">
      <h2 className="text-bad font-semibold">The ops page failed</h2>
      <p className="mt-1">{error.message || "The page could not be rendered."}</p>
      {error.digest ? <p className="text-muted mt-1 font-mono text-xs">digest {error.digest}</p> : null}
      <button
        type="button"
        onClick={reset}
        className="border-line hover:bg-sunken mt-3 rounded border px-3 py-1"
      >
        Retry
      </button>
    </Card>
  );
}
