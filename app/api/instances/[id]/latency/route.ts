import { parseQuery, route, requireInstance } from "@/lib/http/route";
import { latency } from "@/lib/ops/service";
import { latencyQuerySchema, type LatencyResponse } from "@/lib/schemas/ops";

/** Per-minute PING round trips from the store, plus LATENCY LATEST when Redis answers. */
export const GET = route<{ id: string }>(async (req, params): Promise<LatencyResponse> => {
  const instance = requireInstance(params.id);
  const { minutes } = parseQuery(req, latencyQuerySchema);
  return latency(instance, minutes);
});
