// What the server process does once before its first request: validate configuration, migrate
// the store and end the sessions of removed users. A failure ends the process with one line naming
// the cause, except a database that cannot be reached: the console serves 503 store_unavailable and
// starts once it answers.
import "server-only";
import { installPeerAddressStamp } from "@/lib/auth/peer";
import { reconcileSessions } from "@/lib/auth/session";
import { closeInterruptedIntents } from "@/lib/audit/log";
import { assertConfigOrExit, getConfig } from "@/lib/config";
import { startMetricsSampler } from "@/lib/metrics/service";
import { startScanScheduler } from "@/lib/scan/jobs";
import { getStore } from "@/lib/store";
import { logStoreFailure, StoreUnavailableError } from "@/lib/store/db";
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

/** How often a console started while its database was unreachable tries it again. */
const STORE_RETRY_MS = 5_000;

export async function startServer(): Promise<void> {
  assertConfigOrExit();
  // Stamp each request with its socket peer address for the trusted-proxy check (lib/auth/peer.ts).
  installPeerAddressStamp();
  if (await storeAnswers()) return startWork();
  // The database is down or unreachable, not misconfigured: serve (health and the API answer 503
  // store_unavailable) and start the work once it answers, as a replica whose database comes back.
  const since = Date.now();
  void (async () => {
    do await new Promise((resolve) => setTimeout(resolve, STORE_RETRY_MS).unref());
    while (!(await storeAnswers()));
    console.warn(
      `isl-console: store ${getStore().location} answers after ${Math.round((Date.now() - since) / 1000)} s; starting`,
    );
    await startWork().catch((err: unknown) => {
      console.error(
        `isl-console: start-up after the store came back failed: ${err instanceof Error ? err.message : String(err)}`,
      );
      process.exit(1);
    });
  })();
}

/**
 * Opens the store and ends the sessions of removed users: true once done, false while the database
 * cannot be reached (said once a minute); any other store error ends the process with one line.
 */
async function storeAnswers(): Promise<boolean> {
  try {
    getStore();
    await endStaleSessions();
    return true;
  } catch (err) {
    if (err instanceof StoreUnavailableError) {
      logStoreFailure(
        `start-up, serving 503 store_unavailable and trying every ${STORE_RETRY_MS / 1000} s`,
        err,
      );
      return false;
    }
    console.error(`isl-console: store error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}

/** The sweep of interrupted actions, the sampler, the live watch and the scan scheduler. */
async function startWork(): Promise<void> {
  // Actions a stopped process was running get an "error" outcome in the audit log: at start-up,
  // then every minute (a replica that died mid-action is noticed by the others).
  const sweep = async () => {
    const interrupted = await closeInterruptedIntents();
    if (interrupted > 0)
      console.warn(
        `isl-console: ${interrupted} action(s) were interrupted by a stopped process; audited as error`,
      );
  };
  await sweep();
  setInterval(
    () => void sweep().catch((err: unknown) => console.error("isl-console: intent sweep", err)),
    60_000,
  ).unref();
  // Metrics sampler: one per instance per data directory (a lease in the store), every SAMPLE_INTERVAL_SECONDS.
  const sampler = startMetricsSampler();
  // Live TTL watch (keyspace notifications), per instance where this process holds the sampler's lease.
  startLiveWatch(sampler.owner);
  // Scheduled keyspace scans (SCAN_INTERVAL_MINUTES; 0 disables).
  await startScanScheduler();
}
