// SLOWLOG GET / LEN / RESET. Arguments may carry PII (the guide forbids logging Redis commands):
// they are dropped here unless the caller asks to reveal them, so a hidden entry never holds them.
// Binary-safe: arguments are read as bytes and escaped like redis-cli.
import "server-only";
import type { InstanceConfig } from "@/lib/config";
import type { SlowlogEntry } from "@/lib/schemas/ops";
import { withRedis } from "./client";
import { displayKey } from "./keys";
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
      entries: raw.map((entry) => toSlowlogEntry(entry, reveal)),
    };
  });
}

/** SLOWLOG RESET (the admin's audited action). */
export async function resetSlowlog(instance: InstanceConfig): Promise<void> {
  await withRedis(instance, (redis) => redis.call("SLOWLOG", "RESET"));
}
