// The `redis-cli --latency-history` view from the sampler's PING round trips (per minute: min, p50,
// p95, max), and the server-side latency per command: windowed percentiles from two LATENCY
// HISTOGRAM readings, their per-minute history and the newest figures. Pure: the caller passes the
// stored rows and the window.
import type { CommandLatency, CommandMinute, LatencyMinute } from "@/lib/schemas/ops";
import type {
  CommandLatencyPoint,
  CommandLatencySource,
  StoredCommandLatency,
} from "@/lib/store/command-latency";
import type { CommandReading } from "@/lib/redis/sample";
import type { StoredSample } from "@/lib/store/samples";

const MIN = 60_000;

/** Nearest-rank quantile of sorted values. */
function nearestRank(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? null;
}

/**
 * One entry per minute in [from, to), oldest first; a minute without a reachable sample has
 * `samples: 0` and nulls (a gap in the chart, never a zero).
 */
export function latencyMinutes(samples: StoredSample[], from: number, to: number): LatencyMinute[] {
  const first = Math.floor(from / MIN) * MIN;
  const byMinute = new Map<number, number[]>();
  for (const s of samples) {
    if (!s.reachable || s.latencyMs === null || s.t < first || s.t >= to) continue;
    const minute = Math.floor(s.t / MIN) * MIN;
    let list = byMinute.get(minute);
    if (!list) byMinute.set(minute, (list = []));
    list.push(s.latencyMs);
  }
  const out: LatencyMinute[] = [];
  for (let t = first; t < to; t += MIN) {
    const values = (byMinute.get(t) ?? []).sort((a, b) => a - b);
    out.push({
      t,
      samples: values.length,
      minMs: values[0] ?? null,
      p50Ms: nearestRank(values, 0.5),
      p95Ms: nearestRank(values, 0.95),
      maxMs: values.at(-1) ?? null,
    });
  }
  return out;
}

// --- per-command latency ------------------------------------------------------------------------

/**
 * The console's own commands (sampler, ops page, scans, key browser, live watch) and connection
 * housekeeping, left out of the per-command view: they are not ISL's cache traffic. The scan's
 * metadata script runs as EVALSHA_RO; the PING round trip has its own chart. Redis does not say
 * which client ran a command, so these are left out whoever ran them; everything else (GET, SET,
 * SETEX, EVAL, EVALSHA, DEL, EXPIRE, LRANGE...) is shown, the console's own fixes (EXPIRE, UNLINK)
 * and value views (LRANGE, ZRANGE, XREVRANGE) included.
 */
export const CONSOLE_COMMANDS = new Set([
  "info",
  "ping",
  "latency",
  "config",
  "cluster",
  "client",
  "slowlog",
  "acl",
  "command",
  "hello",
  "auth",
  "select",
  "readonly",
  "evalsha_ro",
  "eval_ro",
  "script",
  "scan",
  "memory",
  "object",
  "ttl",
  "pttl",
  "type",
  "dbsize",
  "role",
  "sentinel",
  "subscribe",
  "psubscribe",
  "unsubscribe",
  "punsubscribe",
  "multi",
  "discard",
  // Run inside the scan's metadata script (element counts) and by the key browser's value viewer.
  "strlen",
  "hlen",
  "llen",
  "scard",
  "zcard",
  "xlen",
  "getrange",
  "hscan",
  "sscan",
]);

/** "config|get" -> "config": subcommands count as their command. */
export function isConsoleCommand(command: string): boolean {
  return CONSOLE_COMMANDS.has(command.split("|")[0] ?? command);
}

/** At most this many commands per node and sample are kept (the busiest): the table stays bounded. */
export const MAX_COMMANDS_PER_SAMPLE = 24;

type Buckets = [number, number][];

/** Calls at or under `upper` µs from cumulative buckets (empty buckets are left out by Redis). */
function cumulativeAt(buckets: Buckets, upper: number): number {
  let count = 0;
  for (const [u, c] of buckets) {
    if (u > upper) break;
    count = c;
  }
  return count;
}

/**
 * The interval's own distribution from two cumulative histograms of one command: per bucket, the
 * calls that landed in it between them (not cumulative). Without a previous histogram the command
 * had no calls before, so all of the current one is the interval's. Null when the counters went
 * back (restart, CONFIG RESETSTAT).
 */
export function histogramDelta(
  prev: { calls: number; buckets: Buckets } | undefined,
  cur: { calls: number; buckets: Buckets },
): { calls: number; buckets: Buckets } | null {
  const before = prev ?? { calls: 0, buckets: [] };
  if (cur.calls < before.calls) return null;
  const uppers = [...new Set([...before.buckets, ...cur.buckets].map(([u]) => u))].sort((a, b) => a - b);
  const out: Buckets = [];
  let below = 0;
  for (const u of uppers) {
    const cumulative = cumulativeAt(cur.buckets, u) - cumulativeAt(before.buckets, u);
    if (cumulative < below) return null;
    out.push([u, cumulative - below]);
    below = cumulative;
  }
  return { calls: cur.calls - before.calls, buckets: out };
}

/**
 * The q-quantile (0..1) of calls in cumulative power-of-two buckets, interpolated by rank within
 * its bucket between the bucket's lower bound (half its upper bound) and its upper bound: the
 * true value lies in that bucket, so the estimate is within a factor of two.
 */
export function bucketQuantile(buckets: Buckets, q: number): number | null {
  const total = buckets.at(-1)?.[1] ?? 0;
  if (total <= 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let before = 0;
  for (const [upper, cumulative] of buckets) {
    if (cumulative >= rank) {
      const inBucket = cumulative - before;
      const lower = upper / 2;
      const within = inBucket > 0 ? (rank - before) / inBucket : 1;
      return lower + (upper - lower) * within;
    }
    before = cumulative;
  }
  return buckets.at(-1)?.[0] ?? null;
}

/** Cumulative buckets from per-bucket counts. */
function cumulate(buckets: Buckets): Buckets {
  let sum = 0;
  return buckets.map(([u, c]) => [u, (sum += c)]);
}

function busiest(points: CommandLatencyPoint[]): CommandLatencyPoint[] {
  return points.sort((a, b) => b.calls - a.calls).slice(0, MAX_COMMANDS_PER_SAMPLE);
}

/** latencystats: the percentiles since start as they are (no previous reading needed). */
function sinceStart(percentiles: Map<string, Record<string, number>>): CommandLatencyPoint[] {
  const out: CommandLatencyPoint[] = [];
  for (const [command, p] of percentiles) {
    if (isConsoleCommand(command)) continue;
    out.push({
      command,
      source: "latencystats",
      calls: 0,
      p50Us: p["50"] ?? null,
      p95Us: p["95"] ?? null,
      p99Us: p["99"] ?? null,
      avgUs: null,
      windowMs: null,
    });
  }
  return out.sort((a, b) => a.command.localeCompare(b.command)).slice(0, MAX_COMMANDS_PER_SAMPLE);
}

function histogramWindow(
  prev: Map<string, { calls: number; buckets: Buckets }>,
  cur: Map<string, { calls: number; buckets: Buckets }>,
  windowMs: number,
): CommandLatencyPoint[] {
  const out: CommandLatencyPoint[] = [];
  for (const [command, h] of cur) {
    if (isConsoleCommand(command)) continue;
    const delta = histogramDelta(prev.get(command), h);
    if (!delta || delta.calls <= 0) continue;
    const buckets = cumulate(delta.buckets);
    out.push({
      command,
      source: "histogram",
      calls: delta.calls,
      p50Us: bucketQuantile(buckets, 0.5),
      p95Us: bucketQuantile(buckets, 0.95),
      p99Us: bucketQuantile(buckets, 0.99),
      avgUs: null,
      windowMs,
    });
  }
  return busiest(out);
}

function commandstatsWindow(
  prev: Map<string, { calls: number; usec: number }>,
  cur: Map<string, { calls: number; usec: number }>,
  windowMs: number,
): CommandLatencyPoint[] {
  const out: CommandLatencyPoint[] = [];
  for (const [command, s] of cur) {
    if (isConsoleCommand(command)) continue;
    const before = prev.get(command) ?? { calls: 0, usec: 0 };
    const calls = s.calls - before.calls;
    const usec = s.usec - before.usec;
    if (calls <= 0 || usec < 0) continue;
    out.push({
      command,
      source: "commandstats",
      calls,
      p50Us: null,
      p95Us: null,
      p99Us: null,
      avgUs: usec / calls,
      windowMs,
    });
  }
  return busiest(out);
}

/**
 * The interval's figures per command between a node's previous reading and this one (same server
 * run, `windowMs` apart). Commands without calls in the interval are left out; `latencystats`
 * needs no previous reading (it is since start); without a comparable previous reading, nothing.
 */
export function commandWindow(
  prev: CommandReading | null,
  cur: CommandReading,
  windowMs: number | null,
): CommandLatencyPoint[] {
  if (cur.source === "latencystats") return sinceStart(cur.percentiles);
  if (!prev || windowMs === null) return [];
  if (cur.source === "histogram" && prev.source === "histogram")
    return histogramWindow(prev.histograms, cur.histograms, windowMs);
  if (cur.source === "commandstats" && prev.source === "commandstats")
    return commandstatsWindow(prev.stats, cur.stats, windowMs);
  return [];
}

/** The figure a command is judged on against the latency threshold: p99, or the average where only that exists. */
export function judgedUs(p: Pick<CommandLatencyPoint, "p99Us" | "avgUs">): number | null {
  return p.p99Us ?? p.avgUs;
}

const ms = (us: number | null) => (us === null ? null : us / 1000);

/**
 * Per command, its newest figures in the rows given: per node the newest row of the command, and
 * over several nodes the worst one (by p99, or the average), naming its node. Busiest first.
 */
export function latestCommands(rows: StoredCommandLatency[], nodeCount: number): CommandLatency[] {
  const newest = new Map<string, StoredCommandLatency>();
  for (const r of rows) {
    const key = `${r.node}\0${r.command}`;
    const have = newest.get(key);
    if (!have || r.t >= have.t) newest.set(key, r);
  }
  const worst = new Map<string, StoredCommandLatency>();
  for (const r of newest.values()) {
    const have = worst.get(r.command);
    if (!have || (judgedUs(r) ?? -1) > (judgedUs(have) ?? -1)) worst.set(r.command, r);
  }
  return [...worst.values()]
    .sort((a, b) => b.calls - a.calls || a.command.localeCompare(b.command))
    .map((r) => ({
      command: r.command.toUpperCase(),
      p50: ms(r.p50Us),
      p95: ms(r.p95Us),
      p99: ms(r.p99Us),
      avg: ms(r.avgUs),
      source: r.source,
      calls: r.calls,
      windowSeconds: r.windowMs === null ? null : r.windowMs / 1000,
      at: new Date(r.t).toISOString(),
      ...(nodeCount > 1 ? { node: r.node } : {}),
    }));
}

const maxOf = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));

/**
 * Per command, one entry per minute in [from, to): the worst interval in the minute over the nodes
 * (the percentiles of several intervals cannot be merged exactly), calls summed; a minute without
 * calls has nulls (a gap in the chart, never a zero).
 */
export function commandMinutes(
  rows: StoredCommandLatency[],
  from: number,
  to: number,
): { command: string; source: CommandLatencySource; minutes: CommandMinute[] }[] {
  const first = Math.floor(from / MIN) * MIN;
  const byCommand = new Map<string, { source: CommandLatencySource; minutes: Map<number, CommandMinute> }>();
  for (const r of rows) {
    if (r.t < first || r.t >= to) continue;
    let entry = byCommand.get(r.command);
    if (!entry) byCommand.set(r.command, (entry = { source: r.source, minutes: new Map() }));
    entry.source = r.source;
    const minute = Math.floor(r.t / MIN) * MIN;
    const m = entry.minutes.get(minute) ?? {
      t: minute,
      calls: 0,
      p50Ms: null,
      p95Ms: null,
      p99Ms: null,
      avgMs: null,
    };
    m.calls += r.calls;
    m.p50Ms = maxOf(m.p50Ms, ms(r.p50Us));
    m.p95Ms = maxOf(m.p95Ms, ms(r.p95Us));
    m.p99Ms = maxOf(m.p99Ms, ms(r.p99Us));
    m.avgMs = maxOf(m.avgMs, ms(r.avgUs));
    entry.minutes.set(minute, m);
  }
  const out: { command: string; source: CommandLatencySource; minutes: CommandMinute[] }[] = [];
  for (const [command, { source, minutes }] of byCommand) {
    const list: CommandMinute[] = [];
    for (let t = first; t < to; t += MIN)
      list.push(minutes.get(t) ?? { t, calls: 0, p50Ms: null, p95Ms: null, p99Ms: null, avgMs: null });
    out.push({ command: command.toUpperCase(), source, minutes: list });
  }
  const calls = (c: { minutes: CommandMinute[] }) => c.minutes.reduce((a, m) => a + m.calls, 0);
  return out.sort((a, b) => calls(b) - calls(a) || a.command.localeCompare(b.command));
}
