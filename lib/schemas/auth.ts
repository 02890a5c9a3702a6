// Sign-in, sign-out and "who am I": shared by the route handlers, the login page and the top nav.
import { z } from "zod";
import { roles, type Permission } from "@/lib/policy/access";

export const loginBodySchema = z.object({
  username: z.string().trim().min(1, "enter your user name").max(64),
  password: z.string().min(1, "enter your password").max(1024),
});
export type LoginBody = z.infer<typeof loginBodySchema>;

export const permissionSchema = z.enum([
  "read",
  "read-sensitive",
  "expire",
  "delete",
  "fix-ttl",
  "delete-pattern",
  "flushdb",
  "config-set",
  "slowlog-reveal",
  "slowlog-reset",
]);

export const meResponseSchema = z.object({
  name: z.string(),
  role: z.enum(roles),
  method: z.enum(["session", "token", "proxy"]),
  /** What this role may do, so the UI can hide what it may not (the server still checks). */
  permissions: z.array(permissionSchema),
});
export type MeResponse = z.infer<typeof meResponseSchema>;

export const loginResponseSchema = z.object({ user: meResponseSchema });
export type LoginResponse = z.infer<typeof loginResponseSchema>;

// The schema's list and lib/policy/access.ts's Permission type must stay the same set.
type Listed = z.infer<typeof permissionSchema>;
type SameSet = [Listed] extends [Permission] ? ([Permission] extends [Listed] ? true : false) : false;
const permissionsMatch: SameSet = true;
void permissionsMatch;
