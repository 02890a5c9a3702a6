// `npm run bench:watch` (run it under `flock /tmp/i13/heavy.lock`): the live TTL watch's cost to
// Redis under a flood of writes. A spawned redis-server with keyspace notifications on; a writer
// process sends 50k SETs/s (pipelined every 10 ms, 1 % without TTL, 100k distinct isl:ident: keys);
// a probe process (redis-benchmark -c 1 -n 2000 -t ping: a burst of about 0.1 s) measures Redis's
// PING p99 idle, during the flood without the watch, and during the flood with the watch (this
// process, at
// WATCH_MAX_READS_PER_SECOND, default 500). Also: TTL reads per second (INFO commandstats) and the
// watch's sampling line. Target: PING p99 with the watch within 1 ms of idle, and TTL reads within
// the limit; the exit code is 1 when one is missed, or when the writer fell short of 90 % of the
// rate with the watch on (a flood that slowed down says nothing about a 50k flood). Also printed:
// the CPU Redis used (INFO cpu) and the CPU this process used (the console's watch), in % of a core,
// and a paced probe's p99 (one PING every 2 ms over 3 s idle and over the rest of each flood), which
// covers the whole flood rather than a tenth of a second of it, wake-ups from idle included.
// Options: -- --rate 50000 --seconds 15 --limit 500 --rounds 3 --pin
// `--pin` (Linux, 2+ cores): Redis on CPU 0, this process (the console's watch), the writer and the
// probe on the other CPUs, as when the console runs on another host than Redis: on a 2-core machine
// the console decoding ~90k events/s otherwise takes CPU time from Redis itself.
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { commandCalls, machineLoad, pingLatency, pingPaced, sleep, startFlood } from "./watch-flood";
import { startRedisServer } from "../tests/helpers/redis-server";

const argAfter = (name: string) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const RATE = Number(argAfter("--rate") ?? 50_000);
const SECONDS = Number(argAfter("--seconds") ?? 15);
const LIMIT = Number(argAfter("--limit") ?? 500);
const ROUNDS = Number(argAfter("--rounds") ?? 3);
const PIN = process.argv.includes("--pin");
/**
 * Pinned, the paced probe shares Redis's CPU (it waits on Redis anyway), so what it measures is
 * Redis, not the writer's and the console's CPU on a shared host.
 */
const probeOn = PIN ? { cpu: 0 } : {};
/** The paced probe runs from after the burst to a second before the flood's end. */
const PROBE_SECONDS = Math.max(1, SECONDS - 3);

/** Seconds of CPU Redis has used since it started (INFO cpu, user + system). */
async function redisCpuSeconds(port: number): Promise<number> {
  const args = ["-h", "127.0.0.1", "-p", String(port), "INFO", "cpu"];
  const { stdout } = await promisify(execFile)("redis-cli", args);
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(stdout)?.[1] ?? NaN);
  return field("used_cpu_user") + field("used_cpu_sys");
}

/** Seconds of CPU this process has used. */
const ownCpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

const pct = (x: number | undefined) => `${Math.round(x ?? NaN)} %`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function main(): Promise<void> {
  const server = await startRedisServer({ config: { "notify-keyspace-events": "Eg$lshz" } });
  if (PIN) {
    const cpus = os.availableParallelism();
    if (cpus < 2 || !server.process.pid) throw new Error("--pin needs 2 or more CPUs");
    execFileSync("taskset", ["-a", "-p", "-c", "0", String(server.process.pid)]);
    // Children (writer, probe) inherit this process's CPUs.
    execFileSync("taskset", ["-a", "-p", "-c", `1-${cpus - 1}`, String(process.pid)]);
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "isl-bench-watch-"));
  const instancesFile = path.join(dataDir, "instances.json");
  writeFileSync(
    instancesFile,
    JSON.stringify([{ id: "bench", name: "bench", environment: "development", url: server.url }]),
  );
  process.env.ISL_INSTANCES_FILE = instancesFile;
  process.env.CONSOLE_DATA_DIR = dataDir;
  process.env.WATCH_MAX_READS_PER_SECOND = String(LIMIT);
  const config = await import("../lib/config");
  config.resetConfigForTests();
  const { WatchService, watchStatus } = await import("../lib/watch/service");
  const { getStore } = await import("../lib/store");
  const { closeAllConnections } = await import("../lib/redis/connection");
  const instance = config.getConfig().instances[0];
  if (!instance) throw new Error("no instance");

  const idle: number[] = [];
  const off: number[] = [];
  const on: number[] = [];
  const pacedIdle: number[] = [];
  const pacedOff: number[] = [];
  const pacedOn: number[] = [];
  const offRate: number[] = [];
  const onRate: number[] = [];
  const ttlPerSecond: number[] = [];
  const redisCpuOff: number[] = [];
  const redisCpuOn: number[] = [];
  const consoleCpuOn: number[] = [];
  const cpuPerEvent: number[] = [];
  let sampling = "";
  console.log(
    `bench:watch: ${RATE} writes/s for ${SECONDS} s, limit ${LIMIT} TTL reads/s, ${ROUNDS} rounds${PIN ? ", Redis pinned to CPU 0, the rest to the other CPUs" : ""} (${await machineLoad()})`,
  );
  for (let round = 1; round <= ROUNDS; round++) {
    idle.push((await pingLatency(server.port)).p99);
    pacedIdle.push((await pingPaced(server.port, 3, probeOn)).p99);
    const r1 = await redisCpuSeconds(server.port);
    const f1 = startFlood(server.port, RATE, SECONDS);
    await sleep(1000);
    off.push((await pingLatency(server.port)).p99);
    pacedOff.push((await pingPaced(server.port, PROBE_SECONDS, probeOn)).p99);
    const w1 = await f1.done;
    offRate.push(w1.sent / w1.seconds);
    redisCpuOff.push((100 * ((await redisCpuSeconds(server.port)) - r1)) / w1.seconds);

    const service = new WatchService({
      db: getStore(),
      instances: [instance],
      maxReadsPerSecond: LIMIT,
      isLeader: () => true,
    });
    service.start();
    while (watchStatus(instance).state !== "on") await sleep(100);
    const calls0 = await commandCalls(server.port, "ttl");
    const t0 = Date.now();
    const r2 = await redisCpuSeconds(server.port);
    const c2 = ownCpuSeconds();
    const f2 = startFlood(server.port, RATE, SECONDS);
    await sleep(1000);
    on.push((await pingLatency(server.port)).p99);
    pacedOn.push((await pingPaced(server.port, PROBE_SECONDS, probeOn)).p99);
    const w2 = await f2.done;
    onRate.push(w2.sent / w2.seconds);
    const consoleSeconds = ownCpuSeconds() - c2;
    consoleCpuOn.push((100 * consoleSeconds) / w2.seconds);
    redisCpuOn.push((100 * ((await redisCpuSeconds(server.port)) - r2)) / w2.seconds);
    ttlPerSecond.push(((await commandCalls(server.port, "ttl")) - calls0) / ((Date.now() - t0) / 1000));
    const lastMinute = watchStatus(instance).lastMinute;
    sampling = lastMinute.text ?? "not sampling";
    // The whole process's CPU (TTL reads, status writes included) per keyevent received.
    cpuPerEvent.push((consoleSeconds * 1e6) / Math.max(1, lastMinute.events));
    await service.stop();
    console.log(
      `  round ${round}: PING p99 idle ${idle.at(-1)} ms, flood without watch ${off.at(-1)} ms, with watch ${on.at(-1)} ms (paced: ${pacedIdle.at(-1)} / ${pacedOff.at(-1)} / ${pacedOn.at(-1)} ms); writes/s ${Math.round(offRate.at(-1) ?? 0)} / ${Math.round(onRate.at(-1) ?? 0)}; TTL reads ${Math.round(ttlPerSecond.at(-1) ?? 0)}/s; CPU Redis ${pct(redisCpuOff.at(-1))} / ${pct(redisCpuOn.at(-1))}, console ${pct(consoleCpuOn.at(-1))} (${(cpuPerEvent.at(-1) ?? NaN).toFixed(1)} µs per event); ${sampling}`,
    );
    await sleep(1000);
  }
  const result = {
    idleP99: median(idle),
    floodOffP99: median(off),
    floodOnP99: median(on),
    writesPerSecondOff: Math.round(median(offRate)),
    writesPerSecondOn: Math.round(median(onRate)),
    ttlReadsPerSecond: Math.round(median(ttlPerSecond)),
    redisCpuOff: median(redisCpuOff),
    redisCpuOn: median(redisCpuOn),
    consoleCpuOn: median(consoleCpuOn),
    cpuPerEvent: median(cpuPerEvent),
  };
  const latencyOk = result.floodOnP99 <= result.idleP99 + 1;
  const budgetOk = Math.max(...ttlPerSecond) <= LIMIT * 1.1;
  const floodOk = Math.min(...onRate) >= RATE * 0.9;
  console.log(
    [
      `median of ${ROUNDS}: PING p99 idle ${result.idleP99} ms, flood without watch ${result.floodOffP99} ms, flood with watch ${result.floodOnP99} ms`,
      `  paced probe (a PING every 2 ms over the flood${PIN ? ", on Redis's CPU" : ""}): p99 idle ${median(pacedIdle)} ms, flood without watch ${median(pacedOff)} ms, flood with watch ${median(pacedOn)} ms`,
      `  writer reached ${result.writesPerSecondOff} writes/s without the watch, ${result.writesPerSecondOn} with it (${await machineLoad()})`,
      `  TTL reads ${result.ttlReadsPerSecond}/s (limit ${LIMIT}/s)`,
      `  CPU (% of one core): Redis ${pct(result.redisCpuOff)} during the flood without the watch, ${pct(result.redisCpuOn)} with it; the console's process ${pct(result.consoleCpuOn)} with it (${result.cpuPerEvent.toFixed(1)} µs of CPU per keyevent received)`,
      `  target PING p99 with watch within 1 ms of idle: ${latencyOk ? "met" : "MISSED"}; TTL reads within the limit: ${budgetOk ? "met" : "MISSED"}; writer at 90 % of ${RATE}/s or more with the watch in every round: ${floodOk ? "yes" : "NO (the flood slowed down: the latency figure does not show a full flood)"}`,
    ].join("\n"),
  );
  await closeAllConnections();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(latencyOk && budgetOk && floodOk ? 0 : 1);
}

void main();
