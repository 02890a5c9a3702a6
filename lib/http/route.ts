// The one wrapper every route handler goes through: authenticate (every route unless declared
// public), check the permission the route declares, refuse cross-site mutations, parse input with
// zod, call lib, map errors to `{ error: { code, message } }` with the right status, never leak a
// stack or a secret. `methods()` gives every route file all HTTP methods, so a method a route does
// not serve answers 405 JSON with `Allow` instead of Next's empty body.
import "server-only";
import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { ConfigError, findInstance, type InstanceConfig } from "@/lib/config";
import { ClusterConflictError, KeyArgumentError, RedisError } from "@/lib/redis/errors";
import { authenticateInput, inputFromRequest, SessionStoreUnavailableError } from "@/lib/auth/authenticate";
import { StoreUnavailableError } from "@/lib/store/db";
import { can, type Permission, type Principal } from "@/lib/policy/access";
import {
  ApiError,
  apiErrorFromRedis,
  BadRequestError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnauthenticatedError,
  type ErrorBody,
} from "./errors";
import { isSameOrigin } from "./origin";

export function errorResponse(
  status: number,
  body: ErrorBody,
  headers: Record<string, string> = {},
): NextResponse<ErrorBody> {
  return NextResponse.json(body, { status, headers: { "cache-control": "no-store", ...headers } });
}

export function zodMessage(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message))
    .join("; ");
}

/** The API error an exception stands for; undefined for bugs (answered 500, logged). */
export function apiErrorOf(err: unknown): ApiError | undefined {
  if (err instanceof ApiError) return err;
  if (err instanceof z.ZodError) return new BadRequestError(zodMessage(err));
  if (err instanceof RedisError) return apiErrorFromRedis(err);
  if (err instanceof KeyArgumentError) return new BadRequestError(err.message);
  if (err instanceof ClusterConflictError) return new ConflictError(err.message);
  if (err instanceof SessionStoreUnavailableError) return new ApiError(503, "store_unavailable", err.message);
  // The database is down or unreachable: the message says where and why (never a password).
  if (err instanceof StoreUnavailableError) return new ApiError(503, "store_unavailable", err.message);
  return undefined;
}

export function toErrorResponse(err: unknown): NextResponse<ErrorBody> {
  const api = apiErrorOf(err);
  if (api) {
    return errorResponse(api.status, {
      error: {
        code: api.code,
        message: api.message,
        ...(api.details === undefined ? {} : { details: api.details }),
      },
    });
  }
  if (err instanceof ConfigError) {
    return errorResponse(500, {
      error: { code: "internal", message: "the console is misconfigured; see its log" },
    });
  }
  console.error("isl-console: unhandled error in route handler", err);
  return errorResponse(500, {
    error: { code: "internal", message: "internal error; see the console's log" },
  });
}

type Params = Record<string, string | string[] | undefined>;
interface Context<P extends Params> {
  params: Promise<P>;
}

/**
 * What a route needs from its caller, declared where the route is defined:
 * - a permission (lib/policy/access.ts): checked before the handler runs, 403 otherwise;
 * - "guarded": the handler runs a guarded action (lib/audit/guard.ts), which checks the
 *   permission of the action asked for and audits every attempt, allowed or refused;
 * - "public": no credential needed (only /api/health and signing in and out).
 */
export type Access = Permission | "guarded" | "public";

export type RouteHandler<P extends Params = Params> = ((
  req: NextRequest,
  ctx: Context<P>,
) => Promise<Response>) & {
  /** What the route declared; the security tests read it from every route file. */
  readonly access?: Access;
};

const MUTATIONS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

function assertSameOrigin(req: NextRequest, principal: Principal | null): void {
  if (!MUTATIONS.has(req.method.toUpperCase())) return;
  if (principal?.method === "token") return; // scripts: no browser, no ambient credential
  if (!isSameOrigin(req)) {
    throw new ForbiddenError(
      "cross-site request refused: an Origin header naming the console's own origin is required",
    );
  }
}

function withCookie(res: Response, setCookie: string | undefined): Response {
  if (setCookie) res.headers.append("set-cookie", setCookie);
  return res;
}

/** Path parameters are single segments; anything else is a malformed URL, not a server error. */
function checkParams<P extends Params>(params: P): P {
  for (const [name, value] of Object.entries(params)) {
    if (typeof value !== "string" || value.length > 4096)
      throw new BadRequestError(`path parameter ${name} is malformed`);
  }
  return params;
}

/**
 * Wraps a handler: authenticates the caller (401 without a valid credential), checks the declared
 * permission (403), refuses cross-site mutations (403), and turns errors into JSON; results are
 * sent as JSON unless already a Response.
 */
export function route<P extends Params = Params>(
  options: { access: Permission | "guarded" },
  fn: (req: NextRequest, params: P, principal: Principal) => Promise<unknown>,
): RouteHandler<P>;
export function route<P extends Params = Params>(
  options: { access: "public" },
  fn: (req: NextRequest, params: P, principal: null) => Promise<unknown>,
): RouteHandler<P>;
export function route<P extends Params = Params>(
  options: { access: Access },
  fn: (req: NextRequest, params: P, principal: never) => Promise<unknown>,
): RouteHandler<P> {
  const handler = fn as (req: NextRequest, params: P, principal: Principal | null) => Promise<unknown>;
  const { access } = options;
  const wrapped = async (req: NextRequest, ctx: Context<P>) => {
    let setCookie: string | undefined;
    try {
      let principal: Principal | null = null;
      if (access !== "public") {
        const result = await authenticateInput(inputFromRequest(req));
        if (!result) throw new UnauthenticatedError();
        principal = result.principal;
        setCookie = result.setCookie;
        if (access !== "guarded") requirePermission(principal, access);
      }
      assertSameOrigin(req, principal);
      // Next passes no params at all to a route without dynamic segments.
      const params = ((await ctx?.params) ?? {}) as P;
      const body = await handler(req, checkParams(params), principal);
      if (body instanceof Response) return withCookie(body, setCookie);
      return withCookie(NextResponse.json(body, { headers: { "cache-control": "no-store" } }), setCookie);
    } catch (err) {
      if (err instanceof ApiError && err.pending) await err.pending.catch(() => undefined);
      return withCookie(toErrorResponse(err), setCookie);
    }
  };
  return Object.assign(wrapped, { access });
}

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/**
 * Every HTTP method for one route file: the handlers it serves, and for the others a 405 JSON
 * answer naming the allowed ones in `Allow`. Use as
 * `export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({ GET: route(...) })`.
 */
export function methods<P extends Params>(
  handlers: Partial<Record<HttpMethod, RouteHandler<P>>>,
): Record<HttpMethod | "OPTIONS", RouteHandler<P>> {
  const served = HTTP_METHODS.filter((m) => handlers[m] !== undefined);
  const allow = [...served, ...(served.includes("GET") ? ["HEAD"] : []), "OPTIONS"].join(", ");
  const notAllowed: RouteHandler<P> = Object.assign(
    async (req: NextRequest) =>
      errorResponse(
        405,
        {
          error: {
            code: "method_not_allowed",
            message: `${req.method} is not allowed here; use ${served.join(" or ")}`,
          },
        },
        { allow },
      ),
    { access: "public" as const },
  );
  const options: RouteHandler<P> = Object.assign(
    async () => new Response(null, { status: 204, headers: { allow, "cache-control": "no-store" } }),
    { access: "public" as const },
  );
  const out = { OPTIONS: options } as Record<HttpMethod | "OPTIONS", RouteHandler<P>>;
  for (const m of HTTP_METHODS) out[m] = handlers[m] ?? notAllowed;
  return out;
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

/** Reads a JSON body as text, bounded; malformed JSON is a 400, not a 500. An empty body is `empty`. */
export async function readJson(
  req: NextRequest,
  { maxBytes = 1_000_000, empty }: { maxBytes?: number; empty?: unknown } = {},
): Promise<unknown> {
  const text = await req.text();
  if (Buffer.byteLength(text) > maxBytes) {
    throw new ApiError(413, "payload_too_large", `request body over ${maxBytes} bytes`);
  }
  if (empty !== undefined && text.trim() === "") return empty;
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequestError("request body is not valid JSON");
  }
}

/** Reads and validates a JSON body; malformed JSON is a 400, not a 500. */
export async function parseBody<S extends z.ZodType>(
  req: NextRequest,
  schema: S,
  maxBytes = 1_000_000,
  options: { empty?: unknown } = {},
): Promise<z.infer<S>> {
  return schema.parse(await readJson(req, { maxBytes, empty: options.empty }));
}

/** The configured instance named in the URL, or 404. */
export function requireInstance(instanceId: string | string[] | undefined): InstanceConfig {
  const instance = typeof instanceId === "string" ? findInstance(instanceId) : undefined;
  if (!instance) throw new NotFoundError(`unknown instance ${JSON.stringify(instanceId)}`);
  return instance;
}
