import { NextResponse } from "next/server";
import { inputFromRequest } from "@/lib/auth/authenticate";
import { login } from "@/lib/auth/login";
import { errorResponse, parseBody, route, methods } from "@/lib/http/route";
import { meResponse } from "@/lib/auth/me";
import { loginBodySchema, type LoginResponse } from "@/lib/schemas/auth";

/** Signs a local user in: 200 with the user and a session cookie; 401 on a wrong name or password; 429 when locked. */
const post = route({ access: "public" }, async (req) => {
  const { username, password } = await parseBody(req, loginBodySchema, 10_000);
  const outcome = await login(inputFromRequest(req), username, password);
  if (!outcome.ok && outcome.reason === "rate_limited") {
    const res = errorResponse(429, {
      error: {
        code: "too_many_requests",
        message: `too many failed sign-ins; try again in ${Math.ceil(outcome.retryAfterSeconds / 60)} min`,
      },
    });
    res.headers.set("retry-after", String(outcome.retryAfterSeconds));
    return res;
  }
  if (!outcome.ok) {
    return errorResponse(401, {
      error: { code: "unauthenticated", message: "wrong user name or password" },
    });
  }
  const body: LoginResponse = { user: meResponse(outcome.principal) };
  const res = NextResponse.json(body, { headers: { "cache-control": "no-store" } });
  res.headers.append("set-cookie", outcome.setCookie);
  return res;
});

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({ POST: post });
