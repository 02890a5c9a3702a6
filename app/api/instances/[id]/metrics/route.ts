import { parseQuery, route, requireInstance } from "@/lib/http/route";
import { getMetrics } from "@/lib/metrics/service";
import { metricsQuerySchema, type MetricsResponse } from "@/lib/schemas/metrics";

/** Time series for the charts, from stored samples and rollups, never from Redis. */
export const GET = route<{ id: string }>(async (req, params): Promise<MetricsResponse> => {
  const instance = requireInstance(params.id);
  const { range } = parseQuery(req, metricsQuerySchema);
  return getMetrics(instance, range);
});
