// Who may see values the policy marks sensitive. Pure. This is the ONE place the decision is made:
// the key API reads a sensitive value only when this says yes, otherwise the value is never read.

/** The caller as the access layer will describe it; roles arrive with authentication (issue 6). */
export interface Principal {
  role: "viewer" | "operator" | "admin";
}

/**
 * Viewers do not see values of sensitive patterns (DESIGN.md, Roles). Until authentication exists
 * every caller is treated as an operator, so `undefined` (no principal yet) may read them.
 */
export function canReadSensitive(principal: Principal | undefined): boolean {
  if (principal === undefined) return true;
  return principal.role !== "viewer";
}
