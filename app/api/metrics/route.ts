import { getConfig } from "@/lib/config";
import { UnauthenticatedError } from "@/lib/http/errors";
import { route, methods } from "@/lib/http/route";
import { renderMetrics } from "@/lib/metrics/prometheus";

/**
 * Prometheus text format, from the store only (never a Redis call per scrape). A bearer API token
 * is required (any role): the endpoint is for Prometheus, so a browser session is not enough.
 */
const get = route({ access: "read" }, async (_req, _params, principal) => {
  if (principal.method !== "token") {
    throw new UnauthenticatedError("/api/metrics needs an API token: Authorization: Bearer <token>");
  }
  const { text, contentType } = await renderMetrics(getConfig().instances);
  return new Response(text, { headers: { "content-type": contentType, "cache-control": "no-store" } });
});

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({ GET: get });
