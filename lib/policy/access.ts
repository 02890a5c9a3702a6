// Who may do what: roles, permissions and the caller's description. Pure, no I/O.
// Every server-side check goes through `can`; the UI asks the same function to hide what a role
// may not do, but hiding is never the guard.

export const roles = ["viewer", "operator", "admin"] as const;
export type Role = (typeof roles)[number];

export const authMethods = ["session", "token", "proxy"] as const;
export type AuthMethod = (typeof authMethods)[number];

/** The authenticated caller, as lib/auth builds it for every request. */
export interface Principal {
  /** Username, token name or SSO user: the actor in the audit log. */
  name: string;
  role: Role;
  method: AuthMethod;
  /** The client address the request came from. */
  source: string;
}

export const permissions = [
  "read",
  "read-sensitive",
  /** Start a gentle scan, and cancel one's own scans and jobs. */
  "scan",
  /** Start a fast scan (a maintenance-window load on Redis). */
  "scan-fast",
  /** Cancel a scan or bulk job someone else (or the scheduler) started. */
  "cancel-others",
  "expire",
  "delete",
  "fix-ttl",
  "delete-pattern",
  "flushdb",
  "config-set",
  "slowlog-reveal",
  "slowlog-reset",
] as const;
export type Permission = (typeof permissions)[number];

const granted: Record<Role, ReadonlySet<Permission>> = {
  viewer: new Set(["read", "scan"]),
  operator: new Set([
    "read",
    "read-sensitive",
    "scan",
    "scan-fast",
    "cancel-others",
    "expire",
    "delete",
    "fix-ttl",
  ]),
  admin: new Set(permissions), // every permission
};

export function can(principal: Pick<Principal, "role"> | undefined, permission: Permission): boolean {
  if (principal === undefined) return false;
  return granted[principal.role].has(permission);
}

/**
 * Viewers do not see values of sensitive patterns (README, Access). The key API reads a
 * sensitive value only when this says yes; otherwise the value is never read from Redis.
 * `undefined` means a caller from before authentication existed (internal callers only).
 */
export function canReadSensitive(principal: Pick<Principal, "role"> | undefined): boolean {
  if (principal === undefined) return true;
  return can(principal, "read-sensitive");
}
