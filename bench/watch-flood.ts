// Tools for measuring the live TTL watch under a write flood, shared by `npm run bench:watch` and
// tests/integration/watch-flood.test.ts: a writer process that sends SETs at a fixed rate
// (pipelined every 10 ms, 1 % without TTL), probes that measure Redis's PING p99 from a process of
// their own (redis-benchmark -c 1: a burst of PINGs back to back; and a paced probe: one PING
// every 2 ms over seconds), and the TTL calls Redis counted.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The writer, in its own node process so the console's event loop measures only the watch. */
const WRITER = `
import Redis from "ioredis";
const [port, rate, seconds] = process.argv.slice(1).map(Number);
const redis = new Redis({ port, host: "127.0.0.1", lazyConnect: true });
await redis.connect();
const t0 = Date.now();
let sent = 0;
let n = 0;
while (Date.now() - t0 < seconds * 1000) {
  const due = Math.min(Math.floor(((Date.now() - t0) / 1000) * rate) - sent, 5000);
  if (due > 0) {
    const p = redis.pipeline();
    for (let i = 0; i < due; i++) {
      const key = "isl:ident:" + (n++ % 100000).toString(16).padStart(16, "0");
      if (n % 100 === 0) p.set(key, "v");
      else p.set(key, "v", "EX", 3600);
    }
    await p.exec();
    sent += due;
  }
  await new Promise((r) => setTimeout(r, 10));
}
console.log(JSON.stringify({ sent, seconds: (Date.now() - t0) / 1000 }));
redis.disconnect();
`;

export interface Flood {
  done: Promise<{ sent: number; seconds: number }>;
  child: ChildProcess;
}

/** Starts writing `rate` SETs a second for `seconds` to 127.0.0.1:port (keys isl:ident:<16 hex>, 100k distinct). */
export function startFlood(port: number, rate: number, seconds: number, cwd = process.cwd()): Flood {
  const child = spawn(
    process.execPath,
    ["--input-type=module", "-e", WRITER, String(port), String(rate), String(seconds)],
    {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  let err = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
  const done = new Promise<{ sent: number; seconds: number }>((resolve, reject) => {
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`flood writer exited ${code}: ${err}`));
      try {
        resolve(JSON.parse(out.trim().split("\n").at(-1) ?? "") as { sent: number; seconds: number });
      } catch {
        reject(new Error(`flood writer said: ${out} ${err}`));
      }
    });
  });
  return { done, child };
}

/** p50/p99 of `n` PINGs sent one at a time by redis-benchmark (its own process), in ms. */
export async function pingLatency(port: number, n = 2000): Promise<{ p50: number; p99: number }> {
  const { stdout } = await run("redis-benchmark", [
    "-h",
    "127.0.0.1",
    "-p",
    String(port),
    "-c",
    "1",
    "-n",
    String(n),
    "-t",
    "ping",
    "--csv",
  ]);
  const line = stdout.split("\n").find((l) => l.startsWith('"PING_MBULK"'));
  const cells = line?.split(",").map((c) => c.replace(/"/g, "")) ?? [];
  // "test","rps","avg","min","p50","p95","p99","max"
  return { p50: Number(cells[4]), p99: Number(cells[6]) };
}

/**
 * The paced probe, in its own node process: one PING at a time on one connection, the next `everyMs`
 * after each reply, for `seconds`; prints every round trip's p50 and p99 in ms.
 */
const PROBE = `
import net from "node:net";
const [port, seconds, everyMs] = process.argv.slice(1).map(Number);
const s = net.connect({ port, host: "127.0.0.1" });
s.setNoDelay(true);
await new Promise((resolve, reject) => { s.once("connect", resolve); s.once("error", reject); });
const end = performance.now() + seconds * 1000;
const rtt = [];
let sentAt = 0;
let got = "";
const send = () => { sentAt = performance.now(); s.write("PING\\r\\n"); };
await new Promise((resolve) => {
  s.on("data", (d) => {
    got += d.toString("latin1");
    if (!got.endsWith("\\r\\n")) return;
    rtt.push(performance.now() - sentAt);
    got = "";
    if (performance.now() >= end) return resolve();
    setTimeout(send, everyMs);
  });
  send();
});
s.destroy();
rtt.sort((a, b) => a - b);
const at = (q) => rtt[Math.min(rtt.length - 1, Math.floor(q * rtt.length))];
console.log(JSON.stringify({ n: rtt.length, p50: at(0.5), p99: at(0.99) }));
`;

/**
 * Redis's PING round trip seen by a client of its own process (one PING at a time, paced every
 * `everyMs`), over `seconds`: p50 and p99 in ms and the number of PINGs. Paced over the whole
 * window rather than a burst of back-to-back PINGs, so the p99 covers the flood's seconds, not
 * the tenth of a second a burst lasts.
 */
export async function pingPaced(
  port: number,
  seconds: number,
  options: { everyMs?: number; cpu?: number } = {},
): Promise<{ p50: number; p99: number; n: number }> {
  const args = ["--input-type=module", "-e", PROBE, String(port), String(seconds), String(options.everyMs ?? 2)];
  // `cpu`: the probe runs on that CPU only (taskset), e.g. beside a pinned Redis.
  const { stdout } =
    options.cpu === undefined
      ? await run(process.execPath, args)
      : await run("taskset", ["-c", String(options.cpu), process.execPath, ...args]);
  const r = JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as { p50: number; p99: number; n: number };
  const ms = (x: number) => Math.round(x * 1000) / 1000;
  return { p50: ms(r.p50), p99: ms(r.p99), n: r.n };
}

/** Calls of one command since the server started (INFO commandstats). */
export async function commandCalls(port: number, command: string): Promise<number> {
  const { stdout } = await run("redis-cli", ["-h", "127.0.0.1", "-p", String(port), "INFO", "commandstats"]);
  const m = new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(stdout);
  return m ? Number(m[1]) : 0;
}

/** The machine's load while measuring (1-minute load average, cores). */
export async function machineLoad(): Promise<string> {
  const os = await import("node:os");
  return `load ${os.loadavg()[0]?.toFixed(2)} on ${os.cpus().length} cores`;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
