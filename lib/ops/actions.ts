// The ops page's admin actions: apply the recommended config (CONFIG SET), reveal the slow log's
// arguments, SLOWLOG RESET, each through the guarded-action pipeline (lib/audit/guard.ts). On a
// cluster or a sentinel instance each goes to every server it concerns, and the audit names them.
import "server-only";
import { guard } from "@/lib/audit/guard";
import type { InstanceConfig } from "@/lib/config";
import { ConflictError } from "@/lib/http/errors";
import type { Principal } from "@/lib/policy/access";
import { describeRedisError, RedisError } from "@/lib/redis/errors";
import { applyNodeConfig, readNodeConfigs } from "@/lib/redis/server-config";
import { resetSlowlog } from "@/lib/redis/slowlog";
import type { ApplyConfigResponse, ResetSlowlogResponse, SlowlogResponse } from "@/lib/schemas/ops";
import { complianceOf, planBySetting, recommendedPlan, slowlog } from "./service";

export async function revealSlowlog(
  principal: Principal,
  instance: InstanceConfig,
  count: number,
): Promise<SlowlogResponse> {
  return guard({
    principal,
    instance,
    action: "slowlog-reveal",
    permission: "slowlog-reveal",
    writes: false,
    params: { count },
  })
    .authorize()
    .run(async () => {
      const body = await slowlog(instance, { count, reveal: true });
      return { body, affected: body.entries.length };
    });
}

export async function resetSlowlogAction(
  principal: Principal,
  instance: InstanceConfig,
  reason: string | null,
): Promise<ResetSlowlogResponse> {
  return guard({
    principal,
    instance,
    action: "slowlog-reset",
    permission: "slowlog-reset",
    writes: true,
    reason,
  })
    .authorize()
    .run(async () => {
      const nodes = await resetSlowlog(instance);
      return {
        body: { ok: true as const, nodes },
        affected: nodes.length,
        detail: `SLOWLOG RESET on ${nodes.length === 1 ? "" : `${nodes.length} nodes: `}${nodes.join(", ")}`,
      };
    });
}

/** What the audit entry says a CONFIG SET on some nodes did: each setting with the nodes it went to. */
function appliedDetail(
  applied: { name: string; value: string; nodes: string[] }[],
  nodeCount: number,
): string {
  if (applied.length === 0) return "nothing to change";
  if (nodeCount === 1) return applied.map((a) => `${a.name}=${a.value}`).join(", ");
  return applied.map((a) => `${a.name}=${a.value} on ${a.nodes.join(", ")}`).join("; ");
}

/**
 * CONFIG SET of the failing settable checks, read fresh from every server (not from what the browser
 * saw), on the nodes that need it. A node that fails is named with what was applied elsewhere.
 */
export async function applyRecommendedConfig(
  principal: Principal,
  instance: InstanceConfig,
  reason: string | null,
): Promise<ApplyConfigResponse> {
  return guard({
    principal,
    instance,
    action: "config-set",
    permission: "config-set",
    writes: true,
    params: { apply: "recommended" },
    reason,
  })
    .authorize()
    .run(async () => {
      const nodes = await readNodeConfigs(instance);
      const unread = nodes.find((n) => n.error);
      if (unread?.error) throw unread.error;
      const plan = recommendedPlan(instance, complianceOf(instance, nodes).perNode);
      if ("blocked" in plan) throw new ConflictError(plan.blocked);
      const results = await applyNodeConfig(instance, plan);
      const applied = planBySetting(results.map((r) => ({ address: r.address, settings: r.applied })));
      const failed = results.filter((r) => r.error);
      const firstError = failed[0]?.error;
      if (firstError) {
        if (nodes.length === 1) throw firstError;
        const done =
          applied.length > 0 ? `applied ${appliedDetail(applied, nodes.length)}` : "nothing was applied";
        throw new RedisError(
          firstError.kind,
          `CONFIG SET failed on ${failed.map((f) => describeRedisError(f.error)).join("; ")}; ${done}`,
          { instanceId: instance.id, command: "config|set", code: firstError.code, raw: firstError.raw },
        );
      }
      const written = [...new Set(applied.flatMap((a) => a.nodes))];
      return {
        body: {
          applied: nodes.length === 1 ? applied.map(({ name, value }) => ({ name, value })) : applied,
          ...(nodes.length === 1 ? {} : { nodes: written }),
        },
        affected: results.reduce((n, r) => n + r.applied.length, 0),
        detail: appliedDetail(applied, nodes.length),
      };
    });
}
