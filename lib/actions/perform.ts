// The key actions of POST /api/instances/{id}/actions (expire, delete, fix-ttl, delete-pattern,
// flushdb): parse and validate the request, then run it through the guarded-action pipeline
// (guard.ts), so every attempt is audited whether it ran, was denied or was rejected.
import "server-only";
import type { InstanceConfig } from "@/lib/config";
import { BadRequestError, ConflictError } from "@/lib/http/errors";
import { zodMessage } from "@/lib/http/route";
import { compiledPolicy } from "@/lib/config/compiled-policy";
import type { Principal } from "@/lib/policy/access";
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
import type { ChangeSink } from "@/lib/scan/changes";
import { ChangeRecorder } from "@/lib/scan/track";
import { WalkCancelledError } from "@/lib/redis/walk";
import type { ScanJob } from "@/lib/schemas/scans";
import { getStore } from "@/lib/store";
import { latestDoneScan } from "@/lib/store/scans";
import {
  countFixable,
  dryRunDeleteMatching,
  dryRunFixMatching,
  emptyTally,
  fixKeys,
  tracked,
  type Tally,
} from "./bulk";
import { guard, type Guard } from "./guard";
import { assertNoRunningJob, startBulkJob, type BulkSpec } from "./jobs";
import { auditView, expireViolations, isActionName, permissionFor } from "./plan";

export type ActionResponse = { status: 200; body: ActionResult } | { status: 202; body: ActionJob };

type Client = Parameters<Parameters<typeof withRedis>[1]>[0];
type Done = Omit<ActionResult, "auditId" | "action" | "outcome" | "dryRun">;

function decodeKeys(g: Guard, keys: string[]): Buffer[] {
  return keys.map((k, i) => {
    const bytes = fromBase64(k);
    if (!bytes) g.refuse("rejected", new BadRequestError(`keys[${i}] is not canonical base64`));
    return bytes;
  });
}

/** Largest request body: 1,000 keys of a few hundred bytes each, with room. */
export const MAX_ACTION_BODY_BYTES = 2_000_000;

function parseText(text: string): { raw: unknown; malformed?: string } {
  if (Buffer.byteLength(text) > MAX_ACTION_BODY_BYTES)
    return { raw: undefined, malformed: `request body over ${MAX_ACTION_BODY_BYTES} bytes` };
  try {
    return { raw: JSON.parse(text) };
  } catch {
    return { raw: undefined, malformed: "request body is not valid JSON" };
  }
}

/**
 * Runs one action request (the POST body as text) for the principal: 200 with the result, 202
 * with the job of a bulk run, or an error (400/403/409/503) after the attempt was audited.
 */
export async function performAction(
  instance: InstanceConfig,
  principal: Principal,
  text: string,
  signal?: AbortSignal,
): Promise<ActionResponse> {
  const { raw, malformed } = parseText(text);
  const view = auditView(raw);
  const name = view.action;
  const g: Guard = guard({
    principal,
    instance,
    action: name,
    permission: isActionName(name) ? permissionFor[name] : "expire",
    writes: true,
    params: view.params,
    targetCount: view.targetCount,
    sample: view.sample,
    reason: view.reason,
  });
  if (malformed) g.refuse("rejected", new BadRequestError(malformed));
  if (!isActionName(name)) {
    g.refuse(
      "rejected",
      new BadRequestError("action: expected one of expire, delete, fix-ttl, delete-pattern, flushdb"),
    );
  }
  g.authorize();
  const parsed = actionBodySchemas[name].safeParse(raw);
  if (!parsed.success) g.refuse("rejected", new BadRequestError(zodMessage(parsed.error)));
  return dispatch(instance, g, parsed.data as ActionBody & { action: ActionName }, signal);
}

async function dispatch(
  instance: InstanceConfig,
  g: Guard,
  body: ActionBody,
  signal?: AbortSignal,
): Promise<ActionResponse> {
  switch (body.action) {
    case "expire": {
      const keys = decodeKeys(g, body.keys);
      const over = expireViolations(compiledPolicy(), keys, body.ttlSeconds);
      const first = over[0];
      if (first) {
        g.refuse(
          "rejected",
          new BadRequestError(
            `ttlSeconds ${body.ttlSeconds} is above the standard TTL of ${over.length} key(s), e.g. ${first.key} (at most ${first.maxTtlSeconds} s)`,
            { over: over.slice(0, 20) },
          ),
        );
      }
      return sync(instance, g, body.action, async (redis, changes) => {
        const affected = await tracked(
          redis,
          keys,
          () =>
            expireKeys(
              redis,
              keys.map((key) => ({ key, ttlSeconds: body.ttlSeconds })),
            ),
          changes,
        );
        return { affected, missing: keys.length - affected };
      });
    }
    case "delete": {
      const keys = decodeKeys(g, body.keys);
      return sync(instance, g, body.action, async (redis, changes) => {
        const affected = await tracked(redis, keys, () => unlinkKeys(redis, keys), changes);
        return { affected, missing: keys.length - affected };
      });
    }
    case "flushdb": {
      if (body.confirm !== instance.id) {
        g.refuse(
          "rejected",
          new ConflictError(`confirmation does not match: type the instance id "${instance.id}" exactly`),
        );
      }
      return sync(instance, g, body.action, async (redis) => {
        const keysBefore = await flushDbAsync(redis);
        return { affected: keysBefore, keysBefore };
      });
    }
    case "fix-ttl":
      return fixTtl(instance, g, body, signal);
    case "delete-pattern":
      if (body.dryRun)
        return dryRun(instance, g, body.action, (redis) =>
          dryRunDeleteMatching(redis, { match: body.match, signal }),
        );
      return bulk(instance, g, { action: "delete-pattern", match: body.match });
  }
}

async function fixTtl(
  instance: InstanceConfig,
  g: Guard,
  body: FixTtlBody,
  signal?: AbortSignal,
): Promise<ActionResponse> {
  const compiled = compiledPolicy();
  if (body.keys) {
    const keys = decodeKeys(g, body.keys);
    if (body.dryRun) {
      return dryRun(instance, g, "fix-ttl", async (redis) => {
        const tally = emptyTally();
        tally.scanned = keys.length;
        await countFixable(redis, compiled, keys, "any", tally);
        return tally;
      });
    }
    return sync(instance, g, "fix-ttl", async (redis, changes) => {
      const tally = emptyTally();
      await tracked(redis, keys, () => fixKeys(redis, compiled, keys, "any", tally), changes);
      return { affected: tally.count, skipped: tally.skipped, skippedSample: tally.skippedSample };
    });
  }
  let match = body.match ?? "*";
  let mode: FixMode = "any";
  if (body.list) {
    const latest = latestDoneScan(getStore(), instance.id);
    if (!latest)
      g.refuse(
        "rejected",
        new ConflictError(`no finished scan of ${instance.id}: scan first, or give match`),
      );
    match = latest.match;
    mode = body.list;
    g.note({ match, scanId: latest.id });
    if (body.dryRun) return dryRunFromList(instance, g, latest, body.list, signal);
  }
  if (body.dryRun)
    return dryRun(instance, g, "fix-ttl", (redis) =>
      dryRunFixMatching(redis, compiled, mode, { match, signal }),
    );
  return bulk(instance, g, { action: "fix-ttl", match, mode });
}

/**
 * Dry run of a fix from a list: when the scan stored the whole list (its total within the stored
 * entries), re-reads just those keys' TTLs (milliseconds) instead of walking the keyspace; else
 * walks the scan's match and says why.
 */
function dryRunFromList(
  instance: InstanceConfig,
  g: Guard,
  latest: ScanJob,
  list: "noTtl" | "aboveStandard",
  signal?: AbortSignal,
): Promise<ActionResponse> {
  const compiled = compiledPolicy();
  const stored = latest.result?.lists[list] ?? [];
  const total = latest.result?.listTotals[list];
  if (total !== undefined && total <= stored.length) {
    const keys = stored.flatMap((e) => fromBase64(e.keyBase64) ?? []);
    return dryRun(
      instance,
      g,
      "fix-ttl",
      async (redis) => {
        const tally = emptyTally();
        tally.scanned = keys.length;
        await countFixable(redis, compiled, keys, list, tally);
        return tally;
      },
      { source: "list", note: `read the ${keys.length} keys of the latest scan's ${list} list` },
    );
  }
  const why =
    total === undefined
      ? `the latest scan has no ${list} list`
      : `the latest scan stored ${stored.length} of the ${total} keys of its ${list} list`;
  return dryRun(
    instance,
    g,
    "fix-ttl",
    (redis) => dryRunFixMatching(redis, compiled, list, { match: latest.match, signal }),
    { source: "walk", note: `${why}: counted by walking ${latest.match}` },
  );
}

function doneDetail(result: Done): string | undefined {
  if (result.skipped !== undefined && result.skipped > 0)
    return `${result.skipped} keys outside every pattern left alone (no standard TTL to give them)`;
  if (result.missing) return `${result.missing} keys did not exist`;
  return undefined;
}

/**
 * A synchronous action. `fn` reports the keys it changed (TTL before and after), which then leave
 * the latest scan's lists; flushdb reports none (the next scan sees an empty keyspace).
 */
async function sync(
  instance: InstanceConfig,
  g: Guard,
  action: ActionName,
  fn: (redis: Client, changes: ChangeSink) => Promise<Done>,
): Promise<ActionResponse> {
  const body = await g.run(async () => {
    const changes = new ChangeRecorder(instance.id, Infinity);
    const result = await withRedis(instance, (redis) => fn(redis, changes));
    changes.flush();
    return {
      body: { action, outcome: "ok" as const, dryRun: false, ...result },
      affected: result.affected,
      detail: doneDetail(result),
    };
  });
  return { status: 200, body };
}

async function dryRun(
  instance: InstanceConfig,
  g: Guard,
  action: ActionName,
  fn: (redis: Client) => Promise<Tally>,
  how: { source: "list" | "walk"; note: string } | undefined = undefined,
): Promise<ActionResponse> {
  const body = await g.run(async () => {
    let tally: Tally;
    try {
      tally = await withRedis(instance, fn);
    } catch (err) {
      // The request was closed (its page left, or the dialog cancelled): audited as such, nothing changed.
      if (err instanceof WalkCancelledError)
        throw new ConflictError("dry run cancelled: the request was closed before it finished");
      throw err;
    }
    return {
      body: {
        action,
        outcome: "ok" as const,
        dryRun: true,
        affected: 0,
        count: tally.count,
        sample: tally.sample,
        ...(action === "fix-ttl" ? { skipped: tally.skipped, skippedSample: tally.skippedSample } : {}),
        ...(tally.unreadable > 0 ? { unreadable: tally.unreadable } : {}),
        ...(how ?? {}),
      },
      affected: 0,
      detail:
        `dry run: ${tally.count} keys would change` +
        (tally.skipped
          ? `, ${tally.skipped} outside every pattern left alone (no standard TTL to give them)`
          : "") +
        (tally.unreadable ? `, ${tally.unreadable} could not be read` : ""),
    };
  });
  return { status: 200, body };
}

async function bulk(instance: InstanceConfig, g: Guard, spec: BulkSpec): Promise<ActionResponse> {
  try {
    assertNoRunningJob(instance.id);
  } catch (err) {
    if (err instanceof ConflictError) g.refuse("rejected", err);
    throw err;
  }
  const started = await g.run(async (intent) => {
    // DBSIZE first: an unreachable Redis answers 503 before a job is promised.
    const total = await withRedis(instance, (redis) => redis.dbsize());
    const { job, outcome } = startBulkJob(instance, intent, spec, total);
    return { body: job, later: outcome };
  });
  return { status: 202, body: started };
}
