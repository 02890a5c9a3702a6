// Which console features the instance's configured Redis user may use: per capability the Redis
// commands its features send, each allowed, refused or unknown, with how that was told and the ACL
// rule that would grant a refused one. Nothing is ever changed to find out:
//   1. ACL DRYRUN <user> <command> (Redis 7) when the user may run it;
//   2. else a MULTI queue probe on a connection of its own: Redis checks ACLs while queueing, so
//      MULTI, then the command (QUEUED or NOPERM), then DISCARD, and nothing runs. The command is
//      sent only after MULTI answered OK, never pipelined with it;
//   3. else, for reads only, a direct call on a probe key that never exists under the namespace;
//   4. else null, with the reason.
// Key-based commands are probed with a key under the policy's namespace, so `~isl:*` users answer
// for the keys the console cares about; one extra probe tells whether keys outside it are covered.
// Answers are cached per instance for a few minutes (globalThis, like client.ts's connections).
// On a cluster the probe runs on one node (ACL users are per node; the answer says which) and adds
// what cluster mode changes; on a sentinel instance it runs on the current master and asks every
// sentinel for the master with the sentinels' own credentials.
import "server-only";
import type Redis from "ioredis";
import { getConfig, type InstanceConfig } from "@/lib/config";
import {
  redisActionPermissions,
  type CapabilitiesResponse,
  type Capability,
  type CapabilityId,
  type CapabilityStatus,
  type CommandCapability,
  type Deployment,
  type PermissionCapability,
  type ProbeMethod,
  type RedisActionPermission,
} from "@/lib/schemas/capabilities";
import {
  connectionOptions,
  instanceKind,
  scansOnReplicas,
  sentinelConnection,
  withOwnConnection,
} from "./client";
import { classifyRedisError, describeRedisError } from "./errors";
import { parseInfo } from "./info";

/** How long an answer is served from the cache. */
export const CAPABILITIES_MAX_AGE_MS = 3 * 60_000;

/** The probe key's name under the namespace ("isl:isl-console-probe"); the console never writes it. */
export const PROBE_KEY_NAME = "isl-console-probe";

interface ProbeContext {
  probeKey: string;
  db: number;
  redis7: boolean;
  kind: "standalone" | "cluster" | "sentinel";
  /** Scans (cluster: READONLY connections) read replicas. */
  scansOnReplicas: boolean;
}

interface CommandSpec {
  argv: (key: string, ctx: ProbeContext) => string[];
  /** Sent outside MULTI it would change data, settings or the script cache: never sent directly. */
  changes?: true;
  /** A write: a read-only replica refuses it whatever the ACL says. */
  write?: true;
  /** Only ACL DRYRUN can tell: queued in MULTI the client would wait for subscription replies. */
  dryrunOnly?: true;
}

const onKey =
  (command: string, ...rest: string[]) =>
  (key: string): string[] => [command, key, ...rest];

/** Every command the console's features send, with a harmless form to probe it by. */
const SPECS: Record<string, CommandSpec> = {
  ping: { argv: () => ["PING"] },
  info: { argv: () => ["INFO", "server"] },
  // The probe connection already carries this name: setting it again changes nothing.
  "client|setname": { argv: () => ["CLIENT", "SETNAME", "isl-console-probe"] },
  select: { argv: (_k, ctx) => ["SELECT", String(ctx.db)] },
  dbsize: { argv: () => ["DBSIZE"] },
  scan: { argv: (key) => ["SCAN", "0", "MATCH", key, "COUNT", "1"] },
  type: { argv: onKey("TYPE") },
  ttl: { argv: onKey("TTL") },
  "memory|usage": { argv: (key) => ["MEMORY", "USAGE", key, "SAMPLES", "0"] },
  "object|idletime": { argv: (key) => ["OBJECT", "IDLETIME", key] },
  "object|freq": { argv: (key) => ["OBJECT", "FREQ", key] },
  strlen: { argv: onKey("STRLEN") },
  hlen: { argv: onKey("HLEN") },
  llen: { argv: onKey("LLEN") },
  scard: { argv: onKey("SCARD") },
  zcard: { argv: onKey("ZCARD") },
  xlen: { argv: onKey("XLEN") },
  "script|load": { argv: () => ["SCRIPT", "LOAD", "return 0"], changes: true },
  // ACLs are checked before the script is looked up: NOSCRIPT means allowed.
  evalsha_ro: { argv: (key) => ["EVALSHA_RO", "0".repeat(40), "1", key] },
  eval_ro: { argv: (key) => ["EVAL_RO", "return 0", "1", key], changes: true },
  evalsha: { argv: (key) => ["EVALSHA", "0".repeat(40), "1", key] },
  eval: { argv: (key) => ["EVAL", "return 0", "1", key], changes: true },
  getrange: { argv: onKey("GETRANGE", "0", "0") },
  hscan: { argv: onKey("HSCAN", "0", "COUNT", "1") },
  sscan: { argv: onKey("SSCAN", "0", "COUNT", "1") },
  lrange: { argv: onKey("LRANGE", "0", "0") },
  zrange: { argv: onKey("ZRANGE", "0", "0", "WITHSCORES") },
  xrevrange: { argv: onKey("XREVRANGE", "+", "-", "COUNT", "1") },
  "client|list": { argv: () => ["CLIENT", "LIST", "TYPE", "pubsub"] },
  "slowlog|get": { argv: () => ["SLOWLOG", "GET", "0"] },
  "slowlog|len": { argv: () => ["SLOWLOG", "LEN"] },
  "config|get": { argv: () => ["CONFIG", "GET", "maxmemory"] },
  "latency|latest": { argv: () => ["LATENCY", "LATEST"] },
  // Would turn the probe connection into a subscriber: only ever queued (the ACL checks the channel too).
  psubscribe: {
    argv: (_k, ctx) => ["PSUBSCRIBE", `__keyevent@${ctx.db}__:*`],
    changes: true,
    dryrunOnly: true,
  },
  "latency|histogram": { argv: () => ["LATENCY", "HISTOGRAM", "get"] },
  "acl|getuser": { argv: () => ["ACL", "GETUSER", "isl-console-probe"] },
  expire: { argv: onKey("EXPIRE", "1"), changes: true, write: true },
  unlink: { argv: onKey("UNLINK"), changes: true, write: true },
  flushdb: { argv: () => ["FLUSHDB", "ASYNC"], changes: true, write: true },
  "config|set": { argv: () => ["CONFIG", "SET", "slowlog-max-len", "128"], changes: true },
  "slowlog|reset": { argv: () => ["SLOWLOG", "RESET"], changes: true },
  "cluster|slots": { argv: () => ["CLUSTER", "SLOTS"] },
  "cluster|info": { argv: () => ["CLUSTER", "INFO"] },
  // Only changes the probe connection's own state (closed afterwards).
  readonly: { argv: () => ["READONLY"] },
};

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
        command: "psubscribe",
        optional:
          "the live TTL watch is off (PSUBSCRIBE and the channel &__keyevent@<db>__:*): keys without TTL wait for the next scan",
      },
      {
        command: "latency|histogram",
        optional: "per-command latency shows percentiles since the server started (INFO latencystats), not per interval",
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

export const labelOf = (command: string): string => command.toUpperCase().replace("|", " ");

// ---------------------------------------------------------------- answers

interface Answer {
  allowed: boolean | null;
  via: ProbeMethod | null;
  reason: string;
  aclRule: string | null;
}

/** A method that could not tell (an arity error, OOM while queueing): the next method is tried. */
interface NoAnswer {
  note: string;
}

const isAnswer = (a: Answer | NoAnswer): a is Answer => "allowed" in a;

function keyRule(key: string, namespace: string, write: boolean): string {
  if (key.startsWith(namespace)) return `~${namespace}*`;
  return write ? "~*" : "%R~*";
}

/** Reads a refusal as Redis words it (NOPERM reply or ACL DRYRUN text). */
function refusal(
  text: string,
  key: string,
  ctx: { namespace: string; spec: CommandSpec; cluster?: boolean },
  via: ProbeMethod,
): Answer {
  const command = /'([^']+)' command/.exec(text)?.[1]?.toLowerCase();
  if (command) {
    return {
      allowed: false,
      via,
      reason: `the user may not run ${labelOf(command)}`,
      aclRule: `+${command}`,
    };
  }
  return {
    allowed: false,
    via,
    reason: `the user's key patterns do not cover ${key}`,
    aclRule: keyRule(key, ctx.namespace, ctx.spec.write === true || ctx.spec.changes === true),
  };
}

function fromError(
  err: unknown,
  label: string,
  key: string,
  ctx: { namespace: string; spec: CommandSpec; cluster?: boolean },
  via: ProbeMethod,
): Answer | NoAnswer {
  const classified = classifyRedisError(err, { command: label.toLowerCase() });
  if (!classified) throw err;
  // A cluster node redirects a key it does not serve, and a replica refuses a write, only after the
  // ACL check passed (a cluster sends writes to the masters whichever node was probed).
  if (
    classified.code === "MOVED" ||
    classified.code === "ASK" ||
    (ctx.cluster && classified.kind === "readonly")
  ) {
    return {
      allowed: true,
      via,
      reason: `${via === "multi" ? "MULTI probe" : "direct probe"}: passed the ACL check (${classified.kind === "readonly" ? "the probed node is a replica" : `${key} lives on another cluster node`})`,
      aclRule: null,
    };
  }
  switch (classified.kind) {
    case "permission":
      return refusal(classified.raw, key, ctx, via);
    case "unsupported":
      return {
        allowed: false,
        via,
        reason: `Redis does not offer ${label} here (disabled or renamed)`,
        aclRule: null,
      };
    case "readonly":
      return {
        allowed: false,
        via,
        reason: "the instance is a read-only replica: Redis refuses writes",
        aclRule: null,
      };
    case "unreachable":
    case "timeout":
    case "auth":
      throw classified;
    default:
      return { note: `${label}: Redis answered "${classified.raw}"` };
  }
}

// ---------------------------------------------------------------- the prober

class Prober {
  /** The user ACL DRYRUN may be asked about; undefined when it may not be used. */
  dryrunUser?: string;
  /** "maybe" until the first MULTI answered. */
  multi: "maybe" | "yes" | "no" = "maybe";
  readonly notes: string[] = [];
  readonly used = new Set<ProbeMethod>();
  /** Set when the connection's state is not known: no command is sent any more. */
  stopped?: string;

  constructor(
    private readonly redis: Redis,
    private readonly ctx: ProbeContext,
    private readonly namespace: string,
  ) {}

  async answer(command: string, key = this.ctx.probeKey): Promise<Answer> {
    const spec = SPECS[command];
    if (!spec) throw new Error(`no probe for ${command}`);
    const argv = spec.argv(key, this.ctx);
    const label = labelOf(command);
    const ctx = { namespace: this.namespace, spec, cluster: this.ctx.kind === "cluster" };
    const tried: string[] = [];
    const attempts: [ProbeMethod, () => Promise<Answer | NoAnswer>][] = [
      ["acl-dryrun", () => this.dryrun(argv, label, key, ctx)],
      ["multi", () => this.queued(argv, label, key, ctx)],
      ["direct", () => this.direct(argv, label, key, ctx)],
    ];
    for (const [method, attempt] of attempts) {
      if (this.stopped) return { allowed: null, via: null, reason: this.stopped, aclRule: null };
      if (method === "acl-dryrun" && this.dryrunUser === undefined) continue;
      if (method === "multi" && (this.multi === "no" || spec.dryrunOnly)) continue;
      if (method === "direct" && spec.changes) continue;
      const result = await attempt();
      if (isAnswer(result)) {
        this.used.add(method);
        return result;
      }
      tried.push(result.note);
    }
    return { allowed: null, via: null, reason: this.unknownReason(label, spec, tried), aclRule: null };
  }

  private unknownReason(label: string, spec: CommandSpec, tried: string[]): string {
    if (tried.length > 0) return `could not be told: ${tried.join("; ")}`;
    const without = [
      this.dryrunUser === undefined ? "ACL DRYRUN" : undefined,
      this.multi === "no" ? "MULTI" : undefined,
    ].filter(Boolean);
    const what = spec.changes ? `${label} cannot be tried without effect` : `${label} could not be tried`;
    return `${what} and the user may not run ${without.join(" or ")}`;
  }

  private async dryrun(
    argv: string[],
    label: string,
    key: string,
    ctx: { namespace: string; spec: CommandSpec; cluster?: boolean },
  ): Promise<Answer | NoAnswer> {
    let reply: unknown;
    try {
      reply = await this.redis.call("ACL", "DRYRUN", this.dryrunUser as string, ...argv);
    } catch (err) {
      const raw = err instanceof Error ? err.message : String(err);
      if (/Command '[^']+' not found/i.test(raw))
        return {
          allowed: false,
          via: "acl-dryrun",
          reason: `Redis does not offer ${label} here (disabled or renamed)`,
          aclRule: null,
        };
      return fromError(err, label, key, ctx, "acl-dryrun");
    }
    const text = String(reply);
    if (text === "OK")
      return { allowed: true, via: "acl-dryrun", reason: "ACL DRYRUN: allowed", aclRule: null };
    if (/no permissions/i.test(text)) return refusal(text, key, ctx, "acl-dryrun");
    return { note: `ACL DRYRUN answered "${text}"` };
  }

  /**
   * MULTI, the command, DISCARD. The command goes out only after MULTI answered OK. When MULTI or
   * DISCARD does not answer OK the connection's state is not known: nothing more is sent on it
   * (it is closed afterwards, which drops anything queued).
   */
  private async queued(
    argv: string[],
    label: string,
    key: string,
    ctx: { namespace: string; spec: CommandSpec; cluster?: boolean },
  ): Promise<Answer | NoAnswer> {
    const notOpened = await this.openMulti();
    if (notOpened) return notOpened;
    let reply: unknown;
    let failure: unknown;
    try {
      reply = await this.redis.call(argv[0] as string, ...argv.slice(1));
    } catch (err) {
      failure = err;
    }
    const notDiscarded = await this.discard();
    if (notDiscarded) return notDiscarded;
    if (failure !== undefined) return fromError(failure, label, key, ctx, "multi");
    if (reply === "QUEUED")
      return { allowed: true, via: "multi", reason: "MULTI probe: queued (then discarded)", aclRule: null };
    return { note: `MULTI probe: ${label} answered ${String(reply)}` };
  }

  /** MULTI; undefined once it answered OK, else why the probe cannot go on. */
  private async openMulti(): Promise<NoAnswer | undefined> {
    let opened: unknown;
    try {
      opened = await this.redis.call("MULTI");
    } catch (err) {
      const classified = classifyRedisError(err, { command: "multi" });
      if (classified?.kind === "permission" || classified?.kind === "unsupported") {
        this.multi = "no";
        this.notes.push("the user may not run MULTI (+multi)");
        return { note: "MULTI refused" };
      }
      // No answer in time: MULTI may still open a transaction; nothing else goes on this connection.
      this.stop(`MULTI failed (${classified?.message ?? String(err)})`);
      if (!classified || classified.transient || classified.kind === "auth") throw classified ?? err;
      return { note: "MULTI failed" };
    }
    if (opened !== "OK") {
      this.stop(`MULTI answered ${String(opened)}`);
      return { note: "MULTI did not answer OK" };
    }
    this.multi = "yes";
    return undefined;
  }

  /** DISCARD; undefined once it answered OK, else why the probe cannot go on. */
  private async discard(): Promise<NoAnswer | undefined> {
    let discarded: unknown;
    try {
      discarded = await this.redis.call("DISCARD");
    } catch (err) {
      const classified = classifyRedisError(err, { command: "discard" });
      this.stop(`DISCARD failed (${classified?.message ?? String(err)})`);
      // A lost connection or a stalled Redis is the answer (503), not a list of unknowns.
      if (!classified || classified.transient || classified.kind === "auth") throw classified ?? err;
      return { note: "DISCARD failed" };
    }
    if (discarded === "OK") return undefined;
    this.stop(`DISCARD answered ${String(discarded)}`);
    return { note: "DISCARD did not answer OK" };
  }

  /** Nothing more is sent on this connection; what is left is answered unknown with this reason. */
  private stop(why: string): void {
    this.stopped ??= `probe stopped: ${why}`;
  }

  private async direct(
    argv: string[],
    label: string,
    key: string,
    ctx: { namespace: string; spec: CommandSpec; cluster?: boolean },
  ): Promise<Answer | NoAnswer> {
    try {
      await this.redis.call(argv[0] as string, ...argv.slice(1));
      return { allowed: true, via: "direct", reason: `direct probe on ${key}: allowed`, aclRule: null };
    } catch (err) {
      const classified = classifyRedisError(err, { command: label.toLowerCase() });
      // Past the ACL check: the script is not cached, or the key holds another type.
      if (classified?.kind === "script" || classified?.kind === "wrong_type")
        return { allowed: true, via: "direct", reason: `direct probe on ${key}: allowed`, aclRule: null };
      return fromError(err, label, key, ctx, "direct");
    }
  }

  /** ACL DRYRUN is usable when asking about a harmless command answers at all (OK or a refusal). */
  async setUpDryrun(user: string): Promise<void> {
    try {
      const reply = String(await this.redis.call("ACL", "DRYRUN", user, "PING"));
      if (reply === "OK" || /no permissions/i.test(reply)) {
        this.dryrunUser = user;
        return;
      }
      this.notes.push(`ACL DRYRUN answered "${reply}"`);
    } catch (err) {
      const classified = classifyRedisError(err, { command: "acl|dryrun" });
      if (!classified || classified.transient || classified.kind === "auth") throw classified ?? err;
      this.notes.push(
        classified.kind === "permission"
          ? "the user may not run ACL DRYRUN (+acl|dryrun)"
          : `ACL DRYRUN is not available (${classified.raw})`,
      );
    }
  }

  /** MULTI is only safe to use when DISCARD is allowed: outside MULTI it answers an error either way. */
  async setUpMulti(): Promise<void> {
    try {
      await this.redis.call("DISCARD");
      // DISCARD answered OK: a transaction was open on this fresh connection, which cannot be.
      this.multi = "no";
      this.notes.push("DISCARD answered OK outside MULTI: the MULTI probe is not used");
    } catch (err) {
      const classified = classifyRedisError(err, { command: "discard" });
      if (!classified || classified.transient || classified.kind === "auth") throw classified ?? err;
      if (/without MULTI/i.test(classified.raw)) return;
      this.multi = "no";
      this.notes.push(
        classified.kind === "permission"
          ? "the user may not run DISCARD (+discard), so the MULTI probe is not used"
          : `the MULTI probe is not used (${classified.raw})`,
      );
    }
  }
}

// ---------------------------------------------------------------- facts about the server

interface ServerFacts {
  version: string | null;
  role: "master" | "replica" | null;
  readOnly: boolean | null;
}

async function serverFacts(redis: Redis): Promise<ServerFacts> {
  const section = async (name: string) => {
    try {
      return parseInfo(String(await redis.call("INFO", name)))[name];
    } catch (err) {
      const classified = classifyRedisError(err);
      if (classified && !classified.transient && classified.kind !== "auth") return undefined;
      throw classified ?? err;
    }
  };
  const server = await section("server");
  const replication = await section("replication");
  const role = replication?.role;
  return {
    version: server?.redis_version ?? null,
    role: role === "master" ? "master" : role === "slave" ? "replica" : null,
    readOnly: role === undefined ? null : role === "slave" && replication?.slave_read_only !== "0",
  };
}

async function whoAmI(
  redis: Redis,
  instance: InstanceConfig,
): Promise<{ user: string; source: "whoami" | "url" }> {
  try {
    return { user: String(await redis.call("ACL", "WHOAMI")), source: "whoami" };
  } catch (err) {
    const classified = classifyRedisError(err);
    if (!classified || classified.transient || classified.kind === "auth") throw classified ?? err;
    return { user: connectionOptions(instance).username ?? "default", source: "url" };
  }
}

// ---------------------------------------------------------------- shaping the answer

function statusOf(commands: CommandCapability[]): CapabilityStatus {
  const required = commands.filter((c) => c.optional === undefined);
  if (required.some((c) => c.allowed === false)) return "refused";
  if (required.some((c) => c.allowed === null)) return "unknown";
  return commands.every((c) => c.allowed === true) ? "allowed" : "partial";
}

function permissionOf(
  permission: RedisActionPermission,
  answers: Map<string, Answer>,
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
  const probeKey = `${namespace}${PROBE_KEY_NAME}`;
  const outsideKey = PROBE_KEY_NAME.startsWith(namespace) ? `~${PROBE_KEY_NAME}` : PROBE_KEY_NAME;
  const db = connectionOptions(instance).db ?? 0;
  const kind = instanceKind(instance);
  return withOwnConnection(instance, async (redis) => {
    const { user, source } = await whoAmI(redis, instance);
    const facts = await serverFacts(redis);
    const major = facts.version ? Number(facts.version.split(".")[0]) : 7;
    const ctx: ProbeContext = {
      probeKey,
      db: kind === "cluster" ? 0 : db,
      redis7: major >= 7,
      kind,
      scansOnReplicas: kind === "cluster" && scansOnReplicas(instance),
    };
    // A cluster sends writes to the masters whichever node was probed: a replica's READONLY says nothing.
    const replicaRefusesWrites = facts.readOnly === true && kind !== "cluster";
    const prober = new Prober(redis, ctx, namespace);
    await prober.setUpDryrun(user);
    await prober.setUpMulti();

    const wanted = new Set<string>();
    for (const def of CAPABILITIES) for (const need of def.needs(ctx)) wanted.add(need.command);
    for (const commands of Object.values(PERMISSION_COMMANDS)) for (const c of commands) wanted.add(c);
    const answers = new Map<string, Answer>();
    for (const command of wanted) {
      let answer = await prober.answer(command);
      if (SPECS[command]?.write && replicaRefusesWrites && answer.allowed !== false) {
        answer = {
          ...answer,
          allowed: false,
          reason: "the instance is a read-only replica: Redis refuses writes",
          aclRule: null,
        };
      }
      answers.set(command, answer);
    }
    const outsideRead = await prober.answer("ttl", outsideKey);
    const outsideWrite = await prober.answer("expire", outsideKey);
    const coverage = (a: Answer | undefined) =>
      a?.allowed === true ? true : a?.aclRule?.includes("~") ? false : null;
    const keys = {
      namespace,
      probeKey,
      inside: { read: coverage(answers.get("ttl")), write: coverage(answers.get("expire")) },
      outside: { read: coverage(outsideRead), write: coverage(outsideWrite) },
    };
    // A read-only replica refuses the write whatever the patterns say: that tells nothing about them.
    if (replicaRefusesWrites) {
      keys.inside.write = null;
      keys.outside.write = null;
    }
    const note = keysNote(keys.inside, keys.outside, namespace);

    const capabilities: Capability[] = CAPABILITIES.filter((def) => def.needs(ctx).length > 0).map((def) => {
      const commands = def.needs(ctx).map((need): CommandCapability => {
        const answer = answers.get(need.command) as Answer;
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
    const order: ProbeMethod[] = ["acl-dryrun", "multi", "direct"];
    const deployment = await deploymentOf(instance, redis, { db, answers });
    return {
      id: instance.id,
      user,
      userSource: source,
      redisVersion: facts.version,
      replica: { role: facts.role, readOnly: facts.readOnly },
      methods: order.filter((m) => prober.used.has(m)),
      methodNotes: prober.notes,
      keys: note ? { ...keys, note } : keys,
      capabilities,
      permissions,
      checkedAt: now().toISOString(),
      maxAgeSeconds: CAPABILITIES_MAX_AGE_MS / 1000,
      deployment,
    };
  });
}

// ---------------------------------------------------------------- what the deployment changes

/** The server a connection went to (a sentinel-managed one resolves the master itself). */
function probedAddress(redis: Redis): string | null {
  const stream = redis.stream as { remoteAddress?: string; remotePort?: number } | undefined;
  if (stream?.remoteAddress && stream.remotePort) return `${stream.remoteAddress}:${stream.remotePort}`;
  return redis.options.host ? `${redis.options.host}:${redis.options.port ?? 6379}` : null;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** CLUSTER INFO on the probe's node: readable, and what it says; a refusal is said, not thrown. */
async function clusterFacts(redis: Redis): Promise<NonNullable<Deployment["cluster"]>> {
  try {
    const fields = parseInfo(String(await redis.call("CLUSTER", "INFO"))).default ?? {};
    const n = (name: string) => (fields[name] === undefined ? null : Number(fields[name]));
    return {
      clusterInfo: true,
      state: fields.cluster_state ?? null,
      masters: n("cluster_size"),
      knownNodes: n("cluster_known_nodes"),
    };
  } catch (err) {
    const classified = classifyRedisError(err, { command: "cluster|info" });
    if (!classified || classified.transient || classified.kind === "auth") throw classified ?? err;
    return { clusterInfo: false, state: null, masters: null, knownNodes: null, reason: classified.message };
  }
}

/** SENTINEL MASTER <name> on every configured sentinel, with the sentinels' own credentials. */
async function sentinelAnswers(instance: InstanceConfig): Promise<NonNullable<Deployment["sentinels"]>> {
  const sentinel = instance.sentinel;
  if (!sentinel) return [];
  return Promise.all(
    sentinel.addresses.map(async ({ host, port }) => {
      const address = `${host}:${port}`;
      try {
        const reply = await sentinelConnection(instance, { host, port }).call(
          "SENTINEL",
          "MASTER",
          sentinel.masterName,
        );
        const fields: Record<string, string> = {};
        if (Array.isArray(reply))
          for (let i = 0; i + 1 < reply.length; i += 2) fields[String(reply[i])] = String(reply[i + 1]);
        const master = fields.ip && fields.port ? `${fields.ip}:${fields.port}` : null;
        const flags = fields.flags ?? null;
        const down = flags !== null && /s_down|o_down/.test(flags);
        return {
          address,
          answered: true,
          master,
          flags,
          reason: down ? `names master ${master ?? "?"}, flagged ${flags}` : `names master ${master ?? "?"}`,
        };
      } catch (err) {
        const classified = classifyRedisError(err, { command: "sentinel|master" });
        const why =
          classified?.kind === "auth"
            ? "refused the sentinel credentials (sentinel username / password)"
            : describeRedisError(err);
        return { address, answered: false, master: null, flags: null, reason: why };
      }
    }),
  );
}

/** What a cluster or sentinel deployment changes for the console's features, in words. */
async function deploymentOf(
  instance: InstanceConfig,
  redis: Redis,
  { db, answers }: { db: number; answers: Map<string, Answer> },
): Promise<Deployment> {
  const kind = instanceKind(instance);
  const probedNode = probedAddress(redis);
  if (kind === "cluster") {
    const cluster = await clusterFacts(redis);
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
  if (kind === "sentinel") {
    const sentinels = await sentinelAnswers(instance);
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
  return { kind, probedNode, notes: [] };
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
