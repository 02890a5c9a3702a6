// What the server process does once before its first request: validate configuration and
// migrate the store. A failure ends the process with one line naming the cause.
import "server-only";
import { installPeerAddressStamp } from "@/lib/auth/peer";
import { closeInterruptedIntents } from "@/lib/audit/log";
import { assertConfigOrExit } from "@/lib/config";
import { startMetricsSampler } from "@/lib/metrics/service";
import { startScanScheduler } from "@/lib/scan/jobs";
import { getStore } from "@/lib/store";

export function startServer(): void {
  assertConfigOrExit();
  // Stamp each request with its socket peer address for the trusted-proxy check (lib/auth/peer.ts).
  installPeerAddressStamp();
  try {
    getStore();
  } catch (err) {
    console.error(`isl-console: store error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
  // Actions a previous process was running when it stopped get an "error" outcome in the audit log.
  const interrupted = closeInterruptedIntents();
  if (interrupted > 0)
    console.warn(`isl-console: ${interrupted} action(s) were interrupted by the last stop; audited as error`);
  // Metrics sampler: one per instance per data directory (a lease in the store), every SAMPLE_INTERVAL_SECONDS.
  startMetricsSampler();
  // Scheduled keyspace scans (SCAN_INTERVAL_MINUTES; 0 disables).
  startScanScheduler();
}
