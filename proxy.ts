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
      return NextResponse.rewrite(new URL("/instance-not-found", req.url), { status: 404 });
    }
  }
  return NextResponse.next();
}

export const config = {
  matcher: ["/i/:path*"],
};
