// The one wrapper every route handler goes through: parse input with zod, call lib, map errors
// to `{ error: { code, message } }` with the right status, never leak a stack or a secret.
import "server-only";
import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { ConfigError, findInstance, type InstanceConfig } from "@/lib/config";
import { RedisUnavailableError } from "@/lib/redis/errors";
import { ApiError, BadRequestError, NotFoundError, type ErrorBody } from "./errors";

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

/** Wraps a handler: errors become JSON, successful results are sent as JSON unless already a Response. */
export function route<P extends Params = Params>(
  fn: (req: NextRequest, params: P) => Promise<unknown>,
): (req: NextRequest, ctx: Context<P>) => Promise<Response> {
  return async (req, ctx) => {
    try {
      const result = await fn(req, await ctx.params);
      if (result instanceof Response) return result;
      return NextResponse.json(result, { headers: { "cache-control": "no-store" } });
    } catch (err) {
      return toErrorResponse(err);
    }
  };
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
