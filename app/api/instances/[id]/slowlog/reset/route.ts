import { parseBody, route, requireInstance } from "@/lib/http/route";
import { resetSlowlogAction } from "@/lib/ops/actions";
import { opsActionBodySchema } from "@/lib/schemas/ops";

/** SLOWLOG RESET: admin only, refused on a read-only instance, audited either way. */
export const POST = route<{ id: string }>(async (req, params, principal) => {
  const instance = requireInstance(params.id);
  const { reason } = await parseBody(req, opsActionBodySchema);
  return resetSlowlogAction(principal, instance, reason ?? null);
});
