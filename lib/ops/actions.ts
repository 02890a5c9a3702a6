// The ops page's admin actions: apply the recommended config (CONFIG SET), reveal the slow log's
// arguments, SLOWLOG RESET, each through the guarded-action pipeline (lib/actions/guard.ts).
import "server-only";
import { guard } from "@/lib/actions/guard";
import type { InstanceConfig } from "@/lib/config";
import { ConflictError } from "@/lib/http/errors";
import type { Principal } from "@/lib/policy/access";
import { checkConfig, recommendedSettings } from "@/lib/policy/config-checks";
import { applyServerConfig, readServerConfig } from "@/lib/redis/server-config";
import { resetSlowlog } from "@/lib/redis/slowlog";
import type { ApplyConfigResponse, ResetSlowlogResponse, SlowlogResponse } from "@/lib/schemas/ops";
import { slowlog } from "./service";

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
      await resetSlowlog(instance);
      return { body: { ok: true as const }, affected: 1 };
    });
}

/** CONFIG SET of the failing settable checks, read fresh from the server (not from what the browser saw). */
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
    });
}
