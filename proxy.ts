// Runs before every page request (Node.js runtime). Pages stream with status 200 once rendering
// starts, so checks whose answer is a status code happen here: an unknown instance id is a real 404.
import { NextResponse, type NextRequest } from "next/server";
import { findInstance } from "@/lib/config";

export function proxy(req: NextRequest): NextResponse {
  const match = /^\/i\/([^/]+)/.exec(req.nextUrl.pathname);
  if (match?.[1] !== undefined) {
    let id: string;
    try {
      id = decodeURIComponent(match[1]);
    } catch {
      id = "";
    }
    if (!findInstance(id)) {
      // A path no route serves, so Next renders app/not-found.tsx with a real 404. (Rewriting to a
      // prerendered page instead loses the status when that page is served from the cache.)
      const target = req.nextUrl.clone();
      target.pathname = "/_unknown-instance";
      return NextResponse.rewrite(target);
    }
  }
  return NextResponse.next();
}

export const config = {
  matcher: ["/i/:path*"],
};
