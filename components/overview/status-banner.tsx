// Says clearly when the figures are not live: Redis unreachable (since when, data from when), the
// sampler not running (no process holds the lease), or no sample yet.
import type { Overview } from "@/lib/schemas/overview";
import { clockUtc } from "./time";

export function StatusBanner({ overview }: { overview: Overview }) {
  if (overview.checkedAt === null) {
    return (
      <p role="status" className="border-info/40 bg-info-soft text-info rounded-md border px-3 py-2">
        Waiting for the first sample (every {overview.sampleIntervalSeconds} s).
      </p>
    );
  }
  if (!overview.reachable) {
    return (
      <div
        role="alert"
        data-testid="unreachable-banner"
        className="border-bad/60 bg-bad-soft text-bad rounded-md border px-3 py-2"
      >
        <p className="font-semibold">
          ✕ Redis unreachable since {clockUtc(overview.unreachableSince)}, last data{" "}
          {clockUtc(overview.sampledAt)}
        </p>
        {overview.error ? <p className="text-sm">{overview.error}</p> : null}
        <p className="text-sm">The figures below are the last known ones.</p>
      </div>
    );
  }
  if (overview.stale) {
    return (
      <p role="status" className="border-warn/40 bg-warn-soft text-warn rounded-md border px-3 py-2">
        ⚠ No sampler is running for this instance: figures are from {clockUtc(overview.checkedAt)}.
      </p>
    );
  }
  return null;
}
