// What the instance's configured Redis user may run, asked of Redis without changing anything:
//   1. ACL DRYRUN <user> <command> (Redis 7) when the user may run it;
//   2. else a MULTI queue probe on a connection of its own: Redis checks ACLs while queueing, so
//      MULTI, then the command (QUEUED or NOPERM), then DISCARD, and nothing runs. The command is
//      sent only after MULTI answered OK, never pipelined with it;
//   3. else, for reads only, a direct call on a probe key that never exists under the namespace;
//   4. else null, with the reason.
// Key-based commands are probed with a key under the policy's namespace, so `~isl:*` users answer
// for the keys the console cares about; two extra probes tell whether keys outside it are covered.
// On a cluster the probe runs on one node (ACL users are per node) and reads CLUSTER INFO; on a
// sentinel instance it runs on the current master and asks every sentinel for the master with the
// sentinels' own credentials. Which features these answers allow is lib/ops/capabilities.ts's.
import "server-only";
import type Redis from "ioredis";
import type { InstanceConfig } from "@/lib/config";
import {
  connectionOptions,
  instanceKind,
  scansOnReplicas,
  sentinelConnection,
  withOwnConnection,
} from "./connection";
import { classifyRedisError, describeRedisError } from "./errors";
import { parseInfo } from "./info";

/** How a command's answer was found. */
export type ProbeMethod = "acl-dryrun" | "multi" | "direct";

/** The probe key's name under the namespace ("isl:isl-console-probe"); the console never writes it. */
export const PROBE_KEY_NAME = "isl-console-probe";

export interface ProbeContext {
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
  subscribe: {
    argv: (_k, ctx) => ["SUBSCRIBE", `__keyevent@${ctx.db}__:set`],
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

export const labelOf = (command: string): string => command.toUpperCase().replace("|", " ");

// ---------------------------------------------------------------- answers

export interface ProbeAnswer {
  allowed: boolean | null;
  via: ProbeMethod | null;
  reason: string;
  aclRule: string | null;
}

/** A method that could not tell (an arity error, OOM while queueing): the next method is tried. */
interface NoAnswer {
  note: string;
}

const isAnswer = (a: ProbeAnswer | NoAnswer): a is ProbeAnswer => "allowed" in a;

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
): ProbeAnswer {
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
): ProbeAnswer | NoAnswer {
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

  async answer(command: string, key = this.ctx.probeKey): Promise<ProbeAnswer> {
    const spec = SPECS[command];
    if (!spec) throw new Error(`no probe for ${command}`);
    const argv = spec.argv(key, this.ctx);
    const label = labelOf(command);
    const ctx = { namespace: this.namespace, spec, cluster: this.ctx.kind === "cluster" };
    const tried: string[] = [];
    const attempts: [ProbeMethod, () => Promise<ProbeAnswer | NoAnswer>][] = [
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
  ): Promise<ProbeAnswer | NoAnswer> {
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
  ): Promise<ProbeAnswer | NoAnswer> {
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
  ): Promise<ProbeAnswer | NoAnswer> {
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

export interface ServerFacts {
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

// ---------------------------------------------------------------- the deployment

/** CLUSTER INFO as the probed node answered it; `reason` when it refused. */
export interface ClusterFacts {
  clusterInfo: boolean;
  state: string | null;
  masters: number | null;
  knownNodes: number | null;
  reason?: string;
}

/** One sentinel's answer to SENTINEL MASTER <name>. */
export interface SentinelAnswer {
  address: string;
  answered: boolean;
  master: string | null;
  flags: string | null;
  reason: string;
}

/** The server a connection went to (a sentinel-managed one resolves the master itself). */
function probedAddress(redis: Redis): string | null {
  const stream = redis.stream as { remoteAddress?: string; remotePort?: number } | undefined;
  if (stream?.remoteAddress && stream.remotePort) return `${stream.remoteAddress}:${stream.remotePort}`;
  return redis.options.host ? `${redis.options.host}:${redis.options.port ?? 6379}` : null;
}

/** CLUSTER INFO on the probe's node: readable, and what it says; a refusal is said, not thrown. */
async function clusterFacts(redis: Redis): Promise<ClusterFacts> {
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
async function sentinelAnswers(instance: InstanceConfig): Promise<SentinelAnswer[]> {
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

// ---------------------------------------------------------------- the probe

/** What the probe found: the user, the server, one answer per command asked, the deployment. */
export interface UserProbe {
  user: string;
  userSource: "whoami" | "url";
  server: ServerFacts;
  ctx: ProbeContext;
  /** A read-only replica (outside a cluster) refuses writes whatever the ACL says. */
  replicaRefusesWrites: boolean;
  answers: Map<string, ProbeAnswer>;
  /** TTL and EXPIRE on a key outside the namespace. */
  outside: { read: ProbeAnswer; write: ProbeAnswer };
  /** The methods that answered, in the order they are tried. */
  methods: ProbeMethod[];
  methodNotes: string[];
  db: number;
  probedNode: string | null;
  cluster?: ClusterFacts;
  sentinels?: SentinelAnswer[];
}

/**
 * Asks, on a connection of its own, whether the instance's Redis user may run each command
 * `wanted(ctx)` names (key commands on a probe key under `namespace`), and reads the deployment.
 */
export async function probeRedisUser(
  instance: InstanceConfig,
  namespace: string,
  wanted: (ctx: ProbeContext) => Iterable<string>,
): Promise<UserProbe> {
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

    const answers = new Map<string, ProbeAnswer>();
    for (const command of new Set(wanted(ctx))) {
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
    const order: ProbeMethod[] = ["acl-dryrun", "multi", "direct"];
    return {
      user,
      userSource: source,
      server: facts,
      ctx,
      replicaRefusesWrites,
      answers,
      outside: { read: outsideRead, write: outsideWrite },
      methods: order.filter((m) => prober.used.has(m)),
      methodNotes: prober.notes,
      db,
      probedNode: probedAddress(redis),
      ...(kind === "cluster" ? { cluster: await clusterFacts(redis) } : {}),
      ...(kind === "sentinel" ? { sentinels: await sentinelAnswers(instance) } : {}),
    };
  });
}
