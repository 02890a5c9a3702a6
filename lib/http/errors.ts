// Typed API errors; the route wrapper maps them to the JSON error shape (README, API). A classified
// Redis failure (lib/redis/errors.ts) becomes one of them here, one answer per kind.
import type { RedisError, RedisFailureKind } from "@/lib/redis/errors";

export type ErrorCode =
  | "bad_request"
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "method_not_allowed"
  | "conflict"
  | "read_only"
  | "payload_too_large"
  | "too_many_requests"
  | "redis_unavailable"
  | "redis_timeout"
  | "redis_auth"
  | "redis_permission"
  | "redis_unsupported"
  | "redis_oom"
  | "redis_wrong_type"
  | "redis_busy"
  | "redis_loading"
  | "redis_readonly"
  | "redis_error"
  | "store_unavailable"
  | "internal";

export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  /**
   * Work the answer waits for: a refusal's audit entries are written before the 4xx goes out
   * (lib/audit/guard.ts sets it; the route wrapper awaits it).
   */
  pending?: Promise<unknown>;
}

export class BadRequestError extends ApiError {
  constructor(message: string, details?: unknown) {
    super(400, "bad_request", message, details);
  }
}

export class NotFoundError extends ApiError {
  constructor(message: string) {
    super(404, "not_found", message);
  }
}

export class UnauthenticatedError extends ApiError {
  constructor(message = "sign in or send an API token (Authorization: Bearer ...)") {
    super(401, "unauthenticated", message);
  }
}

export class ForbiddenError extends ApiError {
  constructor(message: string) {
    super(403, "forbidden", message);
  }
}

export class ConflictError extends ApiError {
  constructor(message: string, details?: unknown) {
    super(409, "conflict", message, details);
  }
}

/** A write refused because the instance is marked read-only in the console's configuration. */
export class ReadOnlyInstanceError extends ApiError {
  constructor(instanceId: string) {
    super(409, "read_only", `instance ${instanceId} is read-only: nothing that writes runs on it`);
  }
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

const redisAnswers: Record<RedisFailureKind, { status: number; code: ErrorCode }> = {
  unreachable: { status: 503, code: "redis_unavailable" },
  timeout: { status: 503, code: "redis_timeout" },
  loading: { status: 503, code: "redis_loading" },
  busy: { status: 503, code: "redis_busy" },
  auth: { status: 503, code: "redis_auth" },
  oom: { status: 503, code: "redis_oom" },
  permission: { status: 403, code: "redis_permission" },
  unsupported: { status: 409, code: "redis_unsupported" },
  wrong_type: { status: 409, code: "redis_wrong_type" },
  readonly: { status: 409, code: "redis_readonly" },
  script: { status: 502, code: "redis_error" },
  other: { status: 502, code: "redis_error" },
};

/** The one HTTP answer for each kind of Redis failure. */
export function apiErrorFromRedis(err: RedisError): ApiError {
  const { status, code } = redisAnswers[err.kind];
  const instance = err.instanceId ? `Redis instance ${err.instanceId}` : "Redis";
  let message: string;
  switch (err.kind) {
    case "unreachable":
      message = `${instance} is unreachable: ${err.message}`;
      break;
    case "timeout":
      message = `${instance} did not answer within the command timeout (stalled or overloaded): ${err.message}`;
      break;
    case "permission":
      message = err.keyDenied
        ? `${err.message}: widen the user's key patterns (ACL SETUSER <user> ~<pattern>)`
        : `${err.message}: grant it with ACL SETUSER <user> ${err.aclRule ?? "+<command>"} (see the README's Access section)`;
      break;
    default:
      message = `${instance}: ${err.message}`;
  }
  const details: Record<string, unknown> = { kind: err.kind };
  if (err.command) details.command = err.command;
  if (err.kind === "permission") {
    details.keyDenied = err.keyDenied;
    if (err.aclRule && !err.keyDenied) details.aclRule = err.aclRule;
  }
  return new ApiError(status, code, message, details);
}
