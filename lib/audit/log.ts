// Writing the audit log for an action attempt: the intent before anything runs, the outcome after.
// An intent that cannot be written stops the action (503): nothing happens that is not recorded.
import "server-only";
import { ApiError } from "@/lib/http/errors";
import type { Principal } from "@/lib/policy/access";
import type { AuditEntry, AuditOutcome } from "@/lib/schemas/audit";
import { getStore } from "@/lib/store";
import { processId } from "@/lib/process-id";
import { appendAuditEntries, openIntents, type NewAuditEntry } from "@/lib/store/audit";
import { beatJob, finishJob, JOB_ALIVE_MS, liveJobIds, registerJob } from "@/lib/store/job-control";

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
export async function recordIntent(attempt: Attempt): Promise<AuditEntry> {
  try {
    const [intent] = await appendAuditEntries(getStore(), [intentEntry(attempt, new Date().toISOString())]);
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
export async function recordOutcome(intent: AuditEntry, result: Outcome): Promise<AuditEntry | undefined> {
  const durationMs = Date.now() - Date.parse(intent.at);
  try {
    const [outcome] = await appendAuditEntries(getStore(), [
      outcomeEntry(intent, result, durationMs, new Date().toISOString()),
    ]);
    return outcome;
  } catch (err) {
    console.error(`isl-console: audit outcome of intent ${intent.id} could not be written`, err);
    return undefined;
  }
}

/**
 * An attempt that never ran (denied, rejected): intent and outcome in one transaction.
 * A store failure is logged and the caller answers its 4xx anyway: nothing ran.
 */
export async function recordRefusal(attempt: Attempt, result: Outcome): Promise<AuditEntry | undefined> {
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
    return (await appendAuditEntries(getStore(), [intent, outcome]))[1];
  } catch (err) {
    console.error("isl-console: audit of a refused attempt could not be written", err);
    return undefined;
  }
}

/** The control row of an intent whose action is running (its process beats it every second). */
const intentJobId = (intentId: number) => `intent:${intentId}`;

/**
 * Marks the intent's action as running in this process until the returned function is called:
 * a control row beaten every second, so other processes sharing the store do not take it for
 * interrupted. A store failure here is logged: the action goes on (its intent is written).
 */
export async function holdIntent(intent: AuditEntry): Promise<() => Promise<void>> {
  const db = getStore();
  const id = intentJobId(intent.id);
  try {
    await registerJob(db, { id, kind: "intent", instanceId: intent.instance, owner: processId(), now: Date.now() });
  } catch (err) {
    console.error(`isl-console: audit intent ${intent.id}: not marked running`, err);
    return async () => undefined;
  }
  const beat = setInterval(() => {
    beatJob(db, id, Date.now()).catch((err: unknown) =>
      console.error(`isl-console: audit intent ${intent.id}: beat not stored`, err),
    );
  }, 1000);
  beat.unref();
  return async () => {
    clearInterval(beat);
    await finishJob(db, id).catch((err: unknown) =>
      console.error(`isl-console: audit intent ${intent.id}: control row not removed`, err),
    );
  };
}

/**
 * Intents whose process stopped mid-action get an "error" outcome: no outcome, no live control
 * row (neither the action's nor its bulk job's), and older than a process's beat timeout, so the
 * actions other live processes run are left alone. At start-up and every minute.
 */
export async function closeInterruptedIntents(now = Date.now()): Promise<number> {
  const db = getStore();
  const open = await openIntents(db);
  if (open.length === 0) return 0;
  const live = await liveJobIds(db, now);
  const interrupted = open.filter(
    (i) =>
      Date.parse(i.at) < now - JOB_ALIVE_MS && !live.has(intentJobId(i.id)) && !live.has(String(i.id)),
  );
  for (const intent of interrupted) {
    await recordOutcome(intent, {
      outcome: "error",
      detail: "the console stopped before the action finished; its effect is unknown",
    });
  }
  return interrupted.length;
}
