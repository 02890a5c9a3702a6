"use client";
// Which instance the action buttons act on and whether it is read-only; the instance layout
// provides it. `useMayAct` hides what the role or the instance does not allow (the server still
// checks); `useRedisCapability` says whether the instance's Redis user can do it, so a button the
// role may use is disabled, with the reason, when Redis would refuse it.

import { createContext, useContext, type ReactNode } from "react";
import { useCan } from "@/components/auth/use-me";
import { useCapabilities } from "./use-capabilities";
import type { Permission } from "@/lib/policy/access";
import { redisActionPermissions, type RedisActionPermission } from "@/lib/schemas/capabilities";

interface Scope {
  instanceId: string;
  readOnly: boolean;
}

const ScopeContext = createContext<Scope | undefined>(undefined);

export function ActionScope({ instanceId, readOnly, children }: Scope & { children: ReactNode }) {
  return <ScopeContext.Provider value={{ instanceId, readOnly }}>{children}</ScopeContext.Provider>;
}

/** True when the signed-in role has the permission and the instance is not read-only. */
export function useMayAct(permission: Permission): boolean {
  const scope = useContext(ScopeContext);
  const allowed = useCan(permission);
  return allowed && scope !== undefined && !scope.readOnly;
}

export interface RedisCapability {
  /** true: the Redis user can; false: it cannot (disable the action); null: not known (yet). */
  allowed: boolean | null;
  /** Why, naming the refused commands and the ACL rule that would grant them; null while unknown. */
  reason: string | null;
  /** Shorthand for `allowed === false`: what a button's `disabled` takes. */
  refused: boolean;
  /** The reason when refused, else undefined: what a disabled button's `title` takes. */
  title: string | undefined;
}

const UNKNOWN: RedisCapability = { allowed: null, reason: null, refused: false, title: undefined };

const isRedisAction = (p: Permission): p is RedisActionPermission =>
  (redisActionPermissions as readonly string[]).includes(p);

/** Actions that change keys: the user's key patterns may cover keys under the namespace only. */
const KEY_WRITES: ReadonlySet<Permission> = new Set<Permission>(["expire", "delete", "fix-ttl"]);

/**
 * Whether the instance's Redis user can do what `permission` lets the role do (GET
 * /api/instances/{id}/capabilities, probed only for callers who may act at all); with `key` (as
 * displayed), also whether its key patterns cover that key. While that is not known, or could not
 * be told, the action stays enabled: the server answers 403 redis_permission if Redis refuses.
 */
export function useRedisCapability(permission: Permission, { key }: { key?: string } = {}): RedisCapability {
  const scope = useContext(ScopeContext);
  const mayAct = useMayAct(permission);
  const relevant = isRedisAction(permission);
  const { data } = useCapabilities(scope?.instanceId, { enabled: mayAct && relevant });
  if (!relevant || !data) return UNKNOWN;
  const answer = data.permissions[permission];
  const { namespace, outside } = data.keys;
  if (answer.allowed === true && key !== undefined && KEY_WRITES.has(permission) && outside.write === false) {
    if (!key.startsWith(namespace)) {
      const reason = `Redis user ${data.user} may not change keys outside ${namespace} (its key patterns; ACL rule ~*)`;
      return { allowed: false, refused: true, reason, title: reason };
    }
  }
  const refused = answer.allowed === false;
  return {
    allowed: answer.allowed,
    reason: answer.reason,
    refused,
    title: refused ? answer.reason : undefined,
  };
}

/** The reason an action is disabled because of the Redis user, as visible text; nothing otherwise. */
export function RedisRefusal({ capability, className }: { capability: RedisCapability; className?: string }) {
  if (!capability.refused || !capability.reason) return null;
  return (
    <span role="note" data-testid="redis-refusal" className={`text-warn text-xs ${className ?? ""}`}>
      {capability.reason}
    </span>
  );
}
