// The ops page's admin actions: apply the recommended config (CONFIG SET), reveal the slow log's
// arguments, SLOWLOG RESET. Each attempt is authorized on the server and audited, allowed or not:
// the intent is written before Redis is touched (no intent, no action) and the outcome after.
import "server-only";
import { recordIntent, recordOutcome, recordRefusal, type Attempt } from "@/lib/audit/log";
import type { InstanceConfig } from "@/lib/config";
import { ApiError, ConflictError, ForbiddenError } from "@/lib/http/errors";
import { can, type Permission, type Principal } from "@/lib/policy/access";
import { describeRedisError } from "@/lib/redis/client";
import { applyServerConfig, ConfigRefusedError, readServerConfig } from "@/lib/redis/server-config";
import { resetSlowlog } from "@/lib/redis/slowlog";
import { checkConfig, recommendedSettings } from "@/lib/policy/config-checks";
import type { SlowlogResponse } from "@/lib/schemas/ops";
import { slowlog } from "./service";

interface Guard {
  principal: Principal;
  instance: InstanceConfig;
  action: Permission;
  params: Record<string, unknown>;
  reason: string | null;
  /** The action changes the server: refused on a read-only instance. */
  writes: boolean;
}

function attemptOf(g: Guard): Attempt {
  return {
    principal: g.principal,
    instance: g.instance.id,
    action: g.action,
    params: g.params,
    targetCount: null,
    sample: [],
    reason: g.reason,
  };
}

/** Role and read-only checks; a refusal is audited, then thrown (403 / 409). */
function authorize(g: Guard): void {
  if (!can(g.principal, g.action)) {
    const detail = `the ${g.principal.role} role may not ${g.action}`;
    recordRefusal(attemptOf(g), { outcome: "denied", detail });
    throw new ForbiddenError(detail);
  }
  if (g.writes && g.instance.readOnly) {
    const detail = `instance ${g.instance.id} is read-only`;
    recordRefusal(attemptOf(g), { outcome: "rejected", detail });
    throw new ConflictError(detail);
  }
}

/** authorize -> intent -> run -> outcome. `run` returns what to answer and how many things it changed. */
async function guarded<T>(
  g: Guard,
  run: () => Promise<{ body: T; affected: number; detail?: string }>,
): Promise<T & { auditId: string }> {
  authorize(g);
  const intent = recordIntent(attemptOf(g));
  try {
    const { body, affected, detail } = await run();
    recordOutcome(intent, { outcome: "ok", affected, ...(detail ? { detail } : {}) });
    return { ...body, auditId: String(intent.id) };
  } catch (err) {
    const detail =
      err instanceof ApiError || err instanceof ConfigRefusedError ? err.message : describeRedisError(err);
    recordOutcome(intent, { outcome: "error", detail });
    throw err;
  }
}

export async function revealSlowlog(
  principal: Principal,
  instance: InstanceConfig,
  count: number,
): Promise<SlowlogResponse> {
  return guarded(
    { principal, instance, action: "slowlog-reveal", params: { count }, reason: null, writes: false },
    async () => {
      const body = await slowlog(instance, { count, reveal: true });
      return { body, affected: body.entries.length };
    },
  );
}

export async function resetSlowlogAction(
  principal: Principal,
  instance: InstanceConfig,
  reason: string | null,
): Promise<{ ok: true; auditId: string }> {
  return guarded(
    { principal, instance, action: "slowlog-reset", params: {}, reason, writes: true },
    async () => {
      await resetSlowlog(instance);
      return { body: { ok: true as const }, affected: 1 };
    },
  );
}

export interface ApplyResult {
  applied: { name: string; value: string }[];
  auditId: string;
}

/** CONFIG SET of the failing settable checks, read fresh from the server (not from what the browser saw). */
export async function applyRecommendedConfig(
  principal: Principal,
  instance: InstanceConfig,
  reason: string | null,
): Promise<ApplyResult> {
  return guarded(
    { principal, instance, action: "config-set", params: { apply: "recommended" }, reason, writes: true },
    async () => {
      const { facts } = await readServerConfig(instance);
      if (facts.configDisabled) {
        throw new ConflictError(
          "CONFIG is disabled on this instance: change the settings in the provider's console",
        );
      }
      const settings = recommendedSettings(checkConfig(facts, instance.environment), instance.environment);
      await applyServerConfig(instance, settings);
      const applied = settings.map(([name, value]) => ({ name, value }));
      return {
        body: { applied },
        affected: applied.length,
        detail: applied.length ? applied.map((a) => `${a.name}=${a.value}`).join(", ") : "nothing to change",
      };
    },
  );
}
