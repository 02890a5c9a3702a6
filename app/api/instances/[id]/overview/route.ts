import { route, requireInstance, methods } from "@/lib/http/route";
import { getOverview } from "@/lib/metrics/service";
import type { Overview } from "@/lib/schemas/overview";

/** Answers from the store (the sampler's last overview): viewers never cause Redis calls. */
const get = route<{ id: string }>({ access: "read" }, async (_req, params): Promise<Overview> =>
  getOverview(requireInstance(params.id)),
);

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({ GET: get });
