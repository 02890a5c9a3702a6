import { route, requireInstance, methods } from "@/lib/http/route";
import { clients } from "@/lib/ops/service";
import type { ClientsResponse } from "@/lib/schemas/ops";

/** CLIENT LIST grouped by name and address, with connected vs maxclients. */
const get = route<{ id: string }>({ access: "read" }, async (_req, params): Promise<ClientsResponse> =>
  clients(requireInstance(params.id)),
);

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({ GET: get });
