// SLOWLOG GET / LEN / RESET on every server of an instance (entries merged, each with its node).
// Arguments may carry PII (the guide forbids logging Redis commands):
// they are dropped here unless the caller asks to reveal them, so a hidden entry never holds them.
// Binary-safe: arguments are read as bytes and escaped like redis-cli. The console's own entries
// (its connections, its scan metadata script and the commands inside it) are marked here, from the
// arguments, before they are dropped.
import "server-only";
import { createHash } from "node:crypto";
import type Redis from "ioredis";
import type { InstanceConfig } from "@/lib/config";
import { describeRedisError, RedisError } from "./errors";
import { displayKey } from "@/lib/keys/encoding";
import { OWN_SCRIPTS } from "./scanner";
import { configGet, everyNode, readEveryNode } from "./server-config";
import { atNode } from "./topology";

/** One slow log entry, with whose it is; the ops API answers these as they are. */
export interface SlowlogEntry {
  id: number;
  time: string;
  durationMicros: number;
  /** The command name (first argument), upper case. */
  command: string;
  /** Escaped like redis-cli; null unless revealed (they may carry PII). */
  args: string[] | null;
  /** Arguments after the command name, as Redis logged them (Redis caps the log at 32). */
  argCount: number;
  client: { addr: string; name: string };
  /** The console's own command: from one of its connections, its scan script, or run inside it. */
  own: boolean;
  /** What the console was doing ("console: scan metadata script"); null when not its own. */
  ownLabel: string | null;
  /** The server that logged it ("host:port"): ids are per node. */
  node?: string;
}

/** The slow logs of every server of an instance, merged. */
export interface Slowlog {
  /** SLOWLOG LEN summed over the nodes read. */
  length: number;
  /** slowlog-log-slower-than (µs); null when unknown or when the nodes differ. */
  slowerThanMicros: number | null;
  maxLen: number | null;
  /** Newest first over every node. */
  entries: SlowlogEntry[];
  /** Every server read; a node that failed has `error`. */
  nodes: {
    address: string;
    role: "master" | "replica";
    length: number | null;
    slowerThanMicros: number | null;
    maxLen: number | null;
    error: string | null;
  }[];
}

type RawEntry = [number | Buffer, number | Buffer, number | Buffer, Buffer[], Buffer?, Buffer?];

const text = (b: unknown): string =>
  Buffer.isBuffer(b) ? b.toString("utf8") : b === undefined ? "" : String(b);
const int = (b: unknown): number => Number(text(b));

/** The client names the console gives its connections (lib/redis/connection.ts). */
const OWN_PREFIX = "isl-console-";
const CONNECTION_LABELS: Record<string, string> = {
  "isl-console-main": "console: main connection",
  "isl-console-scan": "console: scan connection",
  "isl-console-probe": "console: capability probe",
};
export const SCRIPT_LABEL = "console: scan metadata script";

/** Redis logs at most 128 bytes of an argument, then "... (N more bytes)". */
const SLOWLOG_MAX_STRING = 128;

function loggedForm(arg: string): string {
  const bytes = Buffer.from(arg);
  return bytes.length <= SLOWLOG_MAX_STRING
    ? arg
    : `${bytes.subarray(0, SLOWLOG_MAX_STRING).toString("latin1")}... (${bytes.length - SLOWLOG_MAX_STRING} more bytes)`;
}

/** Every scanner script (metadata, its cluster form, SCAN with metadata) as the slow log shows its body. */
const LOGGED_SCRIPTS = new Set([...OWN_SCRIPTS.values()].map(loggedForm));

/** A call of a scan metadata script: EVALSHA(_RO) of its SHA, or EVAL(_RO) of its body (the NOSCRIPT fallback). */
export function isOwnScriptCall(argv: Buffer[]): boolean {
  const command = argv[0] ? text(argv[0]).toUpperCase() : "";
  const first = argv[1];
  if (!first) return false;
  if (command === "EVALSHA" || command === "EVALSHA_RO")
    return OWN_SCRIPTS.has(first.toString("latin1").toLowerCase());
  if (command === "EVAL" || command === "EVAL_RO") {
    const logged = first.toString("latin1");
    return LOGGED_SCRIPTS.has(logged) || OWN_SCRIPTS.has(createHash("sha1").update(first).digest("hex"));
  }
  return false;
}

/** Whether an entry is the console's own, and what it was, from its arguments and client name. */
export function ownership(argv: Buffer[], clientName: string): Pick<SlowlogEntry, "own" | "ownLabel"> {
  if (isOwnScriptCall(argv)) return { own: true, ownLabel: SCRIPT_LABEL };
  if (clientName.startsWith(OWN_PREFIX))
    return { own: true, ownLabel: CONNECTION_LABELS[clientName] ?? "console" };
  return { own: false, ownLabel: null };
}

/** Commands run from a script have no client: Redis logs them with the address "?:0". */
export function fromScript(entry: SlowlogEntry): boolean {
  return entry.client.addr === "?:0" || entry.client.addr === "";
}

/**
 * Marks the commands run inside the console's script. Redis logs them before the script call
 * itself, with consecutive ids (nothing else runs while a script does): an entry from a script
 * is the console's when the first entry after its run of script entries is the console's script call.
 */
export function markScriptCommands(entries: SlowlogEntry[]): SlowlogEntry[] {
  const byId = new Map(entries.map((e) => [e.id, e]));
  return entries.map((e) => {
    if (e.own || !fromScript(e)) return e;
    let next = byId.get(e.id + 1);
    while (next && !next.own && fromScript(next)) next = byId.get(next.id + 1);
    if (next?.ownLabel !== SCRIPT_LABEL) return e;
    return { ...e, own: true, ownLabel: `${SCRIPT_LABEL} (${e.command} run inside it)` };
  });
}

/** One raw SLOWLOG GET entry -> the API's shape; `reveal` false drops the arguments. */
export function toSlowlogEntry(raw: RawEntry, reveal: boolean): SlowlogEntry {
  const [id, time, micros, args, addr, name] = raw;
  const argv = Array.isArray(args) ? args : [];
  // Redis replaces the 32nd and later arguments with "... (N more arguments)".
  const last = argv.at(-1);
  const more = last ? /^\.\.\. \((\d+) more arguments?\)$/.exec(text(last)) : null;
  const logged = more ? argv.length - 1 : argv.length;
  return {
    id: int(id),
    time: new Date(int(time) * 1000).toISOString(),
    durationMicros: int(micros),
    command: argv[0] ? text(argv[0]).toUpperCase() : "",
    args: reveal ? argv.slice(1).map((a) => (Buffer.isBuffer(a) ? displayKey(a) : String(a))) : null,
    argCount: Math.max(0, logged - 1) + (more ? Number(more[1]) : 0),
    client: { addr: text(addr), name: text(name) },
    ...ownership(argv, text(name)),
  };
}

interface NodeSlowlog {
  length: number;
  slowerThanMicros: number | null;
  maxLen: number | null;
  entries: SlowlogEntry[];
}

async function readNodeSlowlog(
  redis: Redis,
  address: string,
  { count, reveal }: { count: number; reveal: boolean },
): Promise<NodeSlowlog> {
  const [raw, length, config] = await Promise.all([
    redis.callBuffer("SLOWLOG", "GET", String(count)) as Promise<RawEntry[]>,
    redis.call("SLOWLOG", "LEN") as Promise<number>,
    configGet(redis, ["slowlog-log-slower-than", "slowlog-max-len"]),
  ]);
  const slower = config?.get("slowlog-log-slower-than");
  const maxLen = config?.get("slowlog-max-len");
  // Script entries are matched by consecutive ids: per node, before the logs are merged.
  const entries = markScriptCommands(raw.map((entry) => toSlowlogEntry(entry, reveal)));
  return {
    length: Number(length),
    slowerThanMicros: slower === undefined ? null : Number(slower),
    maxLen: maxLen === undefined ? null : Number(maxLen),
    entries: entries.map((e) => ({ ...e, node: address })),
  };
}

/** The one value every node has, or null when they differ (or none told). */
function common(values: (number | null)[]): number | null {
  const [first = null] = values;
  return values.every((v) => v === first) ? first : null;
}

/** Newest first over several nodes' logs; within a second and a node, by id (Redis's order). */
export function mergeSlowlogs(logs: SlowlogEntry[][], count: number): SlowlogEntry[] {
  return logs
    .flat()
    .sort((a, b) => b.time.localeCompare(a.time) || (a.node ?? "").localeCompare(b.node ?? "") || b.id - a.id)
    .slice(0, count);
}

/**
 * The slow log of every server of the instance (a cluster's masters and replicas, a sentinel
 * instance's master and replicas), merged newest first with each entry's node; the newest `count`.
 */
export async function readSlowlog(
  instance: InstanceConfig,
  { count, reveal }: { count: number; reveal: boolean },
): Promise<Slowlog> {
  const reads = await readEveryNode(instance, (node) =>
    readNodeSlowlog(node.client, node.address, { count, reveal }),
  );
  const answered = reads.flatMap((r) => (r.value ? [r.value] : []));
  return {
    length: answered.reduce((n, log) => n + log.length, 0),
    slowerThanMicros: common(answered.map((log) => log.slowerThanMicros)),
    maxLen: common(answered.map((log) => log.maxLen)),
    entries: mergeSlowlogs(
      answered.map((log) => log.entries),
      count,
    ),
    nodes: reads.map(({ node, value, error }) => ({
      address: node.address,
      role: node.role,
      length: value?.length ?? null,
      slowerThanMicros: value?.slowerThanMicros ?? null,
      maxLen: value?.maxLen ?? null,
      error: error ? error.message : null,
    })),
  };
}

/**
 * SLOWLOG RESET on every server of the instance (the admin's audited action); answers the nodes
 * reset. When a node refuses or fails, the error names it and the nodes that were reset.
 */
export async function resetSlowlog(instance: InstanceConfig): Promise<string[]> {
  const { nodes, down } = await everyNode(instance);
  const results: { node: { address: string }; error: unknown }[] = await Promise.all(
    nodes.map(async (node) => {
      try {
        await node.client.call("SLOWLOG", "RESET");
        return { node, error: undefined };
      } catch (err) {
        return { node, error: atNode(err, instance, node, nodes.length) };
      }
    }),
  );
  results.push(...down);
  const reset = results.filter((r) => r.error === undefined).map((r) => r.node.address);
  const failed = results.filter((r) => r.error !== undefined);
  const first = failed[0]?.error;
  if (first === undefined) return reset;
  if (!(first instanceof RedisError)) throw first;
  if (results.length === 1) throw first;
  const message =
    `SLOWLOG RESET failed on ${failed.length} of ${results.length} nodes (${failed.map((f) => describeRedisError(f.error)).join("; ")}); ` +
    (reset.length > 0 ? `reset on ${reset.join(", ")}` : "no node was reset");
  throw new RedisError(first.kind, message, {
    instanceId: instance.id,
    command: "slowlog|reset",
    code: first.code,
    raw: first.raw,
  });
}
