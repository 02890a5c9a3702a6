import { parseBody, route, requireInstance } from "@/lib/http/route";
import { applyRecommendedConfig } from "@/lib/ops/actions";
import { opsActionBodySchema } from "@/lib/schemas/ops";

/**
 * CONFIG SET of the guide's values for the failing maxmemory / maxmemory-policy / save checks:
 * admin only, refused on a read-only instance or where CONFIG is disabled, audited either way.
 */
export const POST = route<{ id: string }>(async (req, params, principal) => {
  const instance = requireInstance(params.id);
  const { reason } = await parseBody(req, opsActionBodySchema);
  return applyRecommendedConfig(principal, instance, reason ?? null);
});
