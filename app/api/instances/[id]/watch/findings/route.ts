import { parseQuery, requireInstance, route, methods } from "@/lib/http/route";
import { watchFindingsQuerySchema, type WatchFindingsResponse } from "@/lib/schemas/watch";
import { getStore } from "@/lib/store";
import { currentFindings, findingCounts } from "@/lib/store/watch";

/**
 * The keys the live TTL watch holds as violations now (seen since the latest scan started), newest
 * first; `?class=noTtl|aboveStandard`, `?limit=` (at most 1,000). Before any scan this is where they show.
 */
const get = route<{ id: string }>({ access: "read" }, async (req, params): Promise<WatchFindingsResponse> => {
  const instance = requireInstance(params.id);
  const { class: cls, limit } = parseQuery(req, watchFindingsQuerySchema);
  const db = getStore();
  const now = Date.now();
  const counts = await findingCounts(db, instance.id, now);
  return {
    id: instance.id,
    findings: await currentFindings(db, instance.id, { now, limit, ...(cls ? { cls } : {}) }),
    total: cls ? counts[cls] : counts.noTtl + counts.aboveStandard,
  };
});

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({ GET: get });
