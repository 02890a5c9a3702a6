"use client";

import { Card } from "@/components/ui/card";

export default function InstancePageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <Card className="border-bad/60">
      <h2 className="font-semibold text-bad">This page failed</h2>
      <p className="mt-1">{error.message || "The page could not be rendered."}</p>
      {error.digest ? <p className="mt-1 font-mono text-xs text-muted">digest {error.digest}</p> : null}
      <button type="button" onClick={reset} className="mt-3 rounded border border-line px-3 py-1 hover:bg-sunken">
        Retry
      </button>
    </Card>
  );
}
