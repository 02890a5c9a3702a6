// Sign-in, sign-out and "who am I": shared by the route handlers, the login page and the top nav.
import { z } from "zod";
import { authMethods, permissions, roles } from "@/lib/policy/access";

export const loginBodySchema = z.object({
  username: z.string().trim().min(1, "enter your user name").max(64),
  password: z.string().min(1, "enter your password").max(1024),
});
export type LoginBody = z.infer<typeof loginBodySchema>;

export const permissionSchema = z.enum(permissions);

export const meResponseSchema = z.object({
  name: z.string(),
  role: z.enum(roles),
  method: z.enum(authMethods),
  /** What this role may do, so the UI can hide what it may not (the server still checks). */
  permissions: z.array(permissionSchema),
});
export type MeResponse = z.infer<typeof meResponseSchema>;

export const loginResponseSchema = z.object({ user: meResponseSchema });
export type LoginResponse = z.infer<typeof loginResponseSchema>;

export const logoutResponseSchema = z.object({ ok: z.literal(true) });
