import { getConfig } from "@/lib/config";
import { ApiError, BadRequestError } from "@/lib/http/errors";
import { route, methods } from "@/lib/http/route";
import { probeAll } from "@/lib/metrics/instance-status";
import { samplerOwner } from "@/lib/metrics/service";
import type { HealthResponse, LivenessResponse } from "@/lib/schemas/instances";
import { getStore } from "@/lib/store";
import { StoreUnavailableError } from "@/lib/store/db";
import { leasesHeldBy } from "@/lib/store/sampler-leases";

/**
 * The instances whose sampler lease this process holds now; none before its sampler started. The
 * store is read either way: a console whose store does not answer is not ready, started or not.
 */
async function heldLeases(now: number): Promise<string[]> {
  const owner = samplerOwner();
  try {
    // Before the sampler runs there is no owner: "" holds no lease, but the store is still read.
    return await leasesHeldBy(getStore(), owner ?? "", now);
  } catch (err) {
    // Sessions live in the store too: a console that cannot read it cannot serve anyone.
    console.error("isl-console: health: the store cannot be read:", err);
    // Public: the reason, never where the store is (the log says).
    const reason =
      err instanceof StoreUnavailableError
        ? "cannot be reached (the database is down or unreachable)"
        : "cannot be read";
    throw new ApiError(503, "store_unavailable", `the console's store ${reason}; see its log`);
  }
}

/**
 * No authentication: load balancers, uptime checks and Kubernetes probes call it. 200 while the
 * process serves and its store answers, whatever Redis does. `?probe=live` answers whether the
 * process itself serves, reading neither Redis nor the store: a liveness probe must not restart
 * every replica while the database is down (restarting cannot bring it back).
 */
const get = route({ access: "public" }, async (req): Promise<HealthResponse | LivenessResponse> => {
  const probe = req.nextUrl.searchParams.get("probe");
  if (probe === "live") return { status: "live", uptimeSeconds: Math.round(process.uptime()) };
  if (probe !== null) throw new BadRequestError(`probe must be "live" (or absent for the full check)`);
  const statuses = await probeAll(getConfig().instances);
  return {
    // A cluster or sentinel deployment with a node not answering still serves, degraded.
    status: statuses.every((s) => s.reachable && (s.nodes?.unanswered.length ?? 0) === 0) ? "ok" : "degraded",
    uptimeSeconds: Math.round(process.uptime()),
    instances: statuses.map(({ id, reachable, error }) => ({ id, reachable, error })),
    // Which store, never where: the endpoint is public.
    store: { kind: getStore().dialect },
    leases: { held: await heldLeases(Date.now()) },
  };
});

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({ GET: get });
