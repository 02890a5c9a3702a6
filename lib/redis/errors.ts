// The one classification of Redis failures. Every error that comes out of lib/redis is a RedisError
// with a `kind`; callers branch on the kind, never on the text of a message. Route handlers map each
// kind to one JSON answer (lib/http/route.ts). Pure: no I/O.
import { brand, hasBrand } from "@/lib/brand";

export const redisFailureKinds = [
  /** No connection: refused, reset, closed, DNS, TLS handshake. */
  "unreachable",
  /** The command got no answer within the command timeout (a stalled or overloaded Redis). */
  "timeout",
  /** Wrong or missing password / ACL user. */
  "auth",
  /** ACL NOPERM: the console's Redis user may not run the command (or touch the key). */
  "permission",
  /** The command is unknown here: disabled or renamed (managed services, rename-command). */
  "unsupported",
  /** OOM: maxmemory reached under noeviction, writes refused. */
  "oom",
  /** A Lua script failed or is missing (NOSCRIPT). */
  "script",
  /** WRONGTYPE: the key holds another type than the command expects. */
  "wrong_type",
  /** BUSY (a script runs too long), MASTERDOWN, TRYAGAIN: answers again later. */
  "busy",
  /** LOADING: Redis is loading its dataset after a restart. */
  "loading",
  /** READONLY: a write sent to a replica. */
  "readonly",
  /** Any other error reply. */
  "other",
] as const;
export type RedisFailureKind = (typeof redisFailureKinds)[number];

export interface RedisErrorDetails {
  instanceId?: string;
  /** The command as Redis names it in ACL rules, lowercase: "ttl", "memory|usage", "client|list". */
  command?: string;
  /** NOPERM on a key (ACL key patterns), not on the command. */
  keyDenied?: boolean;
  /** The error reply's code, its first word ("NOSCRIPT", "WRONGTYPE"), for replies. */
  code?: string;
  /** The error text Redis or the socket gave. */
  raw: string;
}

// Recognised by brand (lib/brand.ts): a connection is made by whichever bundle asks first, and the
// errors it keeps (its last socket or sign-in failure) reach routes of other bundles.
const REDIS_ERROR = brand("redis-error");

export class RedisError extends Error {
  override name = "RedisError";
  readonly [REDIS_ERROR] = true;

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, REDIS_ERROR);
  }

  readonly instanceId?: string;
  readonly command?: string;
  readonly keyDenied: boolean;
  readonly code?: string;
  readonly raw: string;

  constructor(
    readonly kind: RedisFailureKind,
    message: string,
    details: RedisErrorDetails,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.instanceId = details.instanceId;
    this.command = details.command;
    this.keyDenied = details.keyDenied ?? false;
    this.code = details.code;
    this.raw = details.raw;
  }

  /** Temporary by nature: retrying later may succeed without anyone changing a setting. */
  get transient(): boolean {
    return (
      this.kind === "unreachable" ||
      this.kind === "timeout" ||
      this.kind === "busy" ||
      this.kind === "loading"
    );
  }

  /** The ACL rule that would allow what was refused, for messages and the README's advice. */
  get aclRule(): string | undefined {
    if (this.kind !== "permission") return undefined;
    if (this.keyDenied) return "~<pattern> covering the key (its key patterns do not)";
    return this.command ? `+${this.command}` : undefined;
  }
}

/**
 * An argument the caller sent that does not fit the key as Redis holds it (a stream id as the page
 * position of a hash): found before anything is sent to Redis; the API answers 400.
 */
export class KeyArgumentError extends Error {
  override name = "KeyArgumentError";
}

/**
 * The cluster as it is right now cannot take the request (a slot no master serves, a database
 * other than 0, a listing's node gone with no successor): found before anything changed; the API
 * answers 409 and an action's audit outcome is "rejected".
 */
export class ClusterConflictError extends Error {
  override name = "ClusterConflictError";
}

export function isRedisError(err: unknown, ...kinds: RedisFailureKind[]): err is RedisError {
  return err instanceof RedisError && (kinds.length === 0 || kinds.includes(err.kind));
}

export interface ClassifyContext {
  instanceId?: string;
  /** The command that was sent, when the caller knows it ("ttl", "client|list"). */
  command?: string;
}

/** Error replies come from Redis itself; ioredis names their class ReplyError. */
function isReply(err: Error): boolean {
  return err.name === "ReplyError";
}

const CONNECTION_LOST =
  /Connection is closed|Stream isn't writeable|ECONNRESET|EPIPE|max retries per request|socket hang up|ERR_STREAM|Socket closed/i;
const UNREACHABLE = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|connect ECONN/i;
const TLS = /self[- ]signed|unable to verify|certificate|SSL|TLS|wrong version number|handshake/i;

/** The command Redis names in a NOPERM reply ("... run the 'memory|usage' command"). */
function deniedCommand(message: string): string | undefined {
  return /'([^']+)' command/.exec(message)?.[1]?.toLowerCase();
}

function describeConnection(message: string): string {
  if (/ECONNREFUSED/.test(message))
    return `connection refused (${message.replace(/^.*ECONNREFUSED\s*/, "")})`;
  if (/ETIMEDOUT/.test(message)) return "connection timed out";
  if (/ENOTFOUND|EAI_AGAIN/.test(message))
    return `host not found (${message.replace(/^.*(ENOTFOUND|EAI_AGAIN)\s*/, "")})`;
  if (TLS.test(message)) return `TLS: ${message}`;
  if (CONNECTION_LOST.test(message)) return "connection lost";
  return message;
}

function permissionError(message: string, ctx: ClassifyContext, cause: unknown): RedisError {
  const command = ctx.command?.toLowerCase();
  const keyDenied = /access one of the keys|access a key|permissions to access/i.test(message);
  const named = deniedCommand(message) ?? (keyDenied ? command : undefined);
  // Inside a script Redis does not say which command was refused.
  const inScript = /script/i.test(message) && !deniedCommand(message);
  const what = keyDenied
    ? `access a key with ${named?.toUpperCase() ?? "this command"} (its ACL key patterns do not cover it)`
    : inScript
      ? `run a command inside the console's read-only script (${command?.toUpperCase() ?? "EVALSHA"})`
      : `run ${named?.toUpperCase().replace("|", " ") ?? "this command"}`;
  return new RedisError(
    "permission",
    `the console's Redis user may not ${what} (NOPERM)`,
    {
      instanceId: ctx.instanceId,
      raw: message,
      command: inScript ? command : named,
      keyDenied,
      code: "NOPERM",
    },
    { cause },
  );
}

/** Error replies by their first word: the kind and what to say. */
const replyCodes: Record<string, { kind: RedisFailureKind; text: (message: string) => string }> = {
  WRONGPASS: { kind: "auth", text: () => "authentication failed: wrong username or password" },
  NOAUTH: { kind: "auth", text: () => "authentication required: no password configured for this instance" },
  OOM: { kind: "oom", text: () => "Redis is out of memory (maxmemory reached): writes refused" },
  WRONGTYPE: { kind: "wrong_type", text: () => "the key holds another type than the command expects" },
  LOADING: { kind: "loading", text: () => "Redis is loading its dataset (it restarted)" },
  BUSY: { kind: "busy", text: (m) => `Redis is busy: ${m}` },
  MASTERDOWN: { kind: "busy", text: (m) => `Redis is busy: ${m}` },
  TRYAGAIN: { kind: "busy", text: (m) => `Redis is busy: ${m}` },
  READONLY: { kind: "readonly", text: () => "Redis refused a write: it is a read-only replica" },
  MISCONF: {
    kind: "readonly",
    text: () =>
      "Redis refuses writes (and PING): its last background save failed and stop-writes-on-bgsave-error is on",
  },
  NOSCRIPT: { kind: "script", text: (m) => `Redis script error: ${m}` },
};

function fromReply(message: string, ctx: ClassifyContext, cause: unknown): RedisError {
  const code = message.split(" ", 1)[0] ?? "";
  const base = { instanceId: ctx.instanceId, raw: message, command: ctx.command?.toLowerCase(), code };
  if (code === "NOPERM" || /can't run this command or subcommand|has no permissions/i.test(message)) {
    return permissionError(message, ctx, cause);
  }
  const known = replyCodes[code];
  if (known) return new RedisError(known.kind, known.text(message), base, { cause });
  if (/invalid (username-)?password|without any password configured/i.test(message))
    return new RedisError("auth", "authentication failed: wrong username or password", base, { cause });
  if (/Error running script|user_script|Error compiling script/i.test(message))
    return new RedisError("script", `Redis script error: ${message}`, base, { cause });
  if (/unknown command|unknown subcommand|disabled/i.test(message)) {
    const named = /unknown (?:sub)?command '([^']+)'/i.exec(message)?.[1]?.toLowerCase() ?? base.command;
    return new RedisError(
      "unsupported",
      `Redis does not offer ${named?.toUpperCase().replace("|", " ") ?? "this command"} here (disabled or renamed)`,
      { ...base, command: named },
      { cause },
    );
  }
  return new RedisError("other", `Redis answered an error: ${message}`, base, { cause });
}

/**
 * Classifies an error from ioredis (a reply or a socket failure). Anything else (our own errors,
 * programming mistakes) is returned as undefined: it is not a Redis failure and must not be dressed
 * up as one.
 */
export function classifyRedisError(err: unknown, ctx: ClassifyContext = {}): RedisError | undefined {
  if (err instanceof RedisError) {
    if (err.instanceId !== undefined || ctx.instanceId === undefined) return err;
    return new RedisError(
      err.kind,
      err.message,
      { instanceId: ctx.instanceId, command: err.command, keyDenied: err.keyDenied, raw: err.raw },
      { cause: err.cause },
    );
  }
  if (!(err instanceof Error)) return undefined;
  const message = err.message;
  if (isReply(err)) return fromReply(message, ctx, err);
  if (/Command timed out/i.test(message))
    return new RedisError(
      "timeout",
      `Redis did not answer ${ctx.command ? `${ctx.command.toUpperCase()} ` : ""}within the command timeout`,
      { instanceId: ctx.instanceId, command: ctx.command, raw: message },
      { cause: err },
    );
  if (err.name === "TimeoutError")
    return new RedisError("timeout", message, { instanceId: ctx.instanceId, raw: message }, { cause: err });
  if (/WRONGPASS|NOAUTH|invalid (username-)?password/i.test(message)) return fromReply(message, ctx, err);
  if (
    CONNECTION_LOST.test(message) ||
    UNREACHABLE.test(message) ||
    TLS.test(message) ||
    /not connected/i.test(message)
  )
    return new RedisError(
      "unreachable",
      describeConnection(message),
      { instanceId: ctx.instanceId, raw: message },
      { cause: err },
    );
  return undefined;
}

/** Classifies, or rethrows what is not a Redis failure. */
export function toRedisError(err: unknown, ctx: ClassifyContext = {}): RedisError {
  const classified = classifyRedisError(err, ctx);
  if (classified) return classified;
  throw err;
}

/** One line for logs, stored scan errors and the instance cards. */
export function describeRedisError(err: unknown): string {
  const classified = err instanceof Error ? classifyRedisError(err) : undefined;
  if (classified) return classified.message;
  return err instanceof Error ? err.message : String(err);
}

/** A connection that is not ready: its last socket or authentication error, or "not connected". */
export function notConnected(instanceId: string, last: RedisError | undefined, status: string): RedisError {
  if (last) return classifyRedisError(last, { instanceId }) ?? last;
  return new RedisError("unreachable", `not connected (${status})`, { instanceId, raw: status });
}

/**
 * A refusal of the command itself (ACL NOPERM, disabled or renamed), as opposed to a failure of the
 * connection or of Redis: optional reads (CONFIG GET on managed services) treat it as "not available".
 */
export function isRefusal(err: unknown): boolean {
  const classified = classifyRedisError(err);
  return classified !== undefined && (classified.kind === "permission" || classified.kind === "unsupported");
}
