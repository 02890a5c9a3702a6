import { getConfig } from "@/lib/config";
import { route } from "@/lib/http/route";
import { renderMetrics } from "@/lib/metrics/prometheus";

/**
 * Prometheus text format, from the store only (never a Redis call per scrape). Authenticated like
 * every API: Prometheus sends an API token (`authorization: { credentials: ... }` in the scrape config).
 */
export const GET = route(async () => {
  const { text, contentType } = await renderMetrics(getConfig().instances);
  return new Response(text, { headers: { "content-type": contentType, "cache-control": "no-store" } });
});
