// `npm run bench:overview`: 20 concurrent clients polling GET /api/instances/{id}/overview for 30 s,
// beside the same run with 1 client. The real route handler behind a real HTTP server (node:http,
// keep-alive) in one process with the real sampler (1 s interval) against a spawned redis-server.
// Prints p50/p95 latency and the Redis commands per minute the console sent, from INFO
// commandstats deltas (minus the benchmark's own INFO reads). Targets: p95 < 50 ms and
// commands/min with 20 clients / with 1 client < 1.1 (viewers cause no Redis calls).
// Each client polls every POLL_MS (100 ms: ten times faster than the page's own poll at this
// sample interval); a third run with 20 clients polling back to back shows the saturation point.
// `-- --store postgres`: the same against the PostgreSQL store (a fresh database on
// STORE_TEST_POSTGRES_URL's server, dropped afterwards) instead of the SQLite file.
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { authedRequest, ensureTestAuth } from "../tests/helpers/auth";
import { createTestDatabase } from "../tests/helpers/postgres";
import { startRedisServer, type RedisServer } from "../tests/helpers/redis-server";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const CLIENTS = 20;
const TARGET_P95_MS = 50;
const TARGET_RATIO = 1.1;
const POLL_MS = Number(process.env.BENCH_POLL_MS ?? 100);
const STORE = process.argv.includes("--store")
  ? process.argv[process.argv.indexOf("--store") + 1]
  : "sqlite";
if (STORE !== "sqlite" && STORE !== "postgres") throw new Error(`--store ${STORE}: sqlite or postgres`);

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? NaN;
}

/** Total calls of every command so far, from INFO commandstats. */
async function totalCalls(server: RedisServer): Promise<number> {
  const text = await server.cli("INFO", "commandstats");
  let total = 0;
  for (const m of text.matchAll(/^cmdstat_[^:]+:calls=(\d+)/gm)) total += Number(m[1]);
  return total;
}

interface RunResult {
  clients: number;
  pollMs: number;
  requests: number;
  p50: number;
  p95: number;
  max: number;
  commandsPerMinute: number;
}

async function run(
  base: string,
  server: RedisServer,
  clients: number,
  pollMs: number,
  seconds = SECONDS,
): Promise<RunResult> {
  const latencies: number[] = [];
  const before = await totalCalls(server);
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const client = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      const res = await fetch(`${base}/api/instances/bench/overview`);
      const body = (await res.json()) as { reachable?: boolean };
      if (res.status !== 200 || body.reachable !== true)
        throw new Error(`overview answered ${res.status} ${JSON.stringify(body)}`);
      const ms = performance.now() - t0;
      latencies.push(ms);
      if (pollMs > ms) await new Promise((r) => setTimeout(r, pollMs - ms));
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  const elapsedMin = (performance.now() - started) / 60_000;
  // Minus one: the first INFO commandstats above is counted in the second reading.
  const commands = (await totalCalls(server)) - before - 1;
  latencies.sort((a, b) => a - b);
  return {
    clients,
    pollMs,
    requests: latencies.length,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    max: latencies.at(-1) ?? NaN,
    commandsPerMinute: commands / elapsedMin,
  };
}

async function main() {
  const server = await startRedisServer({
    config: { maxmemory: "64mb", "maxmemory-policy": "volatile-lru" },
  });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "isl-bench-overview-"));
  const database = STORE === "postgres" ? await createTestDatabase() : undefined;
  let httpServer: http.Server | undefined;
  try {
    for (let i = 0; i < 200; i++)
      await server.cli("SET", `isl:result:${i.toString(16).padStart(16, "0")}`, "{}", "EX", "3600");
    process.env.REDIS_URL = server.url;
    process.env.REDIS_INSTANCE_ID = "bench";
    process.env.CONSOLE_DATA_DIR = dataDir;
    if (database) process.env.DATABASE_URL = database.url;
    else delete process.env.DATABASE_URL;
    process.env.SAMPLE_INTERVAL_SECONDS = "1";
    delete process.env.ISL_INSTANCES_FILE;
    // Every API route needs credentials: a viewer API token, as a script would send it.
    ensureTestAuth();
    const { GET } = await import("../app/api/instances/[id]/overview/route");
    const { startMetricsSampler, stopMetricsSampler } = await import("../lib/metrics/service");
    const { closeAllConnections } = await import("../lib/redis/connection");

    httpServer = http.createServer((req, res) => {
      const id = /^\/api\/instances\/([^/]+)\/overview/.exec(req.url ?? "")?.[1] ?? "";
      GET(authedRequest(`http://localhost${req.url}`, { role: "viewer" }), { params: Promise.resolve({ id }) })
        .then(async (response) => {
          res.writeHead(response.status, { "content-type": "application/json" });
          res.end(Buffer.from(await response.arrayBuffer()));
        })
        .catch((err: unknown) => {
          res.writeHead(500);
          res.end(String(err));
        });
    });
    httpServer.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => httpServer?.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;

    startMetricsSampler();
    await new Promise((r) => setTimeout(r, 3000)); // a few samples, so the overview has rates
    console.log(`redis-server ${server.url}, store ${STORE}, sampler every 1 s, ${SECONDS} s per run\n`);

    await run(base, server, 4, 0, 2); // warm-up: JIT, connection pool, caches
    const one = await run(base, server, 1, POLL_MS);
    const many = await run(base, server, CLIENTS, POLL_MS);
    const flood = await run(base, server, CLIENTS, 0, Math.min(SECONDS, 10));
    const ratio = many.commandsPerMinute / one.commandsPerMinute;

    console.log("| clients | poll | requests | p50 | p95 | max | Redis commands/min sent by the console |");
    console.log("|---|---|---|---|---|---|---|");
    for (const r of [one, many, flood]) {
      console.log(
        `| ${r.clients} | ${r.pollMs ? `every ${r.pollMs} ms` : "back to back"} | ${r.requests.toLocaleString("en-US")} | ${r.p50.toFixed(2)} ms | ${r.p95.toFixed(2)} ms | ${r.max.toFixed(1)} ms | ${r.commandsPerMinute.toFixed(1)} |`,
      );
    }
    console.log(
      `\nratio of Redis commands/min, ${CLIENTS} clients / 1 client: ${ratio.toFixed(3)} (target < ${TARGET_RATIO})`,
    );
    console.log(
      `p95 with ${CLIENTS} clients polling every ${POLL_MS} ms: ${many.p95.toFixed(2)} ms (target < ${TARGET_P95_MS} ms)`,
    );
    console.log(
      `back to back, ${CLIENTS} clients: ${(flood.requests / Math.min(SECONDS, 10)).toFixed(0)} requests/s, p95 ${flood.p95.toFixed(1)} ms (not a target)`,
    );
    await stopMetricsSampler();
    await closeAllConnections();
    await (await import("../lib/store")).getStore().close();
    const ok = many.p95 < TARGET_P95_MS && one.p95 < TARGET_P95_MS && ratio < TARGET_RATIO;
    console.log(ok ? "\nPASS" : "\nFAIL: a target was missed");
    process.exitCode = ok ? 0 : 1;
  } finally {
    httpServer?.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
    await database?.drop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
