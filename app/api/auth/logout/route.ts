import { NextResponse } from "next/server";
import { inputFromRequest } from "@/lib/auth/authenticate";
import { logout } from "@/lib/auth/login";
import { errorResponse, route, methods } from "@/lib/http/route";
import { logoutResponseSchema } from "@/lib/schemas/auth";

/**
 * Revokes the caller's session in the store and clears the cookie, so a copy of the cookie is
 * refused from now on (public, so an expired session can still sign out; same-origin only).
 * 503 when the store cannot record the revocation (the cookie is cleared all the same).
 */
const post = route({ access: "public" }, async (req) => {
  const { setCookie, result } = await logout(inputFromRequest(req));
  const res =
    result === "store_unavailable"
      ? errorResponse(503, {
          error: {
            code: "store_unavailable",
            message:
              "signed out in this browser, but the session store cannot be written, so the session was not revoked on the server; see the console's log",
          },
        })
      : NextResponse.json(logoutResponseSchema.parse({ ok: true }), {
          headers: { "cache-control": "no-store" },
        });
  res.headers.append("set-cookie", setCookie);
  return res;
});

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({ POST: post });
