import { parseQuery, route, requireInstance, methods } from "@/lib/http/route";
import { getMetrics } from "@/lib/metrics/service";
import { metricsQuerySchema, type MetricsResponse } from "@/lib/schemas/metrics";

/** Time series for the charts, from stored samples and rollups, never from Redis. */
const get = route<{ id: string }>({ access: "read" }, async (req, params): Promise<MetricsResponse> => {
  const instance = requireInstance(params.id);
  const { range } = parseQuery(req, metricsQuerySchema);
  return getMetrics(instance, range);
});

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({ GET: get });
