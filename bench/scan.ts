// `npm run bench:scan`: the keyspace scanner against a spawned redis-server holding 100k and then
// 1M keys, next to the guide's procedures on the same data in the same run:
//   - console scanner keys/s, fast and gentle mode (median of 3; each run in its own node
//     process, which also gives node's peak RSS for that key count);
//   - `redis-cli --memkeys` keys/s (median of 3);
//   - the guide's `redis-cli --scan | xargs -n 1 redis-cli TTL`, on up to 10k keys (at most
//     60 s), extrapolated per key;
//   - gentle mode: SCAN's average time per call (INFO commandstats) and the share of one Redis
//     core the scan used (INFO used_cpu_* deltas, minus the probe's own share measured idle);
//   - a concurrent client's GET latency p50/p99 during fast and gentle scans vs idle.
// Targets (README, Benchmarks) are checked and printed; the exit code is 1 when one is missed.
import { execFile, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { getClient } from "../lib/redis/connection";
import { startRedisServer, type RedisServer } from "../tests/helpers/redis-server";

const argAfter = (name: string) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
};
/** `-- --runs 1`: fewer runs per figure (a quick try); the README's figures use 3. */
const RUNS = Number(argAfter("--runs") ?? 3);
/** `-- --gentle-runs 1`: gentle scans of 1M keys take minutes each (a quarter of a Redis core at most). */
const GENTLE_RUNS = Number(argAfter("--gentle-runs") ?? RUNS);
/** `-- --sizes 10000,50000` for a quick try; the figures in the README use the defaults. */
const SIZES = argAfter("--sizes")?.split(",").map(Number) ?? [100_000, 1_000_000];
/**
 * `-- --data json`: the size runs hold 500-2,000-byte JSON strings (ISL's cached values, TTLs within
 * the standard) instead of DEBUG POPULATE's 100-byte values; the key count is what the scan then
 * costs on data like production's, where values are larger and each key's metadata costs more.
 */
const DATA: "populate" | "json" = argAfter("--data") === "json" ? "json" : "populate";
const XARGS_KEYS = 10_000;
/** `-- --json-only`: only the gentle scan on large JSON values. */
const JSON_ONLY = process.argv.includes("--json-only");
const XARGS_MAX_SECONDS = 60;
const self = fileURLToPath(import.meta.url);
const run = promisify(execFile);

type Mode = "fast" | "gentle";
interface ChildResult {
  keys: number;
  ms: number;
  keysPerSecond: number;
  maxRssMB: number;
  via: string;
}

// ---------------------------------------------------------------- child: one scan, one process
async function child(url: string, mode: Mode): Promise<void> {
  const { scanInstance } = await import("../lib/scan/instance");
  const { policySchema } = await import("../lib/policy/types");
  const { defaultPolicy } = await import("../lib/policy/default-policy");
  const instance = {
    id: "bench-child",
    name: "bench",
    environment: "development" as const,
    url,
    readOnly: false,
  };
  await getClient(instance, { purpose: "scan" });
  const t0 = performance.now();
  const { result, via } = await scanInstance(instance, { policy: policySchema.parse(defaultPolicy), mode });
  const ms = performance.now() - t0;
  const out: ChildResult = {
    keys: result.keys,
    ms,
    keysPerSecond: Math.round((result.keys / ms) * 1000),
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    via,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
  process.exit(0);
}

function scanInChild(url: string, mode: Mode): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...process.execArgv, self, "--child", url, mode], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.on("exit", (code) => {
      const line = out.trim().split("\n").pop() ?? "";
      if (code !== 0) return reject(new Error(`scan child exited with ${code}: ${out}`));
      resolve(JSON.parse(line) as ChildResult);
    });
  });
}

// ---------------------------------------------------------------- helpers
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function info(server: RedisServer, section: string): Promise<Record<string, string>> {
  const text = await server.cli("INFO", section);
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(":");
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

async function redisCpuSeconds(server: RedisServer): Promise<number> {
  const cpu = await info(server, "cpu");
  return Number(cpu.used_cpu_sys) + Number(cpu.used_cpu_user);
}

/** Commands the bench's own probe client and the bench itself send, not the scan's. */
const NOT_THE_SCAN = new Set(["get", "set", "info", "config", "slowlog"]);

/** Commands a metadata script runs inside itself: their time is already in the script call's. */
const SCRIPT_INNER = [
  "ttl",
  "type",
  "memory|usage",
  "object|idletime",
  "object|freq",
  "hlen",
  "llen",
  "scard",
  "zcard",
  "xlen",
];

/** The inner commands of the scan's script path (`via`), SCAN too for the combined call. */
function innerOf(via: string): Set<string> {
  if (!/eval/i.test(via)) return new Set();
  return new Set([...SCRIPT_INNER, ...(/scan\+meta/.test(via) ? ["scan"] : [])]);
}

/**
 * usec per key of every command in INFO commandstats (reset before the measured run) except the
 * bench's own, in total and per command: what the scan (or redis-cli) cost Redis for each key.
 * Commands run inside a script are counted once, in the script call (listed as "in script").
 */
async function redisUsPerKey(
  server: RedisServer,
  keys: number,
  inner: Set<string> = new Set(),
): Promise<{ total: number; split: Record<string, number> }> {
  const stats = await info(server, "commandstats");
  const split: Record<string, number> = {};
  let total = 0;
  for (const [name, value] of Object.entries(stats)) {
    const command = name.replace(/^cmdstat_/, "");
    if (!name.startsWith("cmdstat_") || NOT_THE_SCAN.has(command)) continue;
    const usec = Number(/(?:^|,)usec=(\d+)/.exec(value)?.[1] ?? 0);
    if (!inner.has(command)) total += usec;
    if (usec / keys >= 0.05) split[inner.has(command) ? `(in script) ${command}` : command] = usec / keys;
  }
  return { total: total / Math.max(1, keys), split };
}

const fmtSplit = (split: Record<string, number>) =>
  Object.entries(split)
    .sort((a, b) => b[1] - a[1])
    .map(([c, us]) => `${c} ${fmt(us, 1)}`)
    .join(", ");

/** usec_per_call of one command from INFO commandstats. */
async function usecPerCall(server: RedisServer, command: string): Promise<number> {
  const stats = await info(server, "commandstats");
  const m = /usec_per_call=([\d.]+)/.exec(stats[`cmdstat_${command}`] ?? "");
  return m ? Number(m[1]) : NaN;
}

/** A concurrent client: GET of one key every ~1 ms, round trips recorded until stopped. */
async function startProbe(url: string) {
  const redis = await getClient({
    id: "bench-probe",
    name: "probe",
    environment: "development",
    url,
    readOnly: false,
  });
  await redis.set("isl:result:probe0000000000", "x".repeat(512), "EX", 3600);
  const samples: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const t0 = performance.now();
      await redis.get("isl:result:probe0000000000");
      samples.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 1));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      const sorted = [...samples].sort((a, b) => a - b);
      return { p50: pct(sorted, 50), p90: pct(sorted, 90), p99: pct(sorted, 99), n: sorted.length };
    },
  };
}

/** 4 patterns, 1% without TTL, 2% above standard, the rest within; strings of ~100 bytes. */
async function seed(server: RedisServer, total: number): Promise<void> {
  await server.cli("FLUSHALL");
  const parts: [string, number, number][] = [
    ["isl:result", 0.4, 7200],
    ["isl:ident", 0.2, 21600],
    ["isl:sensitivity", 0.2, 14400],
    ["isl:beliefs", 0.2, 86400],
  ];
  for (const [prefix, share, ttl] of parts) {
    const n = Math.round(total * share);
    await server.cli("DEBUG", "POPULATE", String(n), prefix, "100");
    // Spread TTLs below the standard; every 100th key none, every 50th above standard.
    await server.cli(
      "EVAL",
      `for i = 0, tonumber(ARGV[2]) - 1 do
         if i % 100 ~= 0 then
           local t = (i % 50 == 1) and (tonumber(ARGV[3]) * 2) or (60 + (i * 7919) % tonumber(ARGV[3]))
           redis.call('EXPIRE', ARGV[1] .. ':' .. i, t)
         end
       end return 1`,
      "0",
      prefix,
      String(n),
      String(ttl - 60),
    );
  }
}

interface MemkeysRun {
  keysPerSecond: number;
  redisUsPerKey: number;
  split: Record<string, number>;
}

async function memkeys(server: RedisServer, total: number): Promise<MemkeysRun> {
  await server.cli("CONFIG", "RESETSTAT");
  const t0 = performance.now();
  await run("redis-cli", ["-h", "127.0.0.1", "-p", String(server.port), "--memkeys"], {
    maxBuffer: 16 * 1024 * 1024,
  });
  const keysPerSecond = total / ((performance.now() - t0) / 1000);
  const usage = await redisUsPerKey(server, total);
  process.stderr.write(
    `  --memkeys: ${fmt(keysPerSecond)} keys/s, Redis ${fmt(usage.total, 2)} µs/key (${fmtSplit(usage.split)})\n`,
  );
  return { keysPerSecond, redisUsPerKey: usage.total, split: usage.split };
}

/** The guide's procedure: one redis-cli process per key. Answers ms per key. */
async function xargsTtl(server: RedisServer): Promise<{ keys: number; msPerKey: number }> {
  const port = String(server.port);
  const t0 = performance.now();
  const shell = `redis-cli -p ${port} --scan | head -${XARGS_KEYS} | xargs -n 1 redis-cli -p ${port} TTL`;
  return new Promise((resolve) => {
    const p = spawn("bash", ["-c", shell], { stdio: ["ignore", "pipe", "ignore"], detached: true });
    let lines = 0;
    p.stdout.on("data", (d: Buffer) => {
      for (const b of d) if (b === 0x0a) lines++;
    });
    const timer = setTimeout(() => process.kill(-(p.pid ?? 0), "SIGTERM"), XARGS_MAX_SECONDS * 1000);
    p.on("exit", () => {
      clearTimeout(timer);
      const ms = performance.now() - t0;
      resolve({ keys: lines, msPerKey: ms / Math.max(1, lines) });
    });
  });
}

interface ModeRuns {
  keysPerSecond: number;
  /** Redis time per key of every command the scan sent (INFO commandstats deltas / keys), and its split. */
  redisUsPerKey: number;
  split: Record<string, number>;
  maxRssMB: number;
  scanUsec: number;
  metaUsec: number;
  cpuShare: number;
  p50: number;
  p99: number;
  via: string;
}

async function measureMode(server: RedisServer, mode: Mode, probeCpuShare: number): Promise<ModeRuns> {
  const runs: ModeRuns[] = [];
  for (let i = 0; i < (mode === "gentle" ? GENTLE_RUNS : RUNS); i++) {
    await server.cli("CONFIG", "RESETSTAT");
    const probe = await startProbe(server.url);
    const cpu0 = await redisCpuSeconds(server);
    const t0 = performance.now();
    const r = await scanInChild(server.url, mode);
    const wall = (performance.now() - t0) / 1000;
    const cpu1 = await redisCpuSeconds(server);
    const lat = await probe.stop();
    const usage = await redisUsPerKey(server, r.keys, innerOf(r.via));
    runs.push({
      keysPerSecond: r.keysPerSecond,
      redisUsPerKey: usage.total,
      split: usage.split,
      maxRssMB: r.maxRssMB,
      scanUsec: await usecPerCall(server, "scan"),
      metaUsec: await usecPerCall(server, r.via.toLowerCase()),
      cpuShare: Math.max(0, (cpu1 - cpu0) / wall - probeCpuShare),
      p50: lat.p50,
      p99: lat.p99,
      via: r.via,
    });
    process.stderr.write(
      `  ${mode} run ${i + 1}: ${fmt(r.keysPerSecond)} keys/s, Redis ${fmt(usage.total, 2)} µs/key (${fmtSplit(usage.split)}), p99 ${fmt(lat.p99, 2)} ms, via ${r.via}\n`,
    );
  }
  const m = (f: (r: ModeRuns) => number) => median(runs.map(f));
  const mid = [...runs].sort((a, b) => a.keysPerSecond - b.keysPerSecond)[Math.floor(runs.length / 2)];
  return {
    keysPerSecond: m((r) => r.keysPerSecond),
    redisUsPerKey: m((r) => r.redisUsPerKey),
    split: mid?.split ?? {},
    maxRssMB: Math.max(...runs.map((r) => r.maxRssMB)),
    scanUsec: m((r) => r.scanUsec),
    metaUsec: m((r) => r.metaUsec),
    cpuShare: m((r) => r.cpuShare),
    p50: m((r) => r.p50),
    p99: m((r) => r.p99),
    via: runs[0]?.via ?? "",
  };
}

async function idleLatency(server: RedisServer): Promise<{ p50: number; p99: number; cpuShare: number }> {
  const runs: { p50: number; p99: number; cpuShare: number }[] = [];
  for (let i = 0; i < RUNS; i++) {
    const probe = await startProbe(server.url);
    const cpu0 = await redisCpuSeconds(server);
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, 3000));
    const cpuShare = ((await redisCpuSeconds(server)) - cpu0) / ((performance.now() - t0) / 1000);
    runs.push({ ...(await probe.stop()), cpuShare });
  }
  return {
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    cpuShare: median(runs.map((r) => r.cpuShare)),
  };
}

// ---------------------------------------------------------------- gentle on large JSON values

const JSON_KEYS = 300_000;

/** Keys of 500-2,000-byte JSON values (ISL's cached results), TTLs within the standard. */
async function seedJson(server: RedisServer, total: number): Promise<void> {
  await server.cli("FLUSHALL");
  for (let start = 0; start < total; start += 20_000) {
    await server.cli(
      "EVAL",
      `local prefixes = { 'isl:result:', 'isl:ident:', 'isl:sensitivity:', 'isl:beliefs:' }
       for i = tonumber(ARGV[1]), tonumber(ARGV[2]) - 1 do
         local n = 500 + (i * 7919) % 1501
         local body = '{"request":"' .. i .. '","samples":[' .. string.rep('0.125,', math.floor((n - 40) / 6)) .. '0]}'
         redis.call('SET', prefixes[(i % 4) + 1] .. string.format('%016x', i), body, 'EX', 600 + (i * 104729) % 7000)
       end return 1`,
      "0",
      String(start),
      String(Math.min(total, start + 20_000)),
    );
  }
}

interface SlowCommands {
  /** Commands the scanner sent that held Redis 250 µs or longer, and the longest. */
  over: number;
  maxUs: number;
  /** SCAN and metadata calls the scan made (INFO commandstats). */
  commands: number;
}

async function callsOf(server: RedisServer, commands: string[]): Promise<number> {
  const stats = await info(server, "commandstats");
  return commands.reduce((n, c) => n + Number(/calls=(\d+)/.exec(stats[`cmdstat_${c}`] ?? "")?.[1] ?? 0), 0);
}

/** SLOWLOG entries of the scan connection at or over `thresholdUs` (the log was reset before). */
async function scannerSlowlog(
  server: RedisServer,
  thresholdUs: number,
): Promise<Omit<SlowCommands, "commands">> {
  const redis = await getClient({
    id: "bench-slowlog",
    name: "slowlog",
    environment: "development",
    url: server.url,
    readOnly: false,
  });
  const entries = (await redis.call("SLOWLOG", "GET", "-1")) as [
    number,
    number,
    number,
    unknown[],
    string,
    string,
  ][];
  const mine = entries.filter(
    (e) => String(e[5]).startsWith("isl-console-scan") && Number(e[2]) >= thresholdUs,
  );
  if (process.env.BENCH_VERBOSE) {
    const byCommand = new Map<string, number[]>();
    for (const e of mine) {
      const argv = e[3].map(String);
      const name = `${argv[0]} ${argv[0]?.toUpperCase().startsWith("EVAL") ? `${argv[2]} keys` : argv.slice(1, 5).join(" ")}`;
      byCommand.set(name, [...(byCommand.get(name) ?? []), Number(e[2])]);
    }
    for (const [name, us] of [...byCommand].sort((a, b) => b[1].length - a[1].length).slice(0, 15))
      process.stderr.write(`    ${name}: ${us.length} x, max ${Math.max(...us)} µs\n`);
  }
  return { over: mine.length, maxUs: mine.reduce((m, e) => Math.max(m, Number(e[2])), 0) };
}

async function jsonGentle(
  server: RedisServer,
): Promise<{ idle: Latency; gentle: Latency; slow: SlowCommands; keysPerSecond: number }> {
  await seedJson(server, JSON_KEYS);
  const idleRuns: Latency[] = [];
  for (let i = 0; i < RUNS; i++) {
    const probe = await startProbe(server.url);
    await new Promise((r) => setTimeout(r, 3000));
    idleRuns.push(await probe.stop());
  }
  await server.cli("CONFIG", "SET", "slowlog-log-slower-than", "250");
  await server.cli("CONFIG", "SET", "slowlog-max-len", "100000");
  const runs: { lat: Latency; slow: SlowCommands; keysPerSecond: number }[] = [];
  for (let i = 0; i < RUNS; i++) {
    await server.cli("SLOWLOG", "RESET");
    await server.cli("CONFIG", "RESETSTAT");
    const probe = await startProbe(server.url);
    const r = await scanInChild(server.url, "gentle");
    const lat = await probe.stop();
    const slow = await scannerSlowlog(server, 250);
    const commands = await callsOf(server, ["scan", "evalsha_ro", "evalsha"]);
    runs.push({ lat, slow: { ...slow, commands }, keysPerSecond: r.keysPerSecond });
    process.stderr.write(
      `  json gentle run ${i + 1}: ${fmt(r.keysPerSecond)} keys/s, p90 ${fmt(lat.p90, 2)} ms, p99 ${fmt(lat.p99, 2)} ms, ${slow.over} commands >= 250 µs (max ${slow.maxUs} µs)\n`,
    );
  }
  await server.cli("CONFIG", "SET", "slowlog-log-slower-than", "10000");
  const m = (f: (x: Latency) => number, xs: Latency[]) => median(xs.map(f));
  const lat = (xs: Latency[]): Latency => ({
    p50: m((x) => x.p50, xs),
    p90: m((x) => x.p90, xs),
    p99: m((x) => x.p99, xs),
    n: 0,
  });
  return {
    idle: lat(idleRuns),
    gentle: lat(runs.map((r) => r.lat)),
    slow: {
      over: median(runs.map((r) => r.slow.over)),
      maxUs: Math.max(...runs.map((r) => r.slow.maxUs)),
      commands: median(runs.map((r) => r.slow.commands)),
    },
    keysPerSecond: median(runs.map((r) => r.keysPerSecond)),
  };
}

interface Latency {
  p50: number;
  p90: number;
  p99: number;
  n: number;
}

/** The Redis-time table: keys/s, ratio to --memkeys and Redis µs per key of each scan. */
function printRedisRows(redisRows: string[]): void {
  if (redisRows.length === 0) return;
  console.log(
    `\nRedis time per key (INFO commandstats deltas: usec of every command the scan sent / keys; median of ${RUNS}, gentle ${GENTLE_RUNS}); data: ${DATA === "json" ? "500-2,000-byte JSON strings, TTLs within the standard, 4 patterns" : "DEBUG POPULATE 100-byte strings, 4 patterns"}\n`,
  );
  console.log("| keys | scan | keys/s | vs --memkeys | Redis µs/key | split (µs/key) |");
  console.log("|---|---|---|---|---|---|");
  for (const r of redisRows) console.log(r);
}

/** `--data json` (no JSON gentle part): the 2x --memkeys target at the largest size, then exit. */
async function finishSizesOnly(
  perSize: Record<number, { fast: ModeRuns; memkeys: number }>,
  started: number,
): Promise<never> {
  const largest = SIZES[SIZES.length - 1] ?? 0;
  const big = perSize[largest];
  const ok = big !== undefined && big.fast.keysPerSecond >= 2 * big.memkeys;
  if (big)
    console.log(
      `\n| target | result | |\n|---|---|---|\n| fast >= 2x redis-cli --memkeys (${fmt(largest)} keys, ${DATA}) | ${fmt(big.fast.keysPerSecond)} vs ${fmt(big.memkeys)} keys/s (${fmt(big.fast.keysPerSecond / big.memkeys, 2)}x) | ${ok ? "met" : "MISSED"} |`,
    );
  console.log(`\nbench:scan took ${fmt((performance.now() - started) / 1000)} s`);
  const { closeAllConnections } = await import("../lib/redis/connection");
  await closeAllConnections();
  process.exit(ok ? 0 : 1);
}

// ---------------------------------------------------------------- main
async function main(): Promise<void> {
  const server = await startRedisServer({ config: { "enable-debug-command": "local" } });
  const started = performance.now();
  const rows: string[] = [];
  const redisRows: string[] = [];
  const checks: { what: string; ok: boolean; detail: string }[] = [];
  const perSize: Record<
    number,
    {
      fast: ModeRuns;
      gentle: ModeRuns;
      memkeys: number;
      memkeysRun: MemkeysRun;
      idle: { p50: number; p99: number };
    }
  > = {};
  let xargs = { keys: 0, msPerKey: NaN };
  let json: Awaited<ReturnType<typeof jsonGentle>> | undefined;
  try {
    for (const total of JSON_ONLY ? [] : SIZES) {
      const t0 = performance.now();
      if (DATA === "json") await seedJson(server, total);
      else await seed(server, total);
      process.stderr.write(
        `seeded ${fmt(total)} keys (${DATA === "json" ? "500-2,000-byte JSON strings" : "DEBUG POPULATE, 100-byte strings"}) in ${fmt((performance.now() - t0) / 1000, 1)} s\n`,
      );
      const idle = await idleLatency(server);
      const fast = await measureMode(server, "fast", idle.cpuShare);
      const gentle = await measureMode(server, "gentle", idle.cpuShare);
      const mk: MemkeysRun[] = [];
      for (let i = 0; i < RUNS; i++) mk.push(await memkeys(server, total));
      const mkMid = [...mk].sort((a, b) => a.keysPerSecond - b.keysPerSecond)[
        Math.floor(mk.length / 2)
      ] as MemkeysRun;
      perSize[total] = { fast, gentle, memkeys: mkMid.keysPerSecond, memkeysRun: mkMid, idle };
      redisRows.push(
        `| ${fmt(total)} | fast (${fast.via}) | ${fmt(fast.keysPerSecond)} | ${fmt(fast.keysPerSecond / mkMid.keysPerSecond, 2)}x | ${fmt(fast.redisUsPerKey, 2)} µs | ${fmtSplit(fast.split)} |`,
        ...(GENTLE_RUNS > 0
          ? [
              `| ${fmt(total)} | gentle | ${fmt(gentle.keysPerSecond)} | ${fmt(gentle.keysPerSecond / mkMid.keysPerSecond, 2)}x | ${fmt(gentle.redisUsPerKey, 2)} µs | ${fmtSplit(gentle.split)} |`,
            ]
          : []),
        `| ${fmt(total)} | redis-cli --memkeys | ${fmt(mkMid.keysPerSecond)} | 1x | ${fmt(mkMid.redisUsPerKey, 2)} µs | ${fmtSplit(mkMid.split)} |`,
      );
      if (total === SIZES[0]) xargs = await xargsTtl(server);
      rows.push(
        `| ${fmt(total)} | ${fmt(fast.keysPerSecond)} | ${fmt(gentle.keysPerSecond)} | ${fmt(mkMid.keysPerSecond)} | ${fmt(fast.maxRssMB)} MB | ${fmt(gentle.scanUsec, 1)} µs | ${fmt(gentle.metaUsec, 0)} µs | ${fmt(gentle.cpuShare * 100, 1)} % | ${fmt(idle.p50, 2)} / ${fmt(idle.p99, 2)} ms | ${fmt(gentle.p50, 2)} / ${fmt(gentle.p99, 2)} ms | ${fmt(fast.p50, 2)} / ${fmt(fast.p99, 2)} ms |`,
      );
    }
    if (DATA === "populate" || JSON_ONLY) json = await jsonGentle(server);
  } finally {
    await server.stop();
  }

  printRedisRows(redisRows);
  if (!json) return finishSizesOnly(perSize, started);
  console.log(
    `\ngentle scan of ${fmt(JSON_KEYS)} keys of 500-2,000-byte JSON values (median of ${RUNS}); a concurrent client's GET round trips:\n`,
  );
  console.log("| | p50 | p90 | p99 | scanner commands >= 250 µs (SLOWLOG) | longest | gentle keys/s |");
  console.log("|---|---|---|---|---|---|---|");
  console.log(
    `| idle | ${fmt(json.idle.p50, 2)} ms | ${fmt(json.idle.p90, 2)} ms | ${fmt(json.idle.p99, 2)} ms | | | |`,
  );
  console.log(
    `| during gentle | ${fmt(json.gentle.p50, 2)} ms | ${fmt(json.gentle.p90, 2)} ms | ${fmt(json.gentle.p99, 2)} ms | ${fmt(json.slow.over)} of ${fmt(json.slow.commands)} | ${json.slow.maxUs} µs | ${fmt(json.keysPerSecond)} |`,
  );
  const jsonCheck = {
    what: "gentle on 300k JSON values: concurrent p99 within 1 ms of idle",
    ok: json.gentle.p99 - json.idle.p99 <= 1,
    detail: `${fmt(json.gentle.p99, 2)} ms vs ${fmt(json.idle.p99, 2)} ms idle (p90 ${fmt(json.gentle.p90, 2)} vs ${fmt(json.idle.p90, 2)} ms)`,
  };
  if (JSON_ONLY) {
    console.log(
      `\n| target | result | |\n|---|---|---|\n| ${jsonCheck.what} | ${jsonCheck.detail} | ${jsonCheck.ok ? "met" : "MISSED"} |`,
    );
    const { closeAllConnections } = await import("../lib/redis/connection");
    await closeAllConnections();
    process.exit(jsonCheck.ok ? 0 : 1);
  }

  const small = perSize[SIZES[0] as number];
  const big = perSize[SIZES[1] as number];
  if (!small || !big) throw new Error("missing results");
  console.log(
    `\nscanner metadata via ${big.fast.via}; median of ${RUNS} runs; each scan in its own node process\n`,
  );
  console.log(
    "| keys | fast keys/s | gentle keys/s | redis-cli --memkeys keys/s | node peak RSS | gentle: SCAN avg/call | gentle: metadata call avg | gentle: Redis CPU | client p50/p99 idle | during gentle | during fast |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|---|");
  for (const r of rows) console.log(r);
  const scannerMsPerKey = 1000 / big.fast.keysPerSecond;
  console.log(
    `\nguide's \`redis-cli --scan | xargs -n 1 redis-cli TTL\`: ${fmt(xargs.keys)} keys, ${fmt(xargs.msPerKey, 2)} ms per key ` +
      `-> 1M keys in ${fmt((xargs.msPerKey * 1e6) / 3_600_000, 1)} h; console fast mode: ${fmt(scannerMsPerKey * 1000, 1)} µs per key ` +
      `(${fmt(xargs.msPerKey / scannerMsPerKey)}x faster)`,
  );

  checks.push({
    what: "fast >= 2x redis-cli --memkeys at 1M",
    ok: big.fast.keysPerSecond >= 2 * big.memkeys,
    detail: `${fmt(big.fast.keysPerSecond)} vs ${fmt(big.memkeys)} keys/s (${fmt(big.fast.keysPerSecond / big.memkeys, 2)}x)`,
  });
  checks.push({
    what: ">= 100x faster per key than xargs TTL",
    ok: xargs.msPerKey / scannerMsPerKey >= 100,
    detail: `${fmt(xargs.msPerKey / scannerMsPerKey)}x`,
  });
  checks.push({
    what: "node RSS at 1M <= RSS at 100k + 50 MB",
    ok: big.fast.maxRssMB <= small.fast.maxRssMB + 50,
    detail: `${fmt(small.fast.maxRssMB)} MB -> ${fmt(big.fast.maxRssMB)} MB`,
  });
  checks.push({
    what: "gentle: SCAN avg < 250 µs per call (1M)",
    ok: big.gentle.scanUsec < 250,
    detail: `${fmt(big.gentle.scanUsec, 1)} µs`,
  });
  checks.push({
    what: "gentle: <= 25 % of one Redis core (1M)",
    ok: big.gentle.cpuShare <= 0.25,
    detail: `${fmt(big.gentle.cpuShare * 100, 1)} %`,
  });
  checks.push({
    what: "gentle: concurrent p99 within 1 ms of idle (1M)",
    ok: big.gentle.p99 - big.idle.p99 <= 1,
    detail: `${fmt(big.gentle.p99, 2)} ms vs ${fmt(big.idle.p99, 2)} ms idle`,
  });
  checks.push(jsonCheck);
  console.log("\n| target | result | |\n|---|---|---|");
  for (const c of checks) console.log(`| ${c.what} | ${c.detail} | ${c.ok ? "met" : "MISSED"} |`);
  console.log(`\nbench:scan took ${fmt((performance.now() - started) / 1000)} s`);
  const { closeAllConnections } = await import("../lib/redis/connection");
  await closeAllConnections();
  process.exit(checks.every((c) => c.ok) ? 0 : 1);
}

if (process.argv.includes("--cluster")) {
  // `npm run bench:scan -- --cluster 3`: the same scan over a cluster's masters (bench/scan-cluster.ts).
  void import("./scan-cluster").then((m) => m.runClusterBench(process.argv));
} else if (process.argv[2] === "--child") {
  void child(process.argv[3] ?? "", (process.argv[4] as Mode) ?? "fast");
} else {
  void main().catch((err: unknown) => {
    console.error(err);
    process.exit(2);
  });
}
