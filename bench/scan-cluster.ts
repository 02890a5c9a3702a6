// `npm run bench:scan -- --cluster 3 [--keys 1000000] [--runs 3]`: the keyspace scan over a real
// Redis Cluster of N masters (no replicas) against the same keys on one standalone server, in the
// same run:
//   - console fast scan keys/s over the cluster (every master in parallel, through the product's
//     scanInstance) with each metadata reader (the cross-slot script: median of `--runs`; per-key
//     pipelines: one run), and on the standalone server (the script); each scan in its own node
//     process;
//   - `redis-cli -p <master> --memkeys` on every master in parallel (total keys / wall time), and
//     on the standalone server;
//   - a gentle scan of each (one run): total keys/s and keys/s per node.
// Nothing is asserted: the machine's cores bound the speed-up (N Redis processes, the scanning
// node process and redis-cli share them); the figures and the machine are printed for the README.
import { execFile, spawn } from "node:child_process";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { InstanceConfig } from "../lib/config";
import { getClient } from "../lib/redis/connection";
import { keySlot, startRedisCluster, type RedisCluster } from "../tests/helpers/redis-cluster";
import { startRedisServer, type RedisServer } from "../tests/helpers/redis-server";

const run = promisify(execFile);
const self = fileURLToPath(new URL("./scan.ts", import.meta.url));

type Mode = "fast" | "gentle";
type Reader = "cluster" | "pipeline";

interface ChildResult {
  keys: number;
  ms: number;
  keysPerSecond: number;
  via: string;
  status: string;
  /** CPU the scanning node process used, as a share of one core over the scan's wall time. */
  cpuShare: number;
  nodes: { address: string; keys: number; durationMs: number }[];
}

function arg(argv: string[], name: string, fallback: number): number {
  const i = argv.indexOf(name);
  const v = i >= 0 ? Number(argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};
const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

// ---------------------------------------------------------------- child: one scan, one process
async function child(instanceJson: string, mode: Mode, reader: Reader): Promise<void> {
  const { scanInstance } = await import("../lib/scan/instance");
  const { policySchema } = await import("../lib/policy/types");
  const { defaultPolicy } = await import("../lib/policy/default-policy");
  const instance = JSON.parse(instanceJson) as InstanceConfig;
  await getClient(instance, { purpose: "scan" });
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const out = await scanInstance(instance, {
    policy: policySchema.parse(defaultPolicy),
    mode,
    clusterReader: reader,
  });
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const result: ChildResult = {
    cpuShare: (cpu.user + cpu.system) / 1000 / ms,
    keys: out.result.keys,
    ms,
    keysPerSecond: Math.round((out.result.keys / ms) * 1000),
    via: out.via,
    status: out.status,
    nodes: (out.result.nodes ?? []).map((n) => ({
      address: n.address,
      keys: n.keys,
      durationMs: n.durationMs,
    })),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

function scanInChild(instance: InstanceConfig, mode: Mode, reader: Reader): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(
      process.execPath,
      [
        ...process.execArgv,
        self,
        "--cluster",
        "child",
        "--cluster-child",
        JSON.stringify(instance),
        mode,
        reader,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.on("exit", (code) => {
      const line = out.trim().split("\n").pop() ?? "";
      if (code !== 0) return reject(new Error(`scan child exited with ${code}: ${out}`));
      resolve(JSON.parse(line) as ChildResult);
    });
  });
}

// ---------------------------------------------------------------- the keyspace
const PARTS: [string, number, number][] = [
  ["isl:result", 0.4, 7200],
  ["isl:ident", 0.2, 21600],
  ["isl:sensitivity", 0.2, 14400],
  ["isl:beliefs", 0.2, 86400],
];

/** Key i: the pattern by share, a 16-hex id; every 100th without TTL, every 50th above standard. */
function* keyspace(total: number): Generator<{ key: string; ttl: number }> {
  let i = 0;
  for (const [prefix, share, standard] of PARTS) {
    const n = Math.round(total * share);
    for (let j = 0; j < n; j++, i++) {
      // Within the standard's upper half: no key expires while the bench runs (an hour at least).
      const ttl =
        j % 100 === 0 ? -1 : j % 50 === 1 ? standard * 2 : standard / 2 + ((j * 7919) % (standard / 2 - 60));
      yield { key: `${prefix}:${i.toString(16).padStart(16, "0")}`, ttl };
    }
  }
}

const VALUE = "v".repeat(100);

/** Writes the keys to `server` in pipelines of 10k (only the keys `want` accepts). */
async function load(server: RedisServer, total: number, want: (key: string) => boolean): Promise<number> {
  const redis = await getClient({
    id: `bench-load-${server.port}`,
    name: "load",
    environment: "development",
    url: server.url,
    readOnly: false,
  });
  let pipeline = redis.pipeline();
  let queued = 0;
  let written = 0;
  for (const { key, ttl } of keyspace(total)) {
    if (!want(key)) continue;
    if (ttl > 0) pipeline.set(key, VALUE, "EX", ttl);
    else pipeline.set(key, VALUE);
    queued++;
    written++;
    if (queued === 10_000) {
      await pipeline.exec();
      pipeline = redis.pipeline();
      queued = 0;
    }
  }
  if (queued > 0) await pipeline.exec();
  return written;
}

async function loadCluster(cluster: RedisCluster, total: number): Promise<number[]> {
  const masters = await cluster.masters();
  const owner = new Int16Array(16384).fill(-1);
  masters.forEach((m, i) => {
    for (const [a, b] of m.slots) owner.fill(i, a, b + 1);
  });
  return Promise.all(masters.map((m, i) => load(m.server, total, (key) => owner[keySlot(key)] === i)));
}

/** `redis-cli --memkeys` on every server at once: total keys per second of wall time. */
async function memkeys(servers: RedisServer[], total: number): Promise<number> {
  const t0 = performance.now();
  await Promise.all(
    servers.map((s) =>
      run("redis-cli", ["-h", "127.0.0.1", "-p", String(s.port), "--memkeys"], {
        maxBuffer: 16 * 1024 * 1024,
      }),
    ),
  );
  return total / ((performance.now() - t0) / 1000);
}

async function repeat<T>(
  runs: number,
  what: string,
  fn: () => Promise<T>,
  rate: (t: T) => number,
): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await fn();
    out.push(r);
    process.stderr.write(`  ${what} run ${i + 1}: ${fmt(rate(r))} keys/s\n`);
  }
  return out;
}

// ---------------------------------------------------------------- main
async function main(argv: string[]): Promise<void> {
  const masters = arg(argv, "--cluster", 3);
  const total = arg(argv, "--keys", 1_000_000);
  const runs = arg(argv, "--runs", 3);
  const started = performance.now();
  const load0 = os.loadavg();
  process.stderr.write(`starting a cluster of ${masters} masters (no replicas) and one standalone server\n`);
  const cluster = await startRedisCluster({ masters, replicasPerMaster: 0 });
  const standalone = await startRedisServer();
  try {
    const t0 = performance.now();
    const perMaster = await loadCluster(cluster, total);
    const loaded = await load(standalone, total, () => true);
    process.stderr.write(
      `loaded ${fmt(total)} keys into the cluster (${perMaster.map((n) => fmt(n)).join(" / ")} per master) and the standalone server in ${fmt((performance.now() - t0) / 1000, 1)} s\n`,
    );
    if (loaded !== total || perMaster.reduce((a, b) => a + b, 0) !== total)
      throw new Error("load incomplete");

    const clusterInstance: InstanceConfig = {
      id: "bench-cluster",
      name: "bench cluster",
      environment: "development",
      kind: "cluster",
      url: cluster.seeds[0] ?? "",
      nodes: cluster.seeds,
      readOnly: false,
    };
    const standaloneInstance: InstanceConfig = {
      id: "bench-standalone",
      name: "bench standalone",
      environment: "development",
      url: standalone.url,
      readOnly: false,
    };
    const kps = (r: ChildResult) => r.keysPerSecond;
    const check = (r: ChildResult) => {
      if (r.keys !== total || r.status !== "done") throw new Error(`scan read ${r.keys} keys (${r.status})`);
      return r;
    };
    const single = await repeat(
      runs,
      "standalone fast",
      async () => check(await scanInChild(standaloneInstance, "fast", "cluster")),
      kps,
    );
    const script = await repeat(
      runs,
      "cluster fast (cross-slot script)",
      async () => check(await scanInChild(clusterInstance, "fast", "cluster")),
      kps,
    );
    // Per-key pipelines are several times slower: one run (the script is what the product uses).
    const pipes = await repeat(
      1,
      "cluster fast (pipelines)",
      async () => check(await scanInChild(clusterInstance, "fast", "pipeline")),
      kps,
    );
    const mkCluster = await repeat(
      runs,
      "redis-cli --memkeys on every master",
      () => memkeys(cluster.nodes, total),
      (n) => n,
    );
    const mkSingle = await repeat(
      runs,
      "redis-cli --memkeys standalone",
      () => memkeys([standalone], total),
      (n) => n,
    );
    process.stderr.write("  gentle scans (one run each)\n");
    const gentleSingle = check(await scanInChild(standaloneInstance, "gentle", "cluster"));
    const gentleCluster = check(await scanInChild(clusterInstance, "gentle", "cluster"));
    const load1 = os.loadavg();

    const m = (xs: ChildResult[]) => median(xs.map(kps));
    const singleKps = m(single);
    const scriptKps = m(script);
    const pipesKps = m(pipes);
    const mkClusterKps = median(mkCluster);
    const mkSingleKps = median(mkSingle);
    const perNode = (r: ChildResult) =>
      r.nodes.map((n) => `${n.address} ${fmt((n.keys / Math.max(1, n.durationMs)) * 1000)}`).join(", ");

    console.log(
      `\nmachine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"}), load average ${load0.map((x) => fmt(x, 2)).join(" ")} at start, ${load1.map((x) => fmt(x, 2)).join(" ")} at end; node ${process.version}`,
    );
    console.log(
      `${fmt(total)} keys (100-byte strings, 4 policy patterns, 1 % without TTL, 2 % above standard); cluster of ${masters} masters without replicas (${perMaster.map((n) => fmt(n)).join(" / ")} keys); median of ${runs} runs (pipelines: one run), each scan in its own node process\n`,
    );
    const cpuOf = (xs: ChildResult[]) => `${fmt(median(xs.map((r) => r.cpuShare)) * 100)} %`;
    console.log(
      "| scan | keys/s | vs standalone fast | vs redis-cli --memkeys (same servers) | scanning node process CPU (of one core) |",
    );
    console.log("|---|---|---|---|---|");
    console.log(
      `| standalone, fast (${single[0]?.via}) | ${fmt(singleKps)} | 1.00x | ${fmt(singleKps / mkSingleKps, 2)}x | ${cpuOf(single)} |`,
    );
    console.log(
      `| cluster, fast, cross-slot script (${script[0]?.via}) | ${fmt(scriptKps)} | ${fmt(scriptKps / singleKps, 2)}x | ${fmt(scriptKps / mkClusterKps, 2)}x | ${cpuOf(script)} |`,
    );
    console.log(
      `| cluster, fast, per-key pipelines | ${fmt(pipesKps)} | ${fmt(pipesKps / singleKps, 2)}x | ${fmt(pipesKps / mkClusterKps, 2)}x | ${cpuOf(pipes)} |`,
    );
    console.log(`| redis-cli --memkeys, standalone | ${fmt(mkSingleKps)} | | | |`);
    console.log(`| redis-cli --memkeys, every master in parallel | ${fmt(mkClusterKps)} | | | |`);
    console.log(`| standalone, gentle | ${fmt(gentleSingle.keysPerSecond)} | | | ${cpuOf([gentleSingle])} |`);
    console.log(
      `| cluster, gentle (each node its own throttle) | ${fmt(gentleCluster.keysPerSecond)} | ${fmt(gentleCluster.keysPerSecond / gentleSingle.keysPerSecond, 2)}x of standalone gentle | | ${cpuOf([gentleCluster])} |`,
    );
    console.log(`\ngentle keys/s per node: ${perNode(gentleCluster)}`);
    console.log(
      `fast (cross-slot script) keys/s per node, last run: ${perNode(script[script.length - 1] as ChildResult)}`,
    );
    console.log(`\nbench:scan --cluster took ${fmt((performance.now() - started) / 1000)} s`);
  } finally {
    const { closeAllConnections } = await import("../lib/redis/connection");
    await closeAllConnections();
    await standalone.stop();
    await cluster.stop();
  }
}

/** Entry from bench/scan.ts when `--cluster` is given. */
export function runClusterBench(argv: string[]): void {
  const at = argv.indexOf("--cluster-child");
  if (at >= 0) {
    void child(argv[at + 1] ?? "{}", (argv[at + 2] as Mode) ?? "fast", (argv[at + 3] as Reader) ?? "cluster");
    return;
  }
  void main(argv)
    .then(() => process.exit(0))
    .catch((err: unknown) => {
      console.error(err);
      process.exit(2);
    });
}
