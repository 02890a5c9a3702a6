// Runs before every page request (Node.js runtime). Pages stream with status 200 once rendering
// starts, so checks whose answer is a status code or a redirect happen here: no valid credential
// -> /login?next=..., an unknown instance id -> a real 404, a session store that cannot be read ->
// a 503 page (the session is kept for when it answers again). API routes authenticate in lib/http/route.ts;
// for them this only refuses a path Next.js could not decode into route parameters (it would answer
// a plain-text 500 before any handler runs) with a 400 JSON error.
import { NextResponse, type NextRequest } from "next/server";
import { authenticateInput, inputFromRequest, SessionStoreUnavailableError } from "@/lib/auth/authenticate";
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

/**
 * The page for a request whose session cannot be checked: a plain 503 (no app shell, which would
 * call the API and fail the same way) that says so and offers a retry.
 */
function storeUnavailablePage(err: SessionStoreUnavailableError): NextResponse {
  const escaped = err.message.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const message = escaped.charAt(0).toUpperCase() + escaped.slice(1);
  const at = `${new Date().toISOString().slice(0, 19).replace("T", " ")} UTC`;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Console store unavailable · ISL Redis Console</title>
<style>
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
  body { margin: 0; padding: 3rem 1.5rem; background: Canvas; color: CanvasText; }
  main { max-width: 40rem; margin: 0 auto; }
  .status { display: inline-block; padding: .15rem .5rem; border-radius: .25rem; font-weight: 600;
    background: #b91c1c; color: #fff; font-size: .85rem; }
  h1 { font-size: 1.5rem; }
  .muted { opacity: .75; font-size: .9rem; }
  a { color: LinkText; }
</style></head>
<body><main>
<p><span class="status">503 · unavailable</span></p>
<h1>The console cannot check your session</h1>
<p>${message}.</p>
<p class="muted">Checked at ${at}.</p>
<p>Your session is kept: once the console's store answers again, this page works as before.
Redis itself is not affected by this.</p>
<p><a href="">Retry</a></p>
</main></body></html>
`;
  return new NextResponse(html, {
    status: 503,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "retry-after": "5" },
  });
}

export async function proxy(req: NextRequest): Promise<NextResponse> {
  if (req.nextUrl.pathname.startsWith("/api/")) return apiProxy(req);
  let auth: Awaited<ReturnType<typeof authenticateInput>>;
  try {
    auth = await authenticateInput(inputFromRequest(req));
  } catch (err) {
    if (err instanceof SessionStoreUnavailableError) return storeUnavailablePage(err);
    throw err;
  }
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
