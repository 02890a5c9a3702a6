import { parseQuery, route, requireInstance, methods } from "@/lib/http/route";
import { latency } from "@/lib/ops/service";
import { latencyQuerySchema, type LatencyResponse } from "@/lib/schemas/ops";

/** Per-minute PING round trips from the store, plus LATENCY LATEST when Redis answers. */
const get = route<{ id: string }>({ access: "read" }, async (req, params): Promise<LatencyResponse> => {
  const instance = requireInstance(params.id);
  const { minutes } = parseQuery(req, latencyQuerySchema);
  return latency(instance, minutes);
});

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({ GET: get });
