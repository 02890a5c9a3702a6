import { meResponse } from "@/lib/auth/me";
import { route, methods } from "@/lib/http/route";
import type { MeResponse } from "@/lib/schemas/auth";

/** The caller: name, role, how they signed in, and what the role may do. */
const get = route({ access: "read" }, async (_req, _params, principal): Promise<MeResponse> =>
  meResponse(principal),
);

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({ GET: get });
