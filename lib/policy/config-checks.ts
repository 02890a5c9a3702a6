// The ops guide's provisioning checklist as pure checks: what lib/redis read from the server in,
// one verdict per item out (pass / fail / unknown), each with the guide's exact fix line where
// the guide has one. No I/O: an unreadable setting arrives as null and becomes "unknown".
import { missingWatchFlags, recommendedKeyspaceEvents, WATCH_EVENT_FLAGS } from "./keyspace-events";
import { versionAtLeast, type ConfigFacts } from "@/lib/server-facts";
import { judgePersistence } from "./persistence";
import type { Environment } from "./types";

export type CheckStatus = "pass" | "fail" | "unknown";

export const configCheckIds = [
  "maxmemory",
  "maxmemory-policy",
  "save",
  "maxclients",
  "tls",
  "auth",
  "version",
  "notify-keyspace-events",
  "latency-tracking",
  "persistence",
] as const;
export type ConfigCheckId = (typeof configCheckIds)[number];

export interface ConfigCheck {
  id: ConfigCheckId;
  title: string;
  expected: string;
  actual: string;
  status: CheckStatus;
  /** The exact `redis-cli CONFIG SET ...` line from the guide, or null where the guide has none. */
  fix: string | null;
  /** What to do where there is no CONFIG SET line (TLS, auth, version), or why a value is unknown. */
  advice?: string;
  /** The verdict on each server of the instance (combineNodeChecks), masters first. */
  nodes?: NodeCheck[];
  /** One server's CONFIG SET name and value where it depends on the server's current value. */
  setting?: [string, string];
}

/** One check's verdict on one server of an instance. */
export interface NodeCheck {
  address: string;
  role: "master" | "replica";
  status: CheckStatus;
  actual: string;
  advice?: string;
}

const GB = 1024 ** 3;
export const RECOMMENDED_SAVE = "900 1 300 10 60 10000";
export const RECOMMENDED_POLICY = "volatile-lru";
/** The guide's pool holds 50 connections per ISL process; room for two (a rolling deploy). */
export const MIN_MAXCLIENTS = 100;
export const MIN_VERSION = "6.0.0";

/** The guide's maxmemory target per environment; development only needs a limit. */
export const maxmemoryTarget: Record<Environment, number | null> = {
  development: null,
  staging: 2 * GB,
  production: 4 * GB,
};

/** The guide's lines, verbatim (production uses the 4 GB figure from the same table). */
export const fixLines = {
  maxmemory: (environment: Environment) =>
    `redis-cli CONFIG SET maxmemory ${environment === "production" ? "4gb" : "2gb"}`,
  policy: `redis-cli CONFIG SET maxmemory-policy ${RECOMMENDED_POLICY}`,
  save: `redis-cli CONFIG SET save "${RECOMMENDED_SAVE}"`,
};

function gb(bytes: number): string {
  const value = bytes / GB;
  if (Number.isInteger(value)) return `${value} GB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(bytes % 1024 ** 2 === 0 ? 0 : 1)} MB`;
  return `${bytes} B`;
}

const UNKNOWN_CONFIG =
  "CONFIG is disabled on this instance (managed service or rename-command): check it in the provider's console";

const CONFIG_NOT_PERMITTED =
  "the console's Redis user may not run CONFIG GET (ACL rule +config|get): grant it, or check the setting in the provider's console";

function unknown(facts: ConfigFacts, what: string): string {
  if (!facts.configDisabled) return `${what} could not be read`;
  return facts.configRefusal === "permission" ? CONFIG_NOT_PERMITTED : UNKNOWN_CONFIG;
}

function maxmemoryCheck(facts: ConfigFacts, environment: Environment): ConfigCheck {
  const target = maxmemoryTarget[environment];
  const base = {
    id: "maxmemory" as const,
    title: "Memory limit (maxmemory)",
    expected:
      target === null ? "a limit (any non-zero value) in development" : `${gb(target)} in ${environment}`,
    fix: fixLines.maxmemory(environment),
  };
  const mm = facts.maxmemory;
  if (mm === null)
    return { ...base, actual: "unknown", status: "unknown", advice: unknown(facts, "maxmemory") };
  const actual = mm === 0 ? "0 (no limit)" : gb(mm);
  const ok = target === null ? mm > 0 : mm === target;
  return { ...base, actual, status: ok ? "pass" : "fail" };
}

function policyCheck(facts: ConfigFacts): ConfigCheck {
  const base = {
    id: "maxmemory-policy" as const,
    title: "Eviction policy (maxmemory-policy)",
    expected: RECOMMENDED_POLICY,
    fix: fixLines.policy,
  };
  const policy = facts.maxmemoryPolicy;
  if (policy === null)
    return { ...base, actual: "unknown", status: "unknown", advice: unknown(facts, "maxmemory-policy") };
  return { ...base, actual: policy, status: policy === RECOMMENDED_POLICY ? "pass" : "fail" };
}

function normalizeSave(save: string): string {
  return save.trim().replace(/\s+/g, " ");
}

function saveCheck(facts: ConfigFacts): ConfigCheck {
  const base = {
    id: "save" as const,
    title: "RDB snapshots (save)",
    expected: `"${RECOMMENDED_SAVE}"`,
    fix: fixLines.save,
  };
  if (facts.save === null)
    return { ...base, actual: "unknown", status: "unknown", advice: unknown(facts, "save") };
  const save = normalizeSave(facts.save);
  return {
    ...base,
    actual: save === "" ? '"" (snapshots off)' : `"${save}"`,
    status: save === RECOMMENDED_SAVE ? "pass" : "fail",
  };
}

function maxclientsCheck(facts: ConfigFacts): ConfigCheck {
  const base = {
    id: "maxclients" as const,
    title: "Client limit (maxclients)",
    expected: `at least ${MIN_MAXCLIENTS}, under 90 % in use`,
    fix: null,
  };
  const max = facts.maxclients;
  if (max === null)
    return { ...base, actual: "unknown", status: "unknown", advice: unknown(facts, "maxclients") };
  const used = facts.connectedClients;
  const ratio = used !== null && max > 0 ? used / max : null;
  const actual =
    used === null ? `${max}` : `${max} (${used} connected, ${((ratio ?? 0) * 100).toFixed(1)} %)`;
  if (max < MIN_MAXCLIENTS) {
    return {
      ...base,
      actual,
      status: "fail",
      advice: `Raise maxclients to at least ${MIN_MAXCLIENTS}: ISL's pool alone holds 50 connections per process.`,
    };
  }
  if (ratio !== null && ratio > 0.9) {
    return {
      ...base,
      actual,
      status: "fail",
      advice:
        "Connected clients near the limit: see the clients table below, then raise the limit or the pool.",
    };
  }
  return { ...base, actual, status: "pass" };
}

function tlsCheck(facts: ConfigFacts, environment: Environment): ConfigCheck {
  const required = environment !== "development";
  const base = {
    id: "tls" as const,
    title: "TLS",
    expected: required ? `required in ${environment}` : "optional in development",
    actual: facts.tls ? "on (the console connects with TLS)" : "off (plain TCP)",
    fix: null,
  };
  if (facts.tls || !required) return { ...base, status: "pass" };
  return {
    ...base,
    status: "fail",
    advice: "Enable TLS on the instance and connect with rediss:// (REDIS_TLS=true in the isl-redis secret).",
  };
}

function authCheck(facts: ConfigFacts, environment: Environment): ConfigCheck {
  const required = environment !== "development";
  const base = {
    id: "auth" as const,
    title: "Authentication (password or ACL user)",
    expected: required ? `required in ${environment}` : "optional in development",
    fix: null,
  };
  if (facts.auth === null) {
    return {
      ...base,
      actual: "unknown",
      status: required ? "unknown" : "pass",
      advice: "Neither CONFIG nor ACL could be read on this instance.",
    };
  }
  const how =
    facts.authSource === "acl"
      ? "ACL: default user needs a password or is off"
      : facts.authSource === "credentials"
        ? "the console authenticates (server settings not readable)"
        : "requirepass set";
  const actual = facts.auth === "required" ? `required (${how})` : "open: the default user needs no password";
  if (facts.auth === "required" || !required) return { ...base, actual, status: "pass" };
  return {
    ...base,
    actual,
    status: "fail",
    advice:
      "Set a password (requirepass) or an ACL user, store it in the isl-redis secret, and turn the default user off.",
  };
}

function versionCheck(facts: ConfigFacts): ConfigCheck {
  const base = {
    id: "version" as const,
    title: "Redis version",
    expected: `${MIN_VERSION} or later (TLS and ACL users)`,
    fix: null,
  };
  if (facts.version === null || facts.version === "unknown") {
    return { ...base, actual: "unknown", status: "unknown", advice: "INFO did not report redis_version." };
  }
  const ok = versionAtLeast(facts.version, MIN_VERSION);
  return {
    ...base,
    actual: facts.version,
    status: ok ? "pass" : "fail",
    ...(ok ? {} : { advice: "Upgrade Redis (DevOps task): TLS and ACL users need 6.0 or later." }),
  };
}

function keyspaceEventsCheck(facts: ConfigFacts): ConfigCheck {
  const base = {
    id: "notify-keyspace-events" as const,
    title: "Keyspace notifications (live TTL watch)",
    expected: `at least "${WATCH_EVENT_FLAGS.join("")}" (keyevent; generic, string, list, hash, set, sorted set)`,
  };
  const value = facts.notifyKeyspaceEvents;
  if (value === null || value === undefined) {
    return {
      ...base,
      actual: "unknown",
      status: "unknown",
      fix: null,
      advice: `${unknown(facts, "notify-keyspace-events")}. Without it the live TTL watch is off and violations wait for the next scan.`,
    };
  }
  const actual = value === "" ? '"" (off)' : `"${value}"`;
  const recommended = recommendedKeyspaceEvents(value);
  if (recommended === null) return { ...base, actual, status: "pass", fix: null };
  return {
    ...base,
    actual,
    status: "fail",
    fix: `redis-cli CONFIG SET notify-keyspace-events "${recommended}"`,
    setting: ["notify-keyspace-events", recommended],
    advice: `Missing ${missingWatchFlags(value).join(" ")}: the live TTL watch is off and keys without TTL wait for the next scan. The flags already set are kept.`,
  };
}

/** The percentiles INFO latencystats should report: p95 is the guide's "Operation Latency" metric. */
export const RECOMMENDED_LATENCY_PERCENTILES = "50 95 99 99.9";

/** The node's percentiles with 95 added, in order ("50 99 99.9" -> "50 95 99 99.9"). */
export function withP95(percentiles: string): string {
  const values = new Set(percentiles.trim().split(/\s+/).filter(Boolean).map(Number).filter(Number.isFinite));
  values.add(95);
  return [...values].sort((a, b) => a - b).join(" ");
}

function latencyTrackingCheck(facts: ConfigFacts): ConfigCheck {
  const base = {
    id: "latency-tracking" as const,
    title: "Per-command latency tracking (p95)",
    expected: `latency-tracking yes, latency-tracking-info-percentiles including 95 ("${RECOMMENDED_LATENCY_PERCENTILES}")`,
  };
  if (facts.version !== null && facts.version !== "unknown" && !versionAtLeast(facts.version, "7.0.0")) {
    return {
      ...base,
      actual: `Redis ${facts.version}: no latency tracking before 7.0`,
      status: "pass",
      fix: null,
      advice:
        "The ops page shows each command's average per call from INFO commandstats instead of percentiles.",
    };
  }
  const tracking = facts.latencyTracking;
  const percentiles = facts.latencyPercentiles;
  if (tracking === null || tracking === undefined || percentiles === null || percentiles === undefined) {
    return {
      ...base,
      actual: "unknown",
      status: "unknown",
      fix: null,
      advice: unknown(facts, "latency-tracking"),
    };
  }
  const actual = `latency-tracking ${tracking}, percentiles "${percentiles}"`;
  if (tracking !== "yes") {
    return {
      ...base,
      actual,
      status: "fail",
      fix: "redis-cli CONFIG SET latency-tracking yes",
      setting: ["latency-tracking", "yes"],
      advice:
        "Per-command latency is not tracked: the ops page falls back to averages per call (INFO commandstats).",
    };
  }
  const recommended = withP95(percentiles);
  if (recommended === percentiles.trim().split(/\s+/).map(Number).join(" ")) {
    return { ...base, actual, status: "pass", fix: null };
  }
  return {
    ...base,
    actual,
    status: "fail",
    fix: `redis-cli CONFIG SET latency-tracking-info-percentiles "${recommended}"`,
    setting: ["latency-tracking-info-percentiles", recommended],
    advice:
      "INFO latencystats reports no p95 (the guide's Operation Latency metric) for tools that read it; the console's own p95 comes from LATENCY HISTOGRAM either way. The percentiles already set are kept.",
  };
}

function persistenceCheck(facts: ConfigFacts): ConfigCheck {
  const base = {
    id: "persistence" as const,
    title: "Persistence (last background save)",
    expected: "last save ok, and recent enough for the save schedule; AOF writes ok when on",
    fix: null,
  };
  if (facts.persistence === undefined || facts.readAt === undefined) {
    return { ...base, actual: "unknown", status: "unknown", advice: "INFO persistence was not read." };
  }
  const verdict = judgePersistence({ info: facts.persistence, save: facts.save, now: facts.readAt });
  if (verdict.status === "unknown") {
    return { ...base, actual: "unknown", status: "unknown", advice: verdict.judged };
  }
  if (verdict.status === "ok") return { ...base, actual: verdict.basis, status: "pass" };
  return {
    ...base,
    actual: verdict.judged,
    status: "fail",
    advice: `${verdict.problems.join("; ")}. Check disk space and permissions of the dump directory (CONFIG GET dir) and the server log, then run BGSAVE.`,
  };
}

/** The checklist in the guide's order. */
export function checkConfig(facts: ConfigFacts, environment: Environment): ConfigCheck[] {
  return [
    maxmemoryCheck(facts, environment),
    policyCheck(facts),
    saveCheck(facts),
    maxclientsCheck(facts),
    tlsCheck(facts, environment),
    authCheck(facts, environment),
    versionCheck(facts),
    keyspaceEventsCheck(facts),
    latencyTrackingCheck(facts),
    persistenceCheck(facts),
  ];
}

/** The CONFIG SET arguments that bring the failing settable checks to target (the "apply recommended" action). */
export function recommendedSettings(checks: ConfigCheck[], environment: Environment): [string, string][] {
  const out: [string, string][] = [];
  for (const check of checks) {
    if (check.status !== "fail") continue;
    if (check.id === "maxmemory") out.push(["maxmemory", environment === "production" ? "4gb" : "2gb"]);
    if (check.id === "maxmemory-policy") out.push(["maxmemory-policy", RECOMMENDED_POLICY]);
    if (check.id === "save") out.push(["save", RECOMMENDED_SAVE]);
    // The node's own value with the missing flags added.
    if (check.id === "notify-keyspace-events" && check.setting) out.push(check.setting);
    // latency-tracking yes, or the node's own percentiles with 95 added.
    if (check.id === "latency-tracking" && check.setting) out.push(check.setting);
  }
  return out;
}

/** What was read from one server: its checks, or why it could not be read. */
export interface NodeChecks {
  address: string;
  role: "master" | "replica";
  /** null: the server could not be read at all (`error` says why). */
  checks: ConfigCheck[] | null;
  error?: string;
}

function nodeVerdict(node: NodeChecks, id: ConfigCheckId): NodeCheck {
  const check = node.checks?.find((c) => c.id === id);
  if (!check) {
    return {
      address: node.address,
      role: node.role,
      status: "unknown",
      actual: "unknown",
      // The error usually names its node already ("node 10.0.0.3:6379 (replica) is down: ...").
      advice: node.error?.includes(node.address)
        ? node.error
        : `node ${node.address} could not be read: ${node.error ?? "no answer"}`,
    };
  }
  return {
    address: node.address,
    role: node.role,
    status: check.status,
    actual: check.actual,
    ...(check.advice ? { advice: check.advice } : {}),
  };
}

function worst(statuses: CheckStatus[]): CheckStatus {
  if (statuses.includes("fail")) return "fail";
  if (statuses.includes("unknown")) return "unknown";
  return "pass";
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * One value per node -> what the checklist's actual column says: the value alone when every node
 * agrees, else each differing value with the nodes that hold it (the passing majority counted).
 */
function combinedActual(verdicts: NodeCheck[]): string {
  const groups = new Map<string, NodeCheck[]>();
  for (const v of verdicts) {
    const group = groups.get(v.actual);
    if (group) group.push(v);
    else groups.set(v.actual, [v]);
  }
  if (groups.size === 1) {
    const [actual = "unknown"] = groups.keys();
    return verdicts.length > 1 ? `${actual} (all ${verdicts.length} nodes)` : actual;
  }
  const parts: string[] = [];
  const passing: string[] = [];
  for (const [actual, group] of groups) {
    if (group.every((v) => v.status === "pass")) {
      passing.push(`${actual} on ${plural(group.length, "other node", "other nodes")}`);
    } else {
      parts.push(`${actual} on ${group.map((v) => v.address).join(", ")}`);
    }
  }
  return [...parts, ...passing].join("; ");
}

/** The advice of the nodes that do not pass, each naming its nodes unless it holds for all of them. */
function combinedAdvice(verdicts: NodeCheck[]): string | undefined {
  const byAdvice = new Map<string, string[]>();
  for (const v of verdicts) {
    if (v.status === "pass" || !v.advice) continue;
    const nodes = byAdvice.get(v.advice);
    if (nodes) nodes.push(v.address);
    else byAdvice.set(v.advice, [v.address]);
  }
  if (byAdvice.size === 0) return undefined;
  return [...byAdvice]
    .map(([advice, nodes]) =>
      nodes.length === verdicts.length || advice.includes(nodes[0] ?? "\0")
        ? advice
        : `${nodes.join(", ")}: ${advice}`,
    )
    .join(" ");
}

/**
 * The instance's checklist from each server's: a check fails when it fails on any node, is unknown
 * when any node could not tell (CONFIG refused, node unreachable: never counted as compliant), and
 * passes only when it passes everywhere. Each check keeps its per-node verdicts. `nodes` must hold
 * at least one node whose checks were read.
 */
export function combineNodeChecks(nodes: NodeChecks[]): ConfigCheck[] {
  const template = nodes.find((n) => n.checks !== null)?.checks;
  if (!template) throw new Error("no node of the instance could be read");
  return template.map((base) => {
    const verdicts = nodes.map((n) => nodeVerdict(n, base.id));
    const advice = combinedAdvice(verdicts);
    const { advice: _ignored, nodes: _none, setting: _perNode, ...rest } = base;
    return {
      ...rest,
      status: worst(verdicts.map((v) => v.status)),
      actual: combinedActual(verdicts),
      ...(advice ? { advice } : {}),
      nodes: verdicts,
    };
  });
}
