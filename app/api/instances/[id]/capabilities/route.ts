import { parseQuery, route, requireInstance, methods } from "@/lib/http/route";
import { redisCapabilities } from "@/lib/ops/capabilities";
import { capabilitiesQuerySchema, type CapabilitiesResponse } from "@/lib/schemas/capabilities";

/**
 * What the console's Redis user may do on this instance, per capability and per action, told
 * without changing anything (ACL DRYRUN, a MULTI ... DISCARD probe, or harmless reads). Cached a
 * few minutes; `?refresh=1` probes again.
 */
const get = route<{ id: string }>({ access: "read" }, async (req, params): Promise<CapabilitiesResponse> => {
  const instance = requireInstance(params.id);
  const { refresh } = parseQuery(req, capabilitiesQuerySchema);
  return redisCapabilities(instance, { refresh });
});

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({ GET: get });
