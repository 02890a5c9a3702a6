import { route, requireInstance } from "@/lib/http/route";
import { clients } from "@/lib/ops/service";
import type { ClientsResponse } from "@/lib/schemas/ops";

/** CLIENT LIST grouped by name and address, with connected vs maxclients. */
export const GET = route<{ id: string }>(async (_req, params): Promise<ClientsResponse> =>
  clients(requireInstance(params.id)),
);
