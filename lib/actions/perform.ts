// The key actions of POST /api/instances/{id}/actions (expire, delete, fix-ttl, delete-pattern,
// flushdb): parse and validate the request, then run it through the guarded-action pipeline
// (lib/audit/guard.ts), so every attempt is audited whether it ran, was denied or was rejected.
//
// On a cluster, named keys are routed by slot and batched per master (lib/redis/mutate.ts); walks
// by pattern, their dry runs and FLUSHDB run on every master, and their answers and audit entries
// say how many masters and what each did. What a cluster cannot do right now (slots no master
// serves) is refused with 409 before anything runs.
import "server-only";
import type { InstanceConfig } from "@/lib/config";
import { BadRequestError, ConflictError } from "@/lib/http/errors";
import { zodMessage } from "@/lib/http/route";
import { compiledPolicy } from "@/lib/config/compiled-policy";
import type { Principal } from "@/lib/policy/access";
import { instanceKind, withRedis } from "@/lib/redis/connection";
import { RedisError } from "@/lib/redis/errors";
import { fromBase64 } from "@/lib/keys/encoding";
import {
  affectedBeforeFailure,
  expireKeys,
  flushEveryNode,
  keyspaceTargets,
  markAffectedBeforeFailure,
  unlinkKeys,
  type FixMode,
} from "@/lib/redis/mutate";
import { atNode, keyspaceNodes, type RedisNode } from "@/lib/redis/topology";
import { formatCount } from "@/lib/format";
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
  type NodeTally,
  type Tally,
  type WalkTargets,
} from "./bulk";
import { guard, type Guard } from "@/lib/audit/guard";
import { assertNoRunningJob, startBulkJob, type BulkSpec } from "./jobs";
import { auditView, expireViolations, isActionName, permissionFor } from "./rules";

export type ActionResponse = { status: 200; body: ActionResult } | { status: 202; body: ActionJob };

type Client = Parameters<Parameters<typeof withRedis>[1]>[0];
type Done = Omit<ActionResult, "auditId" | "action" | "outcome" | "dryRun">;
/** A dry run's count, with each node's share when it walked several. */
type DryTally = Tally & { perNode?: NodeTally[] };

/** Runs a walk by pattern on every keyspace node (409 first when a cluster cannot reach every key). */
async function overKeyspace(
  instance: InstanceConfig,
  run: (targets: WalkTargets) => Promise<Tally>,
): Promise<DryTally> {
  const targets: WalkTargets = { instance, nodes: await keyspaceTargets(instance) };
  const tally = await run(targets);
  return targets.nodes.length > 1 ? { ...tally, perNode: targets.perNode } : tally;
}

/**
 * On a cluster, the intent records how many masters the action will run on (read from the slot
 * map before the intent is written; a failure here is left to the run, which reports it).
 */
async function noteNodes(instance: InstanceConfig, g: Guard): Promise<void> {
  if (instanceKind(instance) !== "cluster") return;
  try {
    g.note({ nodes: (await keyspaceNodes(instance)).length });
  } catch {
    // The run reaches the same nodes and fails with the classified reason.
  }
}

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
      await noteNodes(instance, g);
      if (body.dryRun) return dryRunFlush(instance, g);
      if (body.confirm !== instance.id) {
        g.refuse(
          "rejected",
          new ConflictError(`confirmation does not match: type the instance id "${instance.id}" exactly`),
        );
      }
      return sync(instance, g, body.action, () => flushKeyspace(instance));
    }
    case "fix-ttl":
      return fixTtl(instance, g, body, signal);
    case "delete-pattern":
      await noteNodes(instance, g);
      if (body.dryRun)
        return dryRun(instance, g, body.action, () =>
          overKeyspace(instance, (targets) => dryRunDeleteMatching(targets, { match: body.match, signal })),
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
    const latest = await latestDoneScan(getStore(), instance.id);
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
  await noteNodes(instance, g);
  if (body.dryRun)
    return dryRun(instance, g, "fix-ttl", () =>
      overKeyspace(instance, (targets) => dryRunFixMatching(targets, compiled, mode, { match, signal })),
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
    () =>
      overKeyspace(instance, (targets) =>
        dryRunFixMatching(targets, compiled, list, { match: latest.match, signal }),
      ),
    { source: "walk", note: `${why}: counted by walking ${latest.match}` },
  );
}

/** "3 masters, 1,204 keys (10.0.0.1:6379: 400, ...)": a flush over several nodes, in words. */
function nodesText(nodes: { node: string; count: number }[], total: number): string {
  return (
    `${nodes.length} masters, ${formatCount(total)} ${total === 1 ? "key" : "keys"} ` +
    `(${nodes.map((n) => `${n.node}: ${formatCount(n.count)}`).join(", ")})`
  );
}

/**
 * FLUSHDB ASYNC on every keyspace node (a cluster's masters, at once). Every node is tried; when
 * one fails the answer is its error, naming it and saying which nodes were flushed and how many
 * keys they held (kept for the audit outcome).
 */
async function flushKeyspace(instance: InstanceConfig): Promise<Done> {
  const nodes = await keyspaceTargets(instance);
  const flushed = await flushEveryNode(nodes);
  const keysBefore = flushed.reduce((n, f) => n + (f.keysBefore ?? 0), 0);
  const failedAt = flushed.findIndex((f) => f.error !== undefined);
  if (failedAt !== -1) {
    const first = flushed[failedAt];
    if (nodes.length === 1) throw first?.error;
    const named = atNode(first?.error, instance, nodes[failedAt] as RedisNode, nodes.length);
    const done = flushed.filter((f) => f.error === undefined);
    const failed = flushed.filter((f) => f.error !== undefined).map((f) => f.node);
    const message =
      `FLUSHDB failed on ${failed.join(", ")} (${named instanceof Error ? named.message : String(named)}); ` +
      `flushed ${done.length} of ${nodes.length} masters (${formatCount(keysBefore)} keys)` +
      (done.length > 0 ? `: ${done.map((f) => f.node).join(", ")}` : "");
    const err =
      named instanceof RedisError
        ? new RedisError(
            named.kind,
            message,
            { instanceId: instance.id, command: "flushdb", raw: named.raw },
            { cause: named },
          )
        : named;
    throw markAffectedBeforeFailure(err, keysBefore);
  }
  const perNode = flushed.map((f) => ({ node: f.node, count: f.keysBefore ?? 0 }));
  return { affected: keysBefore, keysBefore, ...(nodes.length > 1 ? { nodes: perNode } : {}) };
}

/** A flush's dry run: how many keys (DBSIZE) each keyspace node holds now. */
async function dryRunFlush(instance: InstanceConfig, g: Guard): Promise<ActionResponse> {
  const body = await g.run(async () => {
    const counts = await withRedis(instance, async () => {
      const nodes = await keyspaceTargets(instance);
      return Promise.all(
        nodes.map(async (node) => {
          try {
            return { node: node.address, count: await node.client.dbsize() };
          } catch (err) {
            throw atNode(err, instance, node, nodes.length);
          }
        }),
      );
    });
    const count = counts.reduce((n, c) => n + c.count, 0);
    return {
      body: {
        action: "flushdb" as const,
        outcome: "ok" as const,
        dryRun: true,
        affected: 0,
        count,
        ...(counts.length > 1 ? { nodes: counts } : {}),
      },
      affected: 0,
      detail:
        counts.length > 1
          ? `dry run: FLUSHDB would empty ${nodesText(counts, count)}`
          : `dry run: FLUSHDB would remove ${formatCount(count)} keys`,
    };
  });
  return { status: 200, body };
}

function doneDetail(result: Done): string | undefined {
  if (result.nodes && result.keysBefore !== undefined)
    return `FLUSHDB ASYNC on ${nodesText(result.nodes, result.keysBefore)}`;
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
    const changes = await ChangeRecorder.open(instance.id, Infinity);
    let partial: number | undefined;
    let result: Done;
    try {
      result = await withRedis(instance, async (redis) => {
        try {
          return await fn(redis, changes);
        } catch (err) {
          partial = affectedBeforeFailure(err);
          throw err;
        }
      });
    } catch (err) {
      // The error was classified on its way out: it keeps what the nodes that did not fail changed.
      throw partial !== undefined ? markAffectedBeforeFailure(err, partial) : err;
    } finally {
      await changes.flush();
    }
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
  fn: (redis: Client) => Promise<DryTally>,
  how: { source: "list" | "walk"; note: string } | undefined = undefined,
): Promise<ActionResponse> {
  const body = await g.run(async () => {
    let tally: DryTally;
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
        ...(tally.perNode
          ? { nodes: tally.perNode.map((n) => ({ node: n.node, count: n.tally.count })) }
          : {}),
      },
      affected: 0,
      detail:
        `dry run: ${tally.count} keys would change` +
        (tally.perNode ? ` on ${tally.perNode.length} masters` : "") +
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
    await assertNoRunningJob(instance.id);
  } catch (err) {
    if (err instanceof ConflictError) g.refuse("rejected", err);
    throw err;
  }
  const started = await g.run(async (intent) => {
    // DBSIZE of every node first: an unreachable Redis answers 503 (a cluster that cannot reach
    // every key, 409) before a job is promised.
    const { nodes, total } = await withRedis(instance, async () => {
      const targets = await keyspaceTargets(instance);
      const sizes = await Promise.all(
        targets.map(async (node) => {
          try {
            return await node.client.dbsize();
          } catch (err) {
            throw atNode(err, instance, node, targets.length);
          }
        }),
      );
      return { nodes: targets, total: sizes.reduce((a, b) => a + b, 0) };
    });
    const { job, outcome, settled } = await startBulkJob(instance, intent, spec, total, nodes);
    return { body: job, later: outcome, settled };
  });
  return { status: 202, body: started };
}
