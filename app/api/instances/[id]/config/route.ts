import { route, requireInstance } from "@/lib/http/route";
import { configCompliance } from "@/lib/ops/service";
import type { ConfigResponse } from "@/lib/schemas/ops";

/** The provisioning checklist; CONFIG disabled on the server gives "unknown" checks, never an error. */
export const GET = route<{ id: string }>(async (_req, params): Promise<ConfigResponse> =>
  configCompliance(requireInstance(params.id)),
);
