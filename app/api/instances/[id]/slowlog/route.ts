import { parseQuery, route, requireInstance, methods } from "@/lib/http/route";
import { revealSlowlog } from "@/lib/ops/actions";
import { slowlog } from "@/lib/ops/service";
import { slowlogQuerySchema, type SlowlogResponse } from "@/lib/schemas/ops";

/**
 * The slow log with arguments hidden (they may carry PII). `?reveal=1` shows them to an admin
 * and is audited; anyone else gets 403, also audited.
 */
const get = route<{ id: string }>(
  { access: "read" },
  async (req, params, principal): Promise<SlowlogResponse> => {
    const instance = requireInstance(params.id);
    const { count, reveal } = parseQuery(req, slowlogQuerySchema);
    if (reveal) return revealSlowlog(principal, instance, count);
    return slowlog(instance, { count, reveal: false });
  },
);

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({ GET: get });
