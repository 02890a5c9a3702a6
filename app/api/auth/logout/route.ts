import { NextResponse } from "next/server";
import { logoutCookie } from "@/lib/auth/login";
import { route } from "@/lib/http/route";

/** Clears the session cookie (public, so an expired session can still sign out; same-origin only). */
export const POST = route(
  async () => {
    const res = NextResponse.json({ ok: true }, { headers: { "cache-control": "no-store" } });
    res.headers.append("set-cookie", logoutCookie());
    return res;
  },
  { auth: "public" },
);
