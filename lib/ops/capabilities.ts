// Which console features the instance's configured Redis user may use: per capability the Redis
// commands its features send, each allowed, refused or unknown, with how that was told (the probe
// is lib/redis/capabilities.ts's) and the ACL rule that would grant a refused one; per guarded
// action whether its buttons can work; what a cluster or sentinel deployment changes, in words.
// Answers are cached per instance for a few minutes (globalThis, like the Redis connections).
import "server-only";
import { getConfig, type InstanceConfig } from "@/lib/config";
import {
  labelOf,
  probeRedisUser,
  type ProbeAnswer,
  type ClusterFacts,
  type ProbeContext,
  type SentinelAnswer,
  type UserProbe,
} from "@/lib/redis/capabilities";
import { instanceKind, scansOnReplicas } from "@/lib/redis/connection";
import {
  redisActionPermissions,
  type CapabilitiesResponse,
  type Capability,
  type CapabilityId,
  type CapabilityStatus,
  type CommandCapability,
  type Deployment,
  type PermissionCapability,
  type RedisActionPermission,
} from "@/lib/schemas/capabilities";

/** How long an answer is served from the cache. */
export const CAPABILITIES_MAX_AGE_MS = 3 * 60_000;

interface Need {
  command: string;
  /** What the feature loses without it; absent for required commands. */
  optional?: string;
}

interface CapabilityDef {
  id: CapabilityId;
  title: string;
  role: Capability["role"];
  needs: (ctx: ProbeContext) => Need[];
}

const SCRIPTS = "scans read key metadata with per-key pipelines instead of one script call (slower)";

const CAPABILITIES: CapabilityDef[] = [
  {
    id: "browse",
    title: "Browse and scan keys",
    role: "viewer",
    needs: (ctx) => [
      { command: "ping" },
      { command: "info" },
      { command: "dbsize" },
      { command: "scan" },
      { command: "type" },
      { command: "ttl" },
      { command: "memory|usage", optional: "key sizes are unknown" },
      ...["object|idletime", "object|freq"].map((command) => ({
        command,
        optional: "the review's cache effectiveness (keys read since written) is unknown",
      })),
      ...["strlen", "hlen", "llen", "scard", "zcard", "xlen"].map((command) => ({ command })),
      { command: "script|load", optional: SCRIPTS },
      ...(ctx.redis7 ? ["evalsha_ro", "eval_ro"] : ["evalsha", "eval"]).map((command) => ({
        command,
        optional: SCRIPTS,
      })),
      { command: "client|setname", optional: "the console's connections have no name in CLIENT LIST" },
      ...(ctx.db > 0 ? [{ command: "select" }] : []),
    ],
  },
  {
    id: "values",
    title: "Read values",
    role: "viewer",
    needs: () =>
      ["getrange", "hscan", "sscan", "lrange", "zrange", "xrevrange"].map((command) => ({ command })),
  },
  {
    id: "ops-read",
    title: "Ops reads (clients, slow log, config, latency)",
    role: "viewer",
    needs: () => [
      { command: "client|list" },
      { command: "slowlog|get" },
      { command: "slowlog|len" },
      {
        command: "config|get",
        optional: "config checks fall back to INFO; save and the slow log settings are unknown",
      },
      { command: "latency|latest", optional: "no latency monitor events" },
      {
        command: "subscribe",
        optional:
          "the live TTL watch is off (SUBSCRIBE and the channel pattern &__keyevent@<db>__:*): keys without TTL wait for the next scan",
      },
      {
        command: "latency|histogram",
        optional:
          "per-command latency shows percentiles since the server started (INFO latencystats), not per interval",
      },
      {
        command: "acl|getuser",
        optional:
          "the auth check relies on the console's own credentials instead of the default user's flags",
      },
    ],
  },
  {
    id: "keys-write",
    title: "Fix TTLs and delete keys",
    role: "operator",
    needs: () => [{ command: "expire" }, { command: "unlink" }],
  },
  {
    id: "admin",
    title: "Flush, change config, reset the slow log",
    role: "admin",
    needs: () => [{ command: "flushdb" }, { command: "config|set" }, { command: "slowlog|reset" }],
  },
  {
    id: "cluster",
    title: "Follow the cluster (slot map, cluster state)",
    role: "viewer",
    needs: (ctx) =>
      ctx.kind !== "cluster"
        ? []
        : [
            { command: "cluster|slots" },
            { command: "cluster|info" },
            ...(ctx.scansOnReplicas ? [{ command: "readonly" }] : []),
          ],
  },
];

/** The commands each guarded action sends (lib/actions, lib/ops), for the action buttons. */
const PERMISSION_COMMANDS: Record<RedisActionPermission, string[]> = {
  expire: ["expire"],
  delete: ["unlink"],
  "fix-ttl": ["expire", "scan", "ttl", "info"],
  "delete-pattern": ["unlink", "scan"],
  flushdb: ["flushdb", "dbsize"],
  "config-set": ["config|set", "config|get"],
  "slowlog-reset": ["slowlog|reset"],
};

/** Actions that write keys: limited by the key patterns. */
const KEY_WRITES = new Set<RedisActionPermission>(["expire", "delete", "fix-ttl", "delete-pattern"]);

// ---------------------------------------------------------------- shaping the answer

function statusOf(commands: CommandCapability[]): CapabilityStatus {
  const required = commands.filter((c) => c.optional === undefined);
  if (required.some((c) => c.allowed === false)) return "refused";
  if (required.some((c) => c.allowed === null)) return "unknown";
  return commands.every((c) => c.allowed === true) ? "allowed" : "partial";
}

function permissionOf(
  permission: RedisActionPermission,
  answers: Map<string, ProbeAnswer>,
  user: string,
  outsideWrite: boolean | null,
  namespace: string,
): PermissionCapability {
  const commands = PERMISSION_COMMANDS[permission];
  const of = commands.map((c) => [c, answers.get(c)] as const);
  const refused = of.filter(([, a]) => a?.allowed === false);
  const unknown = of.filter(([, a]) => a === undefined || a.allowed === null);
  const aclRules = [...new Set(refused.map(([, a]) => a?.aclRule).filter((r): r is string => !!r))];
  const labels = commands.map(labelOf).join(", ");
  if (refused.length > 0) {
    // "may not run EXPIRE, UNLINK" for command refusals; key patterns, replicas and renamed commands say why.
    const denied = refused.filter(([, a]) => a?.aclRule?.startsWith("+")).map(([c]) => labelOf(c));
    const other = refused
      .filter(([, a]) => !a?.aclRule?.startsWith("+"))
      .map(([c, a]) => `${labelOf(c)}: ${a?.reason}`);
    const why = [...(denied.length > 0 ? [`may not run ${denied.join(", ")}`] : []), ...other].join("; ");
    const grant = aclRules.length > 0 ? ` (ACL rule ${aclRules.join(" ")})` : "";
    return { allowed: false, reason: `Redis user ${user} ${why}${grant}`, commands, aclRules };
  }
  if (unknown.length > 0) {
    const why = unknown.map(([c, a]) => `${labelOf(c)}: ${a?.reason ?? "not probed"}`).join("; ");
    return {
      allowed: null,
      reason: `Not known whether Redis user ${user} may do this: ${why}`,
      commands,
      aclRules,
    };
  }
  const scope =
    KEY_WRITES.has(permission) && outsideWrite === false
      ? `, on keys under ${namespace} only (its key patterns)`
      : "";
  return { allowed: true, reason: `Redis user ${user} may run ${labels}${scope}`, commands, aclRules };
}

function keysNote(
  inside: { read: boolean | null },
  outside: { read: boolean | null; write: boolean | null },
  ns: string,
) {
  if (inside.read === false) return `the user's key patterns do not cover keys under ${ns}: grant ~${ns}*`;
  if (outside.read === false)
    return `keys outside ${ns} (foreign keys) cannot be read: scans and the key browser show them as unknown`;
  if (outside.write === false) return `keys outside ${ns} can be read but not changed`;
  return undefined;
}

async function probeCapabilities(instance: InstanceConfig, now: () => Date): Promise<CapabilitiesResponse> {
  const { namespace } = getConfig().policy;
  const probe = await probeRedisUser(instance, namespace, (ctx) => [
    ...CAPABILITIES.flatMap((def) => def.needs(ctx).map((need) => need.command)),
    ...Object.values(PERMISSION_COMMANDS).flat(),
  ]);
  const { answers, ctx, user } = probe;
  const coverage = (a: ProbeAnswer | undefined) =>
    a?.allowed === true ? true : a?.aclRule?.includes("~") ? false : null;
  const keys = {
    namespace,
    probeKey: ctx.probeKey,
    inside: { read: coverage(answers.get("ttl")), write: coverage(answers.get("expire")) },
    outside: { read: coverage(probe.outside.read), write: coverage(probe.outside.write) },
  };
  // A read-only replica refuses the write whatever the patterns say: that tells nothing about them.
  if (probe.replicaRefusesWrites) {
    keys.inside.write = null;
    keys.outside.write = null;
  }
  const note = keysNote(keys.inside, keys.outside, namespace);

  const capabilities: Capability[] = CAPABILITIES.filter((def) => def.needs(ctx).length > 0).map((def) => {
    const commands = def.needs(ctx).map((need): CommandCapability => {
      const answer = answers.get(need.command) as ProbeAnswer;
      return {
        command: need.command,
        label: labelOf(need.command),
        ...answer,
        ...(need.optional ? { optional: need.optional } : {}),
      };
    });
    return { id: def.id, title: def.title, role: def.role, status: statusOf(commands), commands };
  });
  const permissions = Object.fromEntries(
    redisActionPermissions.map((p) => [p, permissionOf(p, answers, user, keys.outside.write, namespace)]),
  ) as Record<RedisActionPermission, PermissionCapability>;
  return {
    id: instance.id,
    user,
    userSource: probe.userSource,
    redisVersion: probe.server.version,
    replica: { role: probe.server.role, readOnly: probe.server.readOnly },
    methods: probe.methods,
    methodNotes: probe.methodNotes,
    keys: note ? { ...keys, note } : keys,
    capabilities,
    permissions,
    checkedAt: now().toISOString(),
    maxAgeSeconds: CAPABILITIES_MAX_AGE_MS / 1000,
    deployment: deploymentOf(instance, probe),
  };
}

// ---------------------------------------------------------------- what the deployment changes

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** What a cluster changes for the console's features, in words. */
function clusterDeployment(instance: InstanceConfig, probe: UserProbe, cluster: ClusterFacts): Deployment {
  const { db, answers, probedNode } = probe;
  const kind = "cluster" as const;
  const masters = cluster.masters !== null ? plural(cluster.masters, "master", "masters") : "masters";
  const replicas = scansOnReplicas(instance);
  const notes = [
    `SCAN and DBSIZE run on each of the ${masters}${replicas ? " (on a replica of each, with READONLY)" : ""}; key commands go to the node that serves the key's slot.`,
    "FLUSHDB empties every master: the confirmation and the audit entry count the nodes and keys.",
    db > 0
      ? `The instance URL names database ${db}, but a cluster has database 0 only (no SELECT).`
      : "Database 0 only: a cluster has no SELECT.",
    "Commands and scripts over keys of several slots are refused (CROSSSLOT): key batches are sent per node.",
    `ACL users are set on each node (Redis Cluster does not copy them): these answers are node ${probedNode ?? "?"}'s; every node needs the same user.`,
    cluster.clusterInfo
      ? `CLUSTER INFO is readable: cluster_state ${cluster.state ?? "?"}${cluster.knownNodes !== null ? `, ${plural(cluster.knownNodes, "node", "nodes")} known` : ""}.`
      : `CLUSTER INFO is refused (${cluster.reason ?? "no answer"}): the cluster state cannot be shown or alerted on; grant +cluster|info.`,
  ];
  if (answers.get("cluster|slots")?.allowed === false)
    notes.push("CLUSTER SLOTS is refused: the console cannot learn the slot map (grant +cluster|slots).");
  return { kind, probedNode, notes, cluster };
}

function sentinelDeployment(
  instance: InstanceConfig,
  probe: UserProbe,
  sentinels: SentinelAnswer[],
): Deployment {
  const { probedNode } = probe;
  const kind = "sentinel" as const;
  const answered = sentinels.filter((s) => s.answered).length;
  const masters = new Set(sentinels.flatMap((s) => (s.master ? [s.master] : [])));
  const notes = [
    `The console finds the master through the sentinels (master name ${instance.sentinel?.masterName ?? "?"}) and follows a failover; these answers are the current master's (${probedNode ?? "?"}).`,
    answered === sentinels.length
      ? `All ${plural(sentinels.length, "sentinel answers", "sentinels answer")} SENTINEL MASTER with the configured sentinel credentials.`
      : answered === 0
        ? "No sentinel answers SENTINEL MASTER with the configured sentinel credentials: after a failover the console cannot find the new master."
        : `${answered} of ${sentinels.length} sentinels answer SENTINEL MASTER; the others: ${sentinels
            .filter((s) => !s.answered)
            .map((s) => `${s.address} ${s.reason}`)
            .join("; ")}.`,
    ...(masters.size > 1 ? [`The sentinels disagree on the master: ${[...masters].join(", ")}.`] : []),
  ];
  return { kind, probedNode, notes, sentinels };
}

/** What a cluster or sentinel deployment changes for the console's features, in words. */
function deploymentOf(instance: InstanceConfig, probe: UserProbe): Deployment {
  const kind = instanceKind(instance);
  if (kind === "cluster" && probe.cluster) return clusterDeployment(instance, probe, probe.cluster);
  if (kind === "sentinel" && probe.sentinels) return sentinelDeployment(instance, probe, probe.sentinels);
  return { kind, probedNode: probe.probedNode, notes: [] };
}

// ---------------------------------------------------------------- cache

interface Entry {
  instance: InstanceConfig;
  /** When the probe finished; undefined while it runs. */
  at?: number;
  promise: Promise<CapabilitiesResponse>;
}

const registry = globalThis as typeof globalThis & { __islRedisCapabilities?: Map<string, Entry> };
const cache: Map<string, Entry> = (registry.__islRedisCapabilities ??= new Map());

/**
 * What the instance's Redis user may do, probed at most every few minutes (`refresh` probes again;
 * a probe already running is shared). A failure (unreachable, wrong password) is not cached.
 */
export function redisCapabilities(
  instance: InstanceConfig,
  { refresh = false, now = () => new Date() }: { refresh?: boolean; now?: () => Date } = {},
): Promise<CapabilitiesResponse> {
  const cached = cache.get(instance.id);
  // Only for the same configuration object: a reloaded config (another URL or password) probes again.
  if (cached && cached.instance === instance) {
    if (cached.at === undefined) return cached.promise;
    if (!refresh && now().getTime() - cached.at < CAPABILITIES_MAX_AGE_MS) return cached.promise;
  }
  const entry: Entry = { instance, promise: probeCapabilities(instance, now) };
  cache.set(instance.id, entry);
  entry.promise.then(
    () => {
      entry.at = now().getTime();
    },
    () => {
      if (cache.get(instance.id) === entry) cache.delete(instance.id);
    },
  );
  return entry.promise;
}

/** Forgets every cached answer (tests). */
export function clearCapabilitiesCache(): void {
  cache.clear();
}
