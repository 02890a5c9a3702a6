// Reads what the compliance checklist needs from a server: CONFIG GET where allowed, INFO always,
// ACL GETUSER for authentication. Managed services and `rename-command CONFIG ""` refuse CONFIG:
// then maxmemory and the policy come from INFO memory and the rest is unknown, never an error.
// Also runs the admin's "apply recommended" CONFIG SET (called by the audited action only).
import "server-only";
import type Redis from "ioredis";
import type { InstanceConfig } from "@/lib/config";
import type { ConfigFacts } from "@/lib/policy/config-checks";
import { withRedis } from "./client";
import { isRefusal } from "./errors";
import { parseInfo, summarizeInfo } from "./info";

export interface ServerConfig {
  facts: ConfigFacts;
  source: "config" | "info";
}

function pairs(reply: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (!Array.isArray(reply)) return out;
  for (let i = 0; i + 1 < reply.length; i += 2) out.set(String(reply[i]), String(reply[i + 1]));
  return out;
}

const CONFIG_NAMES = ["maxmemory", "maxmemory-policy", "save", "maxclients", "requirepass"] as const;

/** CONFIG GET of the checklist's settings, or null when CONFIG is refused. One call per name (Redis 6 takes one). */
export async function configGet(redis: Redis, names: readonly string[]): Promise<Map<string, string> | null> {
  try {
    const replies = await Promise.all(names.map((name) => redis.call("CONFIG", "GET", name)));
    const out = new Map<string, string>();
    for (const reply of replies) for (const [k, v] of pairs(reply)) out.set(k, v);
    return out;
  } catch (err) {
    if (isRefusal(err)) return null;
    throw err;
  }
}

/** ACL GETUSER default: "open" when the default user is on and needs no password; null when refused. */
async function defaultUserAuth(redis: Redis): Promise<"required" | "open" | null> {
  try {
    const reply = await redis.call("ACL", "GETUSER", "default");
    if (!Array.isArray(reply)) return null;
    const fields = new Map<string, unknown>();
    for (let i = 0; i + 1 < reply.length; i += 2) fields.set(String(reply[i]), reply[i + 1]);
    const flags = fields.get("flags");
    if (!Array.isArray(flags)) return null;
    const list = flags.map(String);
    return list.includes("on") && list.includes("nopass") ? "open" : "required";
  } catch (err) {
    if (isRefusal(err)) return null;
    throw err;
  }
}

function hasCredentials(instance: InstanceConfig): boolean {
  if (instance.password) return true;
  const url = new URL(instance.url);
  return url.password !== "" || url.username !== "";
}

function num(value: string | undefined): number | null {
  if (value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

export async function readServerConfig(instance: InstanceConfig): Promise<ServerConfig> {
  return withRedis(instance, async (redis) => {
    const [infoText, config] = await Promise.all([redis.info(), configGet(redis, CONFIG_NAMES)]);
    const sections = parseInfo(infoText);
    const info = summarizeInfo(sections);
    let auth: ConfigFacts["auth"] = null;
    let authSource: ConfigFacts["authSource"];
    const requirepass = config?.get("requirepass");
    if (requirepass) {
      auth = "required";
      authSource = "requirepass";
    } else {
      auth = await defaultUserAuth(redis);
      if (auth !== null) authSource = "acl";
      else if (hasCredentials(instance)) {
        // Neither CONFIG nor ACL readable, but the server accepted our credentials.
        auth = "required";
        authSource = "credentials";
      }
    }
    const infoMaxmemory = sections.memory?.maxmemory !== undefined ? info.maxMemoryBytes : null;
    const facts: ConfigFacts = {
      maxmemory: config ? num(config.get("maxmemory")) : infoMaxmemory,
      maxmemoryPolicy: config?.get("maxmemory-policy") ?? info.maxMemoryPolicy ?? null,
      save: config ? (config.get("save") ?? null) : null,
      maxclients: config ? num(config.get("maxclients")) : (info.maxClients ?? null),
      connectedClients: info.connectedClients,
      tls: instance.tls !== undefined,
      auth,
      ...(authSource ? { authSource } : {}),
      version: info.redisVersion === "unknown" ? null : info.redisVersion,
      configDisabled: config === null,
    };
    return { facts, source: config ? "config" : "info" };
  });
}

/** CONFIG SET name value ... one by one (Redis 6 takes one pair per call); a refusal is a classified RedisError. */
export async function applyServerConfig(
  instance: InstanceConfig,
  settings: [string, string][],
): Promise<void> {
  await withRedis(instance, async (redis) => {
    for (const [name, value] of settings) await redis.call("CONFIG", "SET", name, value);
  });
}
