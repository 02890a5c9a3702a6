import { getConfig } from "@/lib/config";
import { route, methods } from "@/lib/http/route";
import { probeAll } from "@/lib/metrics/instance-status";
import type { HealthResponse } from "@/lib/schemas/instances";

/** No authentication: load balancers and uptime checks call it. Always 200 while the process serves. */
const get = route({ access: "public" }, async (): Promise<HealthResponse> => {
  const statuses = await probeAll(getConfig().instances);
  return {
    // A cluster or sentinel deployment with a node not answering still serves, degraded.
    status: statuses.every((s) => s.reachable && (s.nodes?.unanswered.length ?? 0) === 0) ? "ok" : "degraded",
    uptimeSeconds: Math.round(process.uptime()),
    instances: statuses.map(({ id, reachable, error }) => ({ id, reachable, error })),
  };
});

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({ GET: get });
