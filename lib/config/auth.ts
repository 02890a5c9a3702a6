// The access settings: local users file, session secret and idle timeout, API tokens,
// and SSO through a trusted reverse proxy. Parsed once with the rest of the configuration; a bad
// entry stops start-up with one line naming the variable.
import "server-only";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { z } from "zod";
import { parseCidr, type Cidr } from "./cidr";
import { roles, type Role } from "@/lib/policy/access";
import { ConfigError } from "./errors";
import type { envSchema } from "./schema";

/** The user the quick start creates; a production server refuses to start while it exists. */
export const DEVELOPMENT_USERNAME = "dev-admin";

export interface LocalUser {
  username: string;
  role: Role;
  /** `scrypt$N$r$p$salt$hash` (base64url), see lib/auth/passwords.ts. */
  passwordHash: string;
  /** Set by the quick start on its development admin. */
  development: boolean;
}

export interface ApiTokenEntry {
  name: string;
  role: Role;
  /** SHA-256 of the token (32 bytes); the token itself is never stored. */
  sha256: Buffer;
}

export interface ProxyAuthConfig {
  userHeader: string;
  groupsHeader?: string;
  /** In order; the highest role of all matching entries wins. "*" matches every user. */
  groupRoles: { group: string; role: Role }[];
  trustedCidrs: Cidr[];
}

export interface AuthConfig {
  users: LocalUser[];
  /** SESSION_SECRET; absent outside production (a per-process secret is generated instead). */
  sessionSecret?: string;
  sessionIdleMs: number;
  cookieSecure: boolean;
  tokens: ApiTokenEntry[];
  proxy?: ProxyAuthConfig;
  /** ALLOW_DEVELOPMENT_USER: the quick start's escape hatch, never for a deployment. */
  allowDevelopmentUser: boolean;
}

const roleSchema = z.enum(roles);

export const usersFileSchema = z
  .array(
    z
      .object({
        username: z.string().regex(/^[A-Za-z0-9._@-]{1,64}$/, "must be 1-64 letters, digits, . _ @ or -"),
        role: roleSchema,
        passwordHash: z
          .string()
          .regex(
            /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/,
            "is not a scrypt$N$r$p$salt$hash string (npm run user:add)",
          ),
        development: z.boolean().default(false),
      })
      .strict(),
  )
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((u, i) => {
      if (seen.has(u.username))
        ctx.addIssue({ code: "custom", path: [i, "username"], message: `duplicate user ${u.username}` });
      seen.add(u.username);
    });
  });

type Env = z.output<typeof envSchema>;
type DescribeZodError = (source: string, error: z.ZodError) => string;

function loadUsers(file: string | undefined, describe: DescribeZodError): LocalUser[] {
  if (!file) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(
      `CONSOLE_USERS_FILE: ${code ? `cannot read ${file} (${code})` : `${file} is not valid JSON`}`,
    );
  }
  const parsed = usersFileSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(describe("CONSOLE_USERS_FILE", parsed.error));
  return parsed.data;
}

/** "name:role:sha256hex,..." */
function parseTokens(value: string | undefined): ApiTokenEntry[] {
  if (!value?.trim()) return [];
  const names = new Set<string>();
  return value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry, i) => {
      const [name = "", role = "", hex = "", ...rest] = entry.split(":");
      const where = `CONSOLE_API_TOKENS[${i}]`;
      if (rest.length > 0 || !/^[A-Za-z0-9._@-]{1,64}$/.test(name)) {
        throw new ConfigError(
          `${where}: expected name:role:sha256hex with a name of letters, digits, . _ @ or -`,
        );
      }
      if (!roleSchema.safeParse(role).success)
        throw new ConfigError(`${where} (${name}): role must be one of ${roles.join(", ")}`);
      if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
        throw new ConfigError(
          `${where} (${name}): the third field must be the token's SHA-256 in hex (64 characters), never the token`,
        );
      }
      if (names.has(name)) throw new ConfigError(`${where}: duplicate token name ${name}`);
      names.add(name);
      return { name, role: role as Role, sha256: Buffer.from(hex, "hex") };
    });
}

function parseGroupRoles(value: string | undefined): { group: string; role: Role }[] {
  if (!value?.trim()) return [];
  return value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry, i) => {
      const at = entry.lastIndexOf(":");
      const group = entry.slice(0, at).trim();
      const role = entry.slice(at + 1).trim();
      if (at <= 0 || !roleSchema.safeParse(role).success) {
        throw new ConfigError(
          `AUTH_PROXY_GROUP_ROLES[${i}]: expected group:role with role one of ${roles.join(", ")}`,
        );
      }
      return { group, role: role as Role };
    });
}

function parseProxy(e: Env): ProxyAuthConfig | undefined {
  if (!e.AUTH_PROXY_HEADER_USER) return undefined;
  const cidrs = (e.AUTH_PROXY_TRUSTED_CIDRS ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((text, i) => {
      try {
        return parseCidr(text);
      } catch (err) {
        throw new ConfigError(`AUTH_PROXY_TRUSTED_CIDRS[${i}]: ${(err as Error).message}`);
      }
    });
  if (cidrs.length === 0) {
    throw new ConfigError(
      "AUTH_PROXY_TRUSTED_CIDRS: is missing (required with AUTH_PROXY_HEADER_USER: the proxy's addresses)",
    );
  }
  const groupRoles = parseGroupRoles(e.AUTH_PROXY_GROUP_ROLES);
  if (groupRoles.length === 0) {
    throw new ConfigError(
      'AUTH_PROXY_GROUP_ROLES: is missing (required with AUTH_PROXY_HEADER_USER, e.g. "ops-admins:admin,*:viewer")',
    );
  }
  return {
    userHeader: e.AUTH_PROXY_HEADER_USER.toLowerCase(),
    groupsHeader: e.AUTH_PROXY_HEADER_GROUPS?.toLowerCase(),
    groupRoles,
    trustedCidrs: cidrs,
  };
}

export function loadAuthConfig(e: Env, describe: DescribeZodError): AuthConfig {
  return {
    users: loadUsers(e.CONSOLE_USERS_FILE, describe),
    sessionSecret: e.SESSION_SECRET,
    sessionIdleMs: e.SESSION_IDLE_MINUTES * 60_000,
    cookieSecure: e.SESSION_COOKIE_SECURE ?? e.NODE_ENV === "production",
    tokens: parseTokens(e.CONSOLE_API_TOKENS),
    proxy: parseProxy(e),
    allowDevelopmentUser: e.ALLOW_DEVELOPMENT_USER,
  };
}

/**
 * Checked when the server starts (not by scripts or the build): production needs SESSION_SECRET
 * and must not carry the quick start's development user (unless ALLOW_DEVELOPMENT_USER, which only
 * the quick start sets: it runs a production build on the developer's own machine).
 */
export function assertProductionAuth(nodeEnv: string, auth: AuthConfig): void {
  if (nodeEnv !== "production") return;
  if (!auth.sessionSecret) {
    throw new ConfigError(
      "SESSION_SECRET: is missing (required in production; generate one with: openssl rand -hex 32)",
    );
  }
  const dev = auth.users.find((u) => u.development || u.username === DEVELOPMENT_USERNAME);
  if (dev && !auth.allowDevelopmentUser) {
    throw new ConfigError(
      `CONSOLE_USERS_FILE: the development user "${dev.username}" must be removed in production (npm run user:add creates real users)`,
    );
  }
}

const generated = Symbol.for("isl-console.generated-session-secret");

/**
 * The secret sessions are sealed with. Without SESSION_SECRET (development only) one random secret
 * per process, kept on globalThis because the proxy and the route handlers are separate bundles.
 */
export function sessionSecretOf(auth: AuthConfig): string {
  if (auth.sessionSecret) return auth.sessionSecret;
  const g = globalThis as { [generated]?: string };
  g[generated] ??= randomBytes(32).toString("hex");
  return g[generated];
}
