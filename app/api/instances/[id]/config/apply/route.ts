import { parseBody, route, requireInstance, methods } from "@/lib/http/route";
import { applyRecommendedConfig } from "@/lib/ops/actions";
import { opsActionBodySchema } from "@/lib/schemas/ops";

/**
 * CONFIG SET of the guide's values for the failing maxmemory / maxmemory-policy / save checks:
 * admin only, refused on a read-only instance or where CONFIG is disabled, audited either way.
 */
const post = route<{ id: string }>({ access: "guarded" }, async (req, params, principal) => {
  const instance = requireInstance(params.id);
  const { reason } = await parseBody(req, opsActionBodySchema);
  return applyRecommendedConfig(principal, instance, reason ?? null);
});

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({ POST: post });
