"use client";
// Which instance the action buttons act on and whether it is read-only; the instance layout
// provides it. `useMayAct` hides what the role or the instance does not allow (the server still checks).

import { createContext, useContext, type ReactNode } from "react";
import { useCan } from "@/components/auth/use-me";
import type { Permission } from "@/lib/policy/access";

interface Scope {
  instanceId: string;
  readOnly: boolean;
}

const ScopeContext = createContext<Scope | undefined>(undefined);

export function ActionScope({ instanceId, readOnly, children }: Scope & { children: ReactNode }) {
  return <ScopeContext.Provider value={{ instanceId, readOnly }}>{children}</ScopeContext.Provider>;
}

export function useActionScope(): Scope | undefined {
  return useContext(ScopeContext);
}

/** True when the signed-in role has the permission and the instance is not read-only. */
export function useMayAct(permission: Permission): boolean {
  const scope = useContext(ScopeContext);
  const allowed = useCan(permission);
  return allowed && scope !== undefined && !scope.readOnly;
}
