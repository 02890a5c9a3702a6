// What the server process does once before its first request: validate configuration, migrate
// the store and end the sessions of removed users. A failure ends the process with one line naming the cause.
import "server-only";
import { installPeerAddressStamp } from "@/lib/auth/peer";
import { reconcileSessions } from "@/lib/auth/session";
import { closeInterruptedIntents } from "@/lib/audit/log";
import { assertConfigOrExit, getConfig } from "@/lib/config";
import { startMetricsSampler } from "@/lib/metrics/service";
import { startScanScheduler } from "@/lib/scan/jobs";
import { getStore } from "@/lib/store";
import { startLiveWatch } from "@/lib/watch/service";

/**
 * Sessions at start-up: those of users no longer in CONSOLE_USERS_FILE are revoked (the per-request
 * check refuses them too; this makes it final, even if the name comes back), and rows that can
 * never authenticate again are deleted so the table stays bounded.
 */
export async function endStaleSessions(now = Date.now()): Promise<{ revoked: number; pruned: number }> {
  const auth = getConfig().auth;
  const result = await reconcileSessions(
    getStore(),
    auth.users.map((u) => u.username),
    now,
    auth.sessionIdleMs,
  );
  if (result.revoked > 0)
    console.warn(`isl-console: ${result.revoked} session(s) of users no longer in the users file revoked`);
  return result;
}

export async function startServer(): Promise<void> {
  assertConfigOrExit();
  // Stamp each request with its socket peer address for the trusted-proxy check (lib/auth/peer.ts).
  installPeerAddressStamp();
  try {
    getStore();
    await endStaleSessions();
  } catch (err) {
    console.error(`isl-console: store error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
  // Actions a stopped process was running get an "error" outcome in the audit log: at start-up,
  // then every minute (a replica that died mid-action is noticed by the others).
  const sweep = async () => {
    const interrupted = await closeInterruptedIntents();
    if (interrupted > 0)
      console.warn(`isl-console: ${interrupted} action(s) were interrupted by a stopped process; audited as error`);
  };
  await sweep();
  setInterval(() => void sweep().catch((err: unknown) => console.error("isl-console: intent sweep", err)), 60_000).unref();
  // Metrics sampler: one per instance per data directory (a lease in the store), every SAMPLE_INTERVAL_SECONDS.
  const sampler = startMetricsSampler();
  // Live TTL watch (keyspace notifications), per instance where this process holds the sampler's lease.
  startLiveWatch(sampler.owner);
  // Scheduled keyspace scans (SCAN_INTERVAL_MINUTES; 0 disables).
  await startScanScheduler();
}
