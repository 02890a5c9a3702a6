import { parseBody, route, requireInstance, methods } from "@/lib/http/route";
import { resetSlowlogAction } from "@/lib/ops/actions";
import { opsActionBodySchema } from "@/lib/schemas/ops";

/** SLOWLOG RESET: admin only, refused on a read-only instance, audited either way. */
const post = route<{ id: string }>({ access: "guarded" }, async (req, params, principal) => {
  const instance = requireInstance(params.id);
  const { reason } = await parseBody(req, opsActionBodySchema);
  return resetSlowlogAction(principal, instance, reason ?? null);
});

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({ POST: post });
