import { route, requireInstance, methods } from "@/lib/http/route";
import { configCompliance } from "@/lib/ops/service";
import type { ConfigResponse } from "@/lib/schemas/ops";

/** The provisioning checklist; CONFIG disabled on the server gives "unknown" checks, never an error. */
const get = route<{ id: string }>({ access: "read" }, async (_req, params): Promise<ConfigResponse> =>
  configCompliance(requireInstance(params.id)),
);

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({ GET: get });
