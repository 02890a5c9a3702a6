import { meOf } from "@/lib/auth/me";
import { route } from "@/lib/http/route";
import type { MeResponse } from "@/lib/schemas/auth";

/** The caller: name, role, how they signed in, and what the role may do. */
export const GET = route(async (_req, _params, principal): Promise<MeResponse> => meOf(principal));
