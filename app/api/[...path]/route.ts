// Every /api/ path no other route serves: 404 JSON for every method, instead of Next's HTML 404
// page (Next.js prefers any more specific route over a catch-all).
//
// Public, and not built with route(): the answer depends on nothing but the path and does nothing,
// so a credential adds no protection and a mistyped path says so whatever the caller sent (route()
// would answer 401 first, or 403 to a POST without an Origin, and refuses the catch-all's array
// parameter as malformed). Which paths exist is no secret: the README documents the API.
import type { NextRequest } from "next/server";
import { errorResponse, type RouteHandler } from "@/lib/http/route";

const notFound: RouteHandler = Object.assign(
  async (req: NextRequest) => {
    const path = req.nextUrl.pathname;
    const shown = path.length > 200 ? `${path.slice(0, 200)}...` : path;
    return errorResponse(404, {
      error: { code: "not_found", message: `no API route at ${shown} (see the README's API section)` },
    });
  },
  { access: "public" as const },
);

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = {
  GET: notFound,
  POST: notFound,
  PUT: notFound,
  PATCH: notFound,
  DELETE: notFound,
  OPTIONS: notFound,
};
