// Runs before every page request (Node.js runtime). Pages stream with status 200 once rendering
// starts, so checks whose answer is a status code or a redirect happen here: no valid credential
// -> /login?next=..., an unknown instance id -> a real 404. API routes authenticate in lib/http/route.ts;
// for them this only refuses a path Next.js could not decode into route parameters (it would answer
// a plain-text 500 before any handler runs) with a 400 JSON error.
import { NextResponse, type NextRequest } from "next/server";
import { authenticateInput, inputFromRequest } from "@/lib/auth/authenticate";
import { findInstance } from "@/lib/config";

function unknownInstance(req: NextRequest): NextResponse | undefined {
  const match = /^\/i\/([^/]+)/.exec(req.nextUrl.pathname);
  if (match?.[1] === undefined) return undefined;
  let id: string;
  try {
    id = decodeURIComponent(match[1]);
  } catch {
    id = "";
  }
  if (findInstance(id)) return undefined;
  // A path no route serves, so Next renders app/not-found.tsx with a real 404. (Rewriting to a
  // prerendered page instead loses the status when that page is served from the cache.)
  const target = req.nextUrl.clone();
  target.pathname = "/_unknown-instance";
  return NextResponse.rewrite(target);
}

/** Whether every segment of the path decodes (`%ff` or a lone `%` do not). */
function decodablePath(pathname: string): boolean {
  return pathname.split("/").every((segment) => {
    try {
      decodeURIComponent(segment);
      return true;
    } catch {
      return false;
    }
  });
}

function apiProxy(req: NextRequest): NextResponse {
  if (decodablePath(req.nextUrl.pathname)) return NextResponse.next();
  return NextResponse.json(
    {
      error: {
        code: "bad_request",
        message: "the URL path is not valid percent-encoding (each %XX must form UTF-8)",
      },
    },
    { status: 400, headers: { "cache-control": "no-store" } },
  );
}

export async function proxy(req: NextRequest): Promise<NextResponse> {
  if (req.nextUrl.pathname.startsWith("/api/")) return apiProxy(req);
  const auth = await authenticateInput(inputFromRequest(req));
  if (!auth) {
    const login = req.nextUrl.clone();
    login.pathname = "/login";
    login.search = "";
    const next = `${req.nextUrl.pathname}${req.nextUrl.search}`;
    if (next !== "/") login.searchParams.set("next", next);
    return NextResponse.redirect(login);
  }
  const res = unknownInstance(req) ?? NextResponse.next();
  if (auth.setCookie) res.headers.append("set-cookie", auth.setCookie);
  return res;
}

export const config = {
  matcher: [
    // Every page but the sign-in page and static assets.
    "/((?!api/|login|_next/static|_next/image|favicon\\.ico|robots\\.txt).*)",
    // The API: the path check only (401 JSON comes from the route wrapper).
    "/api/:path*",
  ],
};
