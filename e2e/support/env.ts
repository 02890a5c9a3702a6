// Ports, paths and names shared by the Playwright config, global setup and fixtures.
// The config runs first in the runner process and fixes the ports in process.env; workers inherit them.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import os from "node:os";
import path from "node:path";

function freePortSync(): number {
  const script =
    "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
  return Number(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }));
}

function port(name: string): number {
  process.env[name] ??= String(freePortSync());
  return Number(process.env[name]);
}

export const e2eEnv = {
  appPort: port("E2E_APP_PORT"),
  /** The seeded demo instance ("demo"): specs read it, and may only add keys of their own. */
  demoRedisPort: port("E2E_DEMO_REDIS_PORT"),
  /** The "chaos" instance (maxmemory 20mb, volatile-lru): specs may fill, stop and restart it. */
  chaosRedisPort: port("E2E_CHAOS_REDIS_PORT"),
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  workDir: (process.env.E2E_WORK_DIR ??= path.join(os.tmpdir(), `isl-e2e-${process.pid}`)),
};

export const stateFile = () => path.join(e2eEnv.workDir, "state.json");

export const chaosRedisArgs = ["--maxmemory", "20mb", "--maxmemory-policy", "volatile-lru"];

export type E2eRole = "admin" | "operator" | "viewer";

/** Local users global setup writes to the console's users file (known passwords, test only). */
export const e2eUsers: Record<E2eRole, { username: string; password: string }> = {
  admin: { username: "e2e-admin", password: "e2e-admin-password-5b1f" },
  operator: { username: "e2e-operator", password: "e2e-operator-password-9c3d" },
  viewer: { username: "e2e-viewer", password: "e2e-viewer-password-2e7a" },
};

/** API tokens per role (the console is given their SHA-256 only); the actor is "e2e-token-<role>". */
export const e2eTokens: Record<E2eRole, string> = {
  admin: "e2e-token-admin-4f0b8a1c",
  operator: "e2e-token-operator-93d2e7f0",
  viewer: "e2e-token-viewer-1a6c5b2d",
};

/** The console's SESSION_SECRET in e2e; a spec asserts it never reaches a response or the bundle. */
export const e2eSessionSecret = "e2e-session-secret-7f3a9c0d2b4e6f8a1c3e5d7b9f0a2c4e";

/** Where the setup project saves each role's signed-in browser state. */
export const storageStateFile = (role: E2eRole) => path.join(e2eEnv.workDir, `storage-${role}.json`);

/** The users file global setup writes (the e2e users, with their roles and password hashes). */
export const e2eUsersFile = () => path.join(e2eEnv.workDir, "users.json");

/**
 * Who may use an e2e console, as every one gets it: the e2e users file (written by global setup),
 * the API tokens (names, roles and SHA-256 digests), the session secret, and cookies without Secure
 * (next start serves plain HTTP on 127.0.0.1 here; production behind TLS keeps Secure cookies).
 */
export function e2eAccessEnv(): Record<string, string> {
  const tokens = (Object.keys(e2eTokens) as E2eRole[])
    .map((role) => `e2e-token-${role}:${role}:${createHash("sha256").update(e2eTokens[role]).digest("hex")}`)
    .join(",");
  return {
    CONSOLE_USERS_FILE: e2eUsersFile(),
    CONSOLE_API_TOKENS: tokens,
    SESSION_SECRET: e2eSessionSecret,
    SESSION_COOKIE_SECURE: "false",
  };
}
