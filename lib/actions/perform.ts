// Guarded actions: authorize -> audit intent -> run -> complete audit. Every attempt leaves two
// entries in the audit log, whether it ran, was denied (role, read-only instance) or rejected
// (bad input, wrong confirmation); nothing runs unless its intent was written first.
import "server-only";
import { z } from "zod";
import { getConfig, type InstanceConfig } from "@/lib/config";
import { ApiError, BadRequestError, ConflictError } from "@/lib/http/errors";
import { can, type Principal } from "@/lib/policy/access";
import { compilePolicy, type CompiledPolicy } from "@/lib/policy/classify";
import { withRedis } from "@/lib/redis/client";
import { fromBase64 } from "@/lib/redis/keys";
import { expireKeys, flushDbAsync, unlinkKeys, type FixMode } from "@/lib/redis/mutate";
import {
  actionBodySchemas,
  type ActionBody,
  type ActionJob,
  type ActionName,
  type ActionResult,
  type FixTtlBody,
} from "@/lib/schemas/actions";
import type { AuditEntry } from "@/lib/schemas/audit";
import { getStore } from "@/lib/store";
import { latestDoneScan } from "@/lib/store/scans";
import { recordIntent, recordOutcome, recordRefusal, type Attempt } from "@/lib/audit/log";
import { countFixable, dryRunDeleteMatching, dryRunFixMatching, emptyTally, fixKeys, type Tally } from "./bulk";
import { assertNoRunningJob, startBulkJob, type BulkSpec } from "./jobs";
import { auditView, expireViolations, isActionName, permissionFor } from "./plan";

export type ActionResponse = { status: 200; body: ActionResult } | { status: 202; body: ActionJob };

let compiledCache: CompiledPolicy | undefined;
function compiledPolicy(): CompiledPolicy {
  const policy = getConfig().policy;
  if (compiledCache?.policy !== policy) compiledCache = compilePolicy(policy);
  return compiledCache;
}

function zodMessage(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message))
    .join("; ");
}

/** A refusal: audited as denied/rejected (intent + outcome), then thrown as its HTTP error. */
function refuse(attempt: Attempt, outcome: "denied" | "rejected", error: ApiError): never {
  recordRefusal(attempt, { outcome, detail: `${error.status}: ${error.message}` });
  throw error;
}

function decodeKeys(attempt: Attempt, keys: string[]): Buffer[] {
  return keys.map((k, i) => {
    const bytes = fromBase64(k);
    if (!bytes) refuse(attempt, "rejected", new BadRequestError(`keys[${i}] is not canonical base64`));
    return bytes;
  });
}

/** Checks who may do what on which instance, validates the body, and answers the parsed body. */
function authorize(instance: InstanceConfig, principal: Principal, raw: unknown, attempt: Attempt): ActionBody & { action: ActionName } {
  const name = attempt.action;
  if (!isActionName(name)) {
    refuse(
      attempt,
      "rejected",
      new BadRequestError("action: expected one of expire, delete, fix-ttl, delete-pattern, flushdb"),
    );
  }
  if (!can(principal, permissionFor[name])) {
    refuse(attempt, "denied", new ApiError(403, "forbidden", `the ${principal.role} role may not ${name}`));
  }
  if (instance.readOnly) {
    refuse(attempt, "denied", new ApiError(403, "forbidden", `instance ${instance.id} is read-only: no action runs on it`));
  }
  const parsed = actionBodySchemas[name].safeParse(raw);
  if (!parsed.success) refuse(attempt, "rejected", new BadRequestError(zodMessage(parsed.error)));
  return parsed.data;
}

/** Largest request body: 1,000 keys of a few hundred bytes each, with room. */
export const MAX_ACTION_BODY_BYTES = 2_000_000;

/**
 * Runs one action request (the POST body as text) for the principal: 200 with the result, 202
 * with the job of a bulk run, or an ApiError (400/403/409/503) after the attempt was audited.
 */
export async function performAction(instance: InstanceConfig, principal: Principal, text: string): Promise<ActionResponse> {
  let raw: unknown;
  let malformed: string | undefined;
  if (Buffer.byteLength(text) > MAX_ACTION_BODY_BYTES) malformed = `request body over ${MAX_ACTION_BODY_BYTES} bytes`;
  else {
    try {
      raw = JSON.parse(text);
    } catch {
      malformed = "request body is not valid JSON";
    }
  }
  const view = auditView(raw);
  const attempt: Attempt = { principal, instance: instance.id, ...view };
  if (malformed) refuse(attempt, "rejected", new BadRequestError(malformed));
  const body = authorize(instance, principal, raw, attempt);
  switch (body.action) {
    case "expire": {
      const keys = decodeKeys(attempt, body.keys);
      const over = expireViolations(compiledPolicy(), keys, body.ttlSeconds);
      if (over.length > 0) {
        const first = over[0] as { key: string; maxTtlSeconds: number };
        refuse(
          attempt,
          "rejected",
          new BadRequestError(
            `ttlSeconds ${body.ttlSeconds} is above the standard TTL of ${over.length} key(s), e.g. ${first.key} (at most ${first.maxTtlSeconds} s)`,
            { over: over.slice(0, 20) },
          ),
        );
      }
      return run(instance, attempt, async (redis) => {
        const affected = await expireKeys(
          redis,
          keys.map((key) => ({ key, ttlSeconds: body.ttlSeconds })),
        );
        return { affected, missing: keys.length - affected };
      });
    }
    case "delete": {
      const keys = decodeKeys(attempt, body.keys);
      return run(instance, attempt, async (redis) => {
        const affected = await unlinkKeys(redis, keys);
        return { affected, missing: keys.length - affected };
      });
    }
    case "flushdb": {
      if (body.confirm !== instance.id) {
        refuse(attempt, "rejected", new ConflictError(`confirmation does not match: type the instance id "${instance.id}" exactly`));
      }
      return run(instance, attempt, async (redis) => {
        const keysBefore = await flushDbAsync(redis);
        return { affected: keysBefore, keysBefore };
      });
    }
    case "fix-ttl":
      return fixTtl(instance, attempt, body);
    case "delete-pattern": {
      const spec: BulkSpec = { action: "delete-pattern", match: body.match };
      if (body.dryRun) return dryRun(instance, attempt, (redis) => dryRunDeleteMatching(redis, { match: body.match }));
      return bulk(instance, attempt, spec);
    }
  }
}

async function fixTtl(instance: InstanceConfig, attempt: Attempt, body: FixTtlBody): Promise<ActionResponse> {
  const compiled = compiledPolicy();
  if (body.keys) {
    const keys = decodeKeys(attempt, body.keys);
    if (body.dryRun) {
      return dryRun(instance, attempt, async (redis) => {
        const tally = emptyTally();
        tally.scanned = keys.length;
        await countFixable(redis, compiled, keys, "any", tally);
        return tally;
      });
    }
    return run(instance, attempt, async (redis) => {
      const tally = emptyTally();
      await fixKeys(redis, compiled, keys, "any", tally);
      return { affected: tally.count, skipped: tally.skipped, skippedSample: tally.skippedSample };
    });
  }
  let match = body.match ?? "*";
  let mode: FixMode = "any";
  if (body.list) {
    const latest = latestDoneScan(getStore(), instance.id);
    if (!latest) refuse(attempt, "rejected", new ConflictError(`no finished scan of ${instance.id}: scan first, or give match`));
    match = latest.match;
    mode = body.list;
    attempt.params = { ...attempt.params, match, scanId: latest.id };
  }
  if (body.dryRun) return dryRun(instance, attempt, (redis) => dryRunFixMatching(redis, compiled, mode, { match }));
  return bulk(instance, attempt, { action: "fix-ttl", match, mode });
}

type Client = Parameters<Parameters<typeof withRedis>[1]>[0];

/** Writes the intent, runs, writes the outcome (ok, or error and rethrow). */
async function run(
  instance: InstanceConfig,
  attempt: Attempt,
  fn: (redis: Client) => Promise<Omit<ActionResult, "auditId" | "action" | "outcome" | "dryRun">>,
): Promise<ActionResponse> {
  const intent = recordIntent(attempt);
  try {
    const result = await withRedis(instance, fn);
    const detail =
      result.skipped !== undefined && result.skipped > 0
        ? `${result.skipped} keys outside every pattern skipped`
        : result.missing
          ? `${result.missing} keys did not exist`
          : undefined;
    recordOutcome(intent, { outcome: "ok", affected: result.affected, detail });
    return { status: 200, body: { auditId: intent.id, action: attempt.action as ActionName, outcome: "ok", dryRun: false, ...result } };
  } catch (err) {
    failed(intent, err);
    throw err;
  }
}

function failed(intent: AuditEntry, err: unknown): void {
  recordOutcome(intent, { outcome: "error", detail: err instanceof Error ? err.message.slice(0, 500) : String(err) });
}

async function dryRun(instance: InstanceConfig, attempt: Attempt, fn: (redis: Client) => Promise<Tally>): Promise<ActionResponse> {
  const intent = recordIntent(attempt);
  try {
    const tally = await withRedis(instance, fn);
    recordOutcome(intent, {
      outcome: "ok",
      affected: 0,
      detail: `dry run: ${tally.count} keys would change${tally.skipped ? `, ${tally.skipped} outside every pattern skipped` : ""}`,
    });
    return {
      status: 200,
      body: {
        auditId: intent.id,
        action: attempt.action as ActionName,
        outcome: "ok",
        dryRun: true,
        affected: 0,
        count: tally.count,
        sample: tally.sample,
        ...(attempt.action === "fix-ttl" ? { skipped: tally.skipped, skippedSample: tally.skippedSample } : {}),
      },
    };
  } catch (err) {
    failed(intent, err);
    throw err;
  }
}

async function bulk(instance: InstanceConfig, attempt: Attempt, spec: BulkSpec): Promise<ActionResponse> {
  try {
    assertNoRunningJob(instance.id);
  } catch (err) {
    if (err instanceof ApiError) refuse(attempt, "rejected", err);
    throw err;
  }
  // DBSIZE first: an unreachable Redis answers 503 before anything is promised.
  const total = await withRedis(instance, (redis) => redis.dbsize());
  const intent = recordIntent(attempt);
  return { status: 202, body: startBulkJob(instance, intent, spec, total) };
}

