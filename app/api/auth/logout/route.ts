import { NextResponse } from "next/server";
import { logoutCookie } from "@/lib/auth/login";
import { route, methods } from "@/lib/http/route";

/** Clears the session cookie (public, so an expired session can still sign out; same-origin only). */
const post = route({ access: "public" }, async () => {
  const res = NextResponse.json({ ok: true }, { headers: { "cache-control": "no-store" } });
  res.headers.append("set-cookie", logoutCookie());
  return res;
});

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({ POST: post });
