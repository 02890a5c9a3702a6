// The caller as GET /api/auth/me describes it.
import { can, type Principal } from "@/lib/policy/access";
import { permissionSchema, type MeResponse } from "@/lib/schemas/auth";

export function meResponse(principal: Principal): MeResponse {
  return {
    name: principal.name,
    role: principal.role,
    method: principal.method,
    permissions: permissionSchema.options.filter((p) => can(principal, p)),
  };
}
