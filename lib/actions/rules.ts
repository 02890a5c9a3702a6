// Pure rules of guarded actions: which permission each needs, the TTL an `expire` may set, and
// what the audit keeps of a request. No I/O.
import type { CompiledPolicy } from "@/lib/policy/classify";
import { standardTtlFor } from "@/lib/policy/classify";
import type { Permission } from "@/lib/policy/access";
import { displayKey } from "@/lib/keys/encoding";
import {
  actionNames,
  KEY_SAMPLE_SIZE,
  UNPATTERNED_MAX_TTL_SECONDS,
  type ActionName,
} from "@/lib/schemas/actions";

export const permissionFor: Record<ActionName, Permission> = {
  expire: "expire",
  delete: "delete",
  "fix-ttl": "fix-ttl",
  "delete-pattern": "delete-pattern",
  flushdb: "flushdb",
};

export function isActionName(value: unknown): value is ActionName {
  return typeof value === "string" && (actionNames as readonly string[]).includes(value);
}

/** The largest TTL `expire` may set on a key: its pattern's standard, or 7 days outside the patterns. */
export function maxExpireFor(compiled: CompiledPolicy, key: Uint8Array): number {
  return standardTtlFor(compiled, key) ?? UNPATTERNED_MAX_TTL_SECONDS;
}

/** Keys whose bound `ttlSeconds` exceeds, with that bound (empty = allowed). */
export function expireViolations(
  compiled: CompiledPolicy,
  keys: Buffer[],
  ttlSeconds: number,
): { key: string; maxTtlSeconds: number }[] {
  const out: { key: string; maxTtlSeconds: number }[] = [];
  for (const key of keys) {
    const max = maxExpireFor(compiled, key);
    if (ttlSeconds > max) out.push({ key: displayKey(key), maxTtlSeconds: max });
  }
  return out;
}

export interface AuditView {
  action: string;
  /** The request without its key list and reason (those have their own columns). */
  params: Record<string, unknown>;
  targetCount: number | null;
  sample: string[];
  reason: string | null;
}

const KEPT_PARAMS = ["ttlSeconds", "match", "list", "dryRun", "confirm"] as const;

function keySampleOf(keys: unknown[]): string[] {
  return keys.slice(0, KEY_SAMPLE_SIZE).map((k) => {
    if (typeof k !== "string") return "<not a string>";
    const bytes = Buffer.from(k, "base64");
    return bytes.toString("base64") === k ? displayKey(bytes) : "<invalid base64>";
  });
}

/**
 * What the audit records of any request body, valid or not: the action name (or "invalid"),
 * the known scalar parameters (long strings cut), the key count and the first keys as display text.
 */
export function auditView(raw: unknown): AuditView {
  const body =
    raw !== null && typeof raw === "object" && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const action = isActionName(body.action) ? body.action : "invalid";
  const params: Record<string, unknown> = {};
  if (action === "invalid" && body.action !== undefined) params.requested = String(body.action).slice(0, 64);
  for (const name of KEPT_PARAMS) {
    const v = body[name];
    if (typeof v === "string") params[name] = v.slice(0, 512);
    else if (typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v))) params[name] = v;
  }
  const keys = Array.isArray(body.keys) ? body.keys : undefined;
  return {
    action,
    params,
    targetCount: keys ? keys.length : null,
    sample: keys ? keySampleOf(keys) : [],
    reason:
      typeof body.reason === "string" && body.reason.trim() !== "" ? body.reason.trim().slice(0, 500) : null,
  };
}
