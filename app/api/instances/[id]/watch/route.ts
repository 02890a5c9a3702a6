import { route, requireInstance, methods } from "@/lib/http/route";
import type { WatchStatus } from "@/lib/schemas/watch";
import { watchStatus } from "@/lib/watch/service";

/** The live TTL watch's state, from the store (written by the process that runs it): no Redis calls. */
const get = route<{ id: string }>({ access: "read" }, async (_req, params): Promise<WatchStatus> =>
  watchStatus(requireInstance(params.id)),
);

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({ GET: get });
