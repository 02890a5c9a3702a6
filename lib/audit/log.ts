// Writing the audit log for an action attempt: the intent before anything runs, the outcome after.
// An intent that cannot be written stops the action (503): nothing happens that is not recorded.
import "server-only";
import { ApiError } from "@/lib/http/errors";
import type { Principal } from "@/lib/policy/access";
import type { AuditEntry, AuditOutcome } from "@/lib/schemas/audit";
import { getStore } from "@/lib/store";
import { appendAuditEntries, openIntents, type NewAuditEntry } from "@/lib/store/audit";

export class AuditUnavailableError extends ApiError {
  constructor(cause: unknown) {
    super(
      503,
      "store_unavailable",
      "the audit log cannot be written, so the action was not run; see the console's log",
    );
    this.cause = cause;
  }
}

export interface Attempt {
  principal: Principal;
  /** The instance's id. */
  instanceId: string;
  action: string;
  params: Record<string, unknown>;
  targetCount: number | null;
  sample: string[];
  reason: string | null;
}

export interface Outcome {
  outcome: AuditOutcome;
  affected?: number;
  detail?: string;
}

function attemptFields(
  a: Attempt,
  at: string,
): Omit<NewAuditEntry, "kind" | "intentId" | "outcome" | "affected" | "durationMs" | "detail"> {
  return {
    at,
    actor: a.principal.name,
    role: a.principal.role,
    authMethod: a.principal.method,
    source: a.principal.source,
    instance: a.instanceId,
    action: a.action,
    params: a.params,
    targetCount: a.targetCount,
    sample: a.sample,
    reason: a.reason,
  };
}

/** The intent: who asked for what, before it runs; the outcome fields stay empty. */
function intentEntry(a: Attempt, at: string): NewAuditEntry {
  return {
    ...attemptFields(a, at),
    kind: "intent",
    intentId: null,
    outcome: null,
    affected: null,
    durationMs: null,
    detail: null,
  };
}

/** Writes the intent; throws AuditUnavailableError (503) when the store refuses. */
export function recordIntent(attempt: Attempt): AuditEntry {
  try {
    const [intent] = appendAuditEntries(getStore(), [intentEntry(attempt, new Date().toISOString())]);
    if (!intent) throw new Error("no intent row written");
    return intent;
  } catch (err) {
    console.error("isl-console: audit intent could not be written; action refused", err);
    throw new AuditUnavailableError(err);
  }
}

function outcomeEntry(intent: AuditEntry, result: Outcome, durationMs: number, at: string): NewAuditEntry {
  return {
    at,
    kind: "outcome",
    intentId: intent.id,
    actor: intent.actor,
    role: intent.role,
    authMethod: intent.authMethod,
    source: intent.source,
    instance: intent.instance,
    action: intent.action,
    params: intent.params,
    targetCount: intent.targetCount,
    sample: intent.sample,
    reason: intent.reason,
    outcome: result.outcome,
    affected: result.affected ?? 0,
    durationMs: Math.max(0, Math.round(durationMs)),
    detail: result.detail ?? null,
  };
}

/**
 * Writes the outcome of an intent. The action has already happened, so a store failure here is
 * logged, not thrown: the intent without outcome is closed as "error" at the next start-up.
 */
export function recordOutcome(intent: AuditEntry, result: Outcome): AuditEntry | undefined {
  const durationMs = Date.now() - Date.parse(intent.at);
  try {
    return appendAuditEntries(getStore(), [
      outcomeEntry(intent, result, durationMs, new Date().toISOString()),
    ])[0];
  } catch (err) {
    console.error(`isl-console: audit outcome of intent ${intent.id} could not be written`, err);
    return undefined;
  }
}

/**
 * An attempt that never ran (denied, rejected): intent and outcome in one transaction.
 * A store failure is logged and the caller answers its 4xx anyway: nothing ran.
 */
export function recordRefusal(attempt: Attempt, result: Outcome): AuditEntry | undefined {
  const at = new Date().toISOString();
  const intent = intentEntry(attempt, at);
  const outcome: NewAuditEntry = {
    ...attemptFields(attempt, at),
    kind: "outcome",
    intentId: "previous",
    outcome: result.outcome,
    affected: result.affected ?? 0,
    durationMs: 0,
    detail: result.detail ?? null,
  };
  try {
    return appendAuditEntries(getStore(), [intent, outcome])[1];
  } catch (err) {
    console.error("isl-console: audit of a refused attempt could not be written", err);
    return undefined;
  }
}

/** At start-up: intents a previous process left open (it stopped mid-action) get an "error" outcome. */
export function closeInterruptedIntents(): number {
  const open = openIntents(getStore());
  for (const intent of open) {
    recordOutcome(intent, {
      outcome: "error",
      detail: "the console stopped before the action finished; its effect is unknown",
    });
  }
  return open.length;
}
