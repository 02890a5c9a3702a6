import { route, requireInstance } from "@/lib/http/route";
import { getOverview } from "@/lib/metrics/service";
import type { Overview } from "@/lib/schemas/overview";

/** Answers from the store (the sampler's last overview): viewers never cause Redis calls. */
export const GET = route<{ id: string }>(async (_req, params): Promise<Overview> =>
  getOverview(requireInstance(params.id)),
);
