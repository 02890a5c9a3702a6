// Typed API errors; the route wrapper maps them to DESIGN.md's JSON error shape.

export type ErrorCode =
  | "bad_request"
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "payload_too_large"
  | "too_many_requests"
  | "redis_unavailable"
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
  constructor(message: string) {
    super(409, "conflict", message);
  }
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}
