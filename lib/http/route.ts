// The one wrapper every route handler goes through: authenticate (every route unless marked public),
// refuse cross-site mutations, parse input with zod, call lib, map errors to
// `{ error: { code, message } }` with the right status, never leak a stack or a secret.
import "server-only";
import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { ConfigError, findInstance, type InstanceConfig } from "@/lib/config";
import { RedisUnavailableError } from "@/lib/redis/errors";
import { authenticateInput, inputFromRequest } from "@/lib/auth/authenticate";
import { can, type Permission, type Principal } from "@/lib/policy/access";
import { ApiError, BadRequestError, ForbiddenError, NotFoundError, UnauthenticatedError, type ErrorBody } from "./errors";

export function errorResponse(status: number, body: ErrorBody): NextResponse<ErrorBody> {
  return NextResponse.json(body, { status, headers: { "cache-control": "no-store" } });
}

function zodMessage(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message))
    .join("; ");
}

export function toErrorResponse(err: unknown): NextResponse<ErrorBody> {
  if (err instanceof ApiError) {
    return errorResponse(err.status, { error: { code: err.code, message: err.message, details: err.details } });
  }
  if (err instanceof z.ZodError) {
    return errorResponse(400, { error: { code: "bad_request", message: zodMessage(err) } });
  }
  if (err instanceof RedisUnavailableError) {
    return errorResponse(503, {
      error: { code: "redis_unavailable", message: `Redis instance ${err.instanceId} is unreachable: ${err.message}` },
    });
  }
  if (err instanceof ConfigError) {
    return errorResponse(500, { error: { code: "internal", message: "the console is misconfigured; see its log" } });
  }
  console.error("isl-console: unhandled error in route handler", err);
  return errorResponse(500, { error: { code: "internal", message: "internal error; see the console's log" } });
}

type Params = Record<string, string | string[] | undefined>;
interface Context<P extends Params> {
  params: Promise<P>;
}

export type RouteHandler<P extends Params> = (req: NextRequest, ctx: Context<P>) => Promise<Response>;

export interface RouteOptions {
  /**
   * "required" (the default): no valid credential -> 401 before the handler runs.
   * "public": only /api/health and the sign-in/sign-out endpoints; the handler gets no principal.
   */
  auth?: "required" | "public";
}

const MUTATIONS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * A browser sends Origin on every cross-site and same-site mutation; a request whose Origin names
 * another host (or that has none) is refused, so a session cookie cannot be ridden by another site.
 */
export function isSameOrigin(req: NextRequest): boolean {
  const origin = req.headers.get("origin");
  if (!origin || origin === "null") return false;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false;
  }
  const served = [req.headers.get("x-forwarded-host"), req.headers.get("host"), req.nextUrl.host];
  return served.some((h) => h !== null && h.split(",")[0]?.trim().toLowerCase() === host.toLowerCase());
}

function assertSameOrigin(req: NextRequest, principal: Principal | null): void {
  if (!MUTATIONS.has(req.method.toUpperCase())) return;
  if (principal?.method === "token") return; // scripts: no browser, no ambient credential
  if (!isSameOrigin(req)) throw new ForbiddenError("cross-site request refused: a same-origin Origin header is required");
}

function withCookie(res: Response, setCookie: string | undefined): Response {
  if (setCookie) res.headers.append("set-cookie", setCookie);
  return res;
}

/**
 * Wraps a handler: authenticates the caller (401 without a valid credential), refuses cross-site
 * mutations (403), and turns errors into JSON; results are sent as JSON unless already a Response.
 */
export function route<P extends Params = Params>(
  fn: (req: NextRequest, params: P, principal: Principal) => Promise<unknown>,
  options?: { auth?: "required" },
): RouteHandler<P>;
export function route<P extends Params = Params>(
  fn: (req: NextRequest, params: P, principal: null) => Promise<unknown>,
  options: { auth: "public" },
): RouteHandler<P>;
export function route<P extends Params = Params>(
  fn: (req: NextRequest, params: P, principal: never) => Promise<unknown>,
  options: RouteOptions = {},
): RouteHandler<P> {
  const handler = fn as (req: NextRequest, params: P, principal: Principal | null) => Promise<unknown>;
  return async (req, ctx) => {
    let setCookie: string | undefined;
    try {
      let principal: Principal | null = null;
      if (options.auth !== "public") {
        const result = await authenticateInput(inputFromRequest(req));
        if (!result) throw new UnauthenticatedError();
        principal = result.principal;
        setCookie = result.setCookie;
      }
      assertSameOrigin(req, principal);
      const body = await handler(req, await ctx.params, principal);
      if (body instanceof Response) return withCookie(body, setCookie);
      return withCookie(NextResponse.json(body, { headers: { "cache-control": "no-store" } }), setCookie);
    } catch (err) {
      return withCookie(toErrorResponse(err), setCookie);
    }
  };
}

/** 403 unless the caller's role grants the permission (lib/policy/access.ts is the matrix). */
export function requirePermission(principal: Principal, permission: Permission): void {
  if (!can(principal, permission)) {
    throw new ForbiddenError(`the ${principal.role} role may not ${permission}`);
  }
}

export function parseQuery<S extends z.ZodType>(req: NextRequest, schema: S): z.infer<S> {
  const query = Object.fromEntries(req.nextUrl.searchParams.entries());
  return schema.parse(query);
}

/** Reads and validates a JSON body; malformed JSON is a 400, not a 500. */
export async function parseBody<S extends z.ZodType>(req: NextRequest, schema: S, maxBytes = 1_000_000): Promise<z.infer<S>> {
  const text = await req.text();
  if (Buffer.byteLength(text) > maxBytes) {
    throw new ApiError(413, "payload_too_large", `request body over ${maxBytes} bytes`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new BadRequestError("request body is not valid JSON");
  }
  return schema.parse(json);
}

/** The configured instance named in the URL, or 404. */
export function requireInstance(id: string | string[] | undefined): InstanceConfig {
  const instance = typeof id === "string" ? findInstance(id) : undefined;
  if (!instance) throw new NotFoundError(`unknown instance ${JSON.stringify(id)}`);
  return instance;
}
