// The one guarded-action pipeline: authorize -> audit intent -> run -> audit outcome. Every write
// (key actions, bulk jobs, config apply, slow log reset), every scan start and cancel and every job
// cancel goes through it, so each attempt leaves its two audit entries whether it ran, was denied
// (role, read-only instance) or rejected (bad input, wrong confirmation, conflict). Nothing runs
// unless its intent was written first (503 store_unavailable otherwise).
import "server-only";
import { holdIntent, recordIntent, recordOutcome, recordRefusal, type Attempt, type Outcome } from "./log";
import { ApiError, ForbiddenError, ReadOnlyInstanceError } from "@/lib/http/errors";
import { apiErrorOf } from "@/lib/http/route";
import { can, type Permission, type Principal } from "@/lib/policy/access";
import { ClusterConflictError, isRedisError } from "@/lib/redis/errors";
import { affectedBeforeFailure } from "@/lib/redis/mutate";
import type { AuditEntry } from "@/lib/schemas/audit";

export interface GuardedRequest {
  principal: Principal;
  /** The instance acted on (its id and whether it is read-only). */
  instance: { id: string; readOnly: boolean };
  /** The audit log's action name. */
  action: string;
  /** What the role must be granted. */
  permission: Permission;
  /** Changes Redis: refused on a read-only instance. */
  writes: boolean;
  params?: Record<string, unknown>;
  targetCount?: number | null;
  sample?: string[];
  reason?: string | null;
}

/**
 * What `run` answers: its result now, or (a job) its result now and its outcome later, with
 * `settled` called once that outcome is in the audit log (the job stops showing itself as live).
 */
export type Completion<T> =
  | { body: T; affected: number; detail?: string }
  | { body: T; later: Promise<Outcome>; settled?: () => Promise<void> };

/** A guarded action in progress: `authorize`, optional `refuse`s while validating, then `run` once. */
export class Guard {
  readonly attempt: Attempt;

  constructor(private readonly request: GuardedRequest) {
    this.attempt = {
      principal: request.principal,
      instanceId: request.instance.id,
      action: request.action,
      params: request.params ?? {},
      targetCount: request.targetCount ?? null,
      sample: request.sample ?? [],
      reason: request.reason ?? null,
    };
  }

  /** Adds parameters the audit should show (resolved while validating, e.g. the scan a list came from). */
  note(params: Record<string, unknown>): void {
    this.attempt.params = { ...this.attempt.params, ...params };
  }

  /**
   * A refusal: audited as denied or rejected (intent and outcome in one transaction), then thrown.
   * The route wrapper answers once the audit write has settled (`error.pending`).
   */
  refuse(outcome: "denied" | "rejected", error: ApiError): never {
    error.pending = recordRefusal(this.attempt, {
      outcome,
      detail: `${error.status} ${error.code}: ${error.message}`,
    });
    throw error;
  }

  /** The role's permission, then the instance's read-only flag; a refusal is audited. */
  authorize(permission: Permission = this.request.permission): this {
    const { principal } = this.request;
    if (!can(principal, permission)) {
      this.refuse("denied", new ForbiddenError(`the ${principal.role} role may not ${permission}`));
    }
    if (this.request.writes && this.request.instance.readOnly) {
      this.refuse("denied", new ReadOnlyInstanceError(this.request.instance.id));
    }
    return this;
  }

  /**
   * Writes the intent, runs, writes the outcome: ok with what `run` changed, or error with the
   * classified reason (and the error is rethrown). A job's outcome is written when it settles.
   */
  async run<T extends object>(
    fn: (intent: AuditEntry) => Promise<Completion<T>>,
  ): Promise<T & { auditId: number }> {
    const intent = await recordIntent(this.attempt);
    const release = await holdIntent(intent);
    let completion: Completion<T>;
    try {
      completion = await fn(intent);
    } catch (err) {
      // A conflict found while running (a job already running, CONFIG disabled, a slot no master
      // serves) is a refusal; the rest failed.
      const refused = (err instanceof ApiError && err.status < 500) || err instanceof ClusterConflictError;
      // A write that failed on one node of several keeps what the other nodes did.
      const affected = affectedBeforeFailure(err);
      await recordOutcome(intent, {
        outcome: refused ? "rejected" : "error",
        detail: failureDetail(err),
        ...(affected !== undefined ? { affected } : {}),
      });
      await release();
      throw err;
    }
    if ("later" in completion) {
      // The job beats on its own row from here (lib/actions/jobs.ts), and keeps it until its
      // outcome is written: no other process takes it for interrupted in between.
      await release();
      const { later, settled } = completion;
      void later
        .then(
          (outcome) => recordOutcome(intent, outcome),
          (err: unknown) => recordOutcome(intent, { outcome: "error", detail: failureDetail(err) }),
        )
        .then(() => settled?.())
        .catch((err: unknown) =>
          console.error(`isl-console: job of audit intent ${intent.id} not settled`, err),
        );
    } else {
      await recordOutcome(intent, {
        outcome: "ok",
        affected: completion.affected,
        ...(completion.detail ? { detail: completion.detail } : {}),
      });
      await release();
    }
    return { ...completion.body, auditId: intent.id };
  }
}

/** Starts a guarded action: `guard(request).authorize()` ... `.run(...)`. */
export function guard(request: GuardedRequest): Guard {
  return new Guard(request);
}

/** What the audit log says about a failure: the answer the caller got, and for a timeout the doubt. */
export function failureDetail(err: unknown): string {
  const api = apiErrorOf(err);
  let detail = api
    ? `${api.status} ${api.code}: ${api.message}`
    : err instanceof Error
      ? err.message
      : String(err);
  if (isRedisError(err, "timeout", "unreachable")) {
    detail += "; a command sent before the failure may still have run: check the keys";
  }
  return detail.slice(0, 500);
}
