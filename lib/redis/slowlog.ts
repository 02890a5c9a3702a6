// SLOWLOG GET / LEN / RESET. Arguments may carry PII (the guide forbids logging Redis commands):
// they are dropped here unless the caller asks to reveal them, so a hidden entry never holds them.
// Binary-safe: arguments are read as bytes and escaped like redis-cli. The console's own entries
// (its connections, its scan metadata script and the commands inside it) are marked here, from the
// arguments, before they are dropped.
import "server-only";
import { createHash } from "node:crypto";
import type { InstanceConfig } from "@/lib/config";
import type { SlowlogEntry } from "@/lib/schemas/ops";
import { withRedis } from "./client";
import { displayKey } from "./keys";
import { META_SCRIPT, META_SHA } from "./scanner";
import { configGet } from "./server-config";

export interface Slowlog {
  length: number;
  slowerThanMicros: number | null;
  maxLen: number | null;
  entries: SlowlogEntry[];
}

type RawEntry = [number | Buffer, number | Buffer, number | Buffer, Buffer[], Buffer?, Buffer?];

const text = (b: unknown): string =>
  Buffer.isBuffer(b) ? b.toString("utf8") : b === undefined ? "" : String(b);
const int = (b: unknown): number => Number(text(b));

/** The client names the console gives its connections (lib/redis/client.ts). */
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

const LOGGED_SCRIPT = loggedForm(META_SCRIPT);

/** A call of the scan metadata script: EVALSHA(_RO) of its SHA, or EVAL(_RO) of its body (the NOSCRIPT fallback). */
export function isOwnScriptCall(argv: Buffer[]): boolean {
  const command = argv[0] ? text(argv[0]).toUpperCase() : "";
  const first = argv[1];
  if (!first) return false;
  if (command === "EVALSHA" || command === "EVALSHA_RO")
    return first.toString("latin1").toLowerCase() === META_SHA;
  if (command === "EVAL" || command === "EVAL_RO") {
    const logged = first.toString("latin1");
    return logged === LOGGED_SCRIPT || createHash("sha1").update(first).digest("hex") === META_SHA;
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

export async function readSlowlog(
  instance: InstanceConfig,
  { count, reveal }: { count: number; reveal: boolean },
): Promise<Slowlog> {
  return withRedis(instance, async (redis) => {
    const [raw, length, config] = await Promise.all([
      redis.callBuffer("SLOWLOG", "GET", String(count)) as Promise<RawEntry[]>,
      redis.call("SLOWLOG", "LEN") as Promise<number>,
      configGet(redis, ["slowlog-log-slower-than", "slowlog-max-len"]),
    ]);
    const slower = config?.get("slowlog-log-slower-than");
    const maxLen = config?.get("slowlog-max-len");
    return {
      length: Number(length),
      slowerThanMicros: slower === undefined ? null : Number(slower),
      maxLen: maxLen === undefined ? null : Number(maxLen),
      entries: markScriptCommands(raw.map((entry) => toSlowlogEntry(entry, reveal))),
    };
  });
}

/** SLOWLOG RESET (the admin's audited action). */
export async function resetSlowlog(instance: InstanceConfig): Promise<void> {
  await withRedis(instance, (redis) => redis.call("SLOWLOG", "RESET"));
}
