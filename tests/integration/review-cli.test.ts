// The weekly review without the web server: `npm run review` against a spawned redis-server
// seeded with known keys, its Markdown's per-pattern counts checked against what redis-cli --scan
// reports; and week-over-week change through the console's store with --data-dir/--save.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "@/lib/config/load";
import { closeAllConnections } from "@/lib/redis/connection";
import { runReview } from "@/lib/review/cli";
import { reviewToMarkdown } from "@/lib/review/export";
import { freePort } from "../helpers/free-port";
import { startRedisServer, type RedisServer } from "../helpers/redis-server";

const root = path.resolve(__dirname, "../..");
const hex = (i: number) => i.toString(16).padStart(16, "0");

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The test's own environment minus any console configuration the developer has set. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (/^(REDIS_|ISL_|CONSOLE_)/.test(name)) delete env[name];
  }
  return env;
}

function runCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [
        path.join(root, "node_modules/tsx/dist/cli.mjs"),
        "--conditions=react-server",
        "scripts/review.ts",
        ...args,
      ],
      { cwd: root, env: { ...cleanEnv(), ...env }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Keys per pattern as the guide counts them: redis-cli --scan --pattern, one line per key. */
async function scanCount(server: RedisServer, pattern: string): Promise<number> {
  const out = await server.cli("--scan", "--pattern", pattern);
  return out.split("\n").filter((l) => l !== "").length;
}

let server: RedisServer;

async function seed(): Promise<void> {
  const commands: string[][] = [];
  // beliefs: 12 keys (below its 50-100 range), one without TTL, one readable id (possible PII).
  for (let i = 0; i < 11; i++) commands.push(["SET", `isl:beliefs:${hex(i)}`, "x".repeat(400), "EX", "3600"]);
  commands.push(["SET", "isl:beliefs:user_123", "y".repeat(400)]);
  // ident: 25 keys (within 20-30), two with a TTL above the 6 h standard.
  for (let i = 0; i < 23; i++)
    commands.push(["SET", `isl:ident:${hex(100 + i)}`, "z".repeat(3000), "EX", "600"]);
  commands.push(["SET", `isl:ident:${hex(200)}`, "z", "EX", String(7 * 3600)]);
  commands.push(["SET", `isl:ident:${hex(201)}`, "z", "EX", String(30 * 3600)]);
  // result: 3 keys, one of them a list.
  commands.push(["SET", `isl:result:${hex(300)}`, "r".repeat(8000), "EX", "1800"]);
  commands.push(["SET", `isl:result:${hex(301)}`, "r".repeat(8000), "EX", "1800"]);
  commands.push(["RPUSH", `isl:result:${hex(302)}`, "a", "b", "c"]);
  commands.push(["EXPIRE", `isl:result:${hex(302)}`, "900"]);
  // Outside the patterns: unknown pattern under isl:, and foreign keys.
  commands.push(["SET", "isl:scratch:1", "s", "EX", "60"]);
  commands.push(["SET", "isl:scratch:2", "s", "EX", "60"]);
  commands.push(["SET", "plot:session:42", "p", "EX", "60"]);
  for (const c of commands) await server.cli(...c);
}

beforeAll(async () => {
  server = await startRedisServer({ config: { maxmemory: "32mb", "maxmemory-policy": "volatile-lru" } });
  await seed();
});

afterAll(async () => {
  await closeAllConnections();
  await server?.stop();
});

describe("npm run review", () => {
  it("prints a Markdown review whose per-pattern counts match redis-cli --scan", async () => {
    const run = await runCli(["--url", server.url, "--name", "Spawned"]);
    expect(run.stderr).toMatch(/review: scanning 127\.0\.0\.1:\d+\/0 \(match "\*", gentle mode\)/);
    expect(run.code).toBe(0);
    const md = run.stdout;
    expect(md).toMatch(/^# Weekly key-distribution review: Spawned \(development\)$/m);
    const counts = {
      beliefs: await scanCount(server, "isl:beliefs:*"),
      ident: await scanCount(server, "isl:ident:*"),
      result: await scanCount(server, "isl:result:*"),
      sensitivity: await scanCount(server, "isl:sensitivity:*"),
    };
    expect(counts).toEqual({ beliefs: 12, ident: 25, result: 3, sensitivity: 0 });
    const row = (name: string) => md.split("\n").find((l) => l.startsWith(`| ${name} \``)) ?? "";
    const cells = (name: string) => row(name).split(" | ");
    expect(cells("beliefs")[1]).toBe(String(counts.beliefs));
    expect(cells("beliefs")[3]).toBe("**below range**");
    expect(cells("ident")[1]).toBe(String(counts.ident));
    expect(cells("ident")[3]).toBe("within range");
    expect(cells("result")[1]).toBe(String(counts.result));
    expect(cells("sensitivity")[1]).toBe("0");
    // No TTL, above standard and possible PII per pattern.
    expect(row("beliefs")).toMatch(/ \| 1 \| 0 \| 1 \|$/);
    expect(row("ident")).toMatch(/ \| 0 \| 2 \| 0 \|$/);
    expect(md).toContain(
      "- Classes: ok 37 · no TTL 1 · above standard 2 · unknown pattern 2 · foreign 1 · possible PII 1",
    );
    expect(md).toContain("## Unknown patterns (2 keys)");
    expect(md).toMatch(/^\| `isl:scratch:` \| 2 \| /m);
    expect(md).toContain("## Foreign keys (1 key)");
    expect(md).toMatch(/^\| 1 \| `isl:result:000000000000012e` \| result \| list \| .* \| 3 \| /m);
    expect(md).toContain("No comparison: no earlier scan stored");
    expect(run.stderr).toContain("without --data-dir there is no week-over-week change");
  });

  it("prints CSV and JSON on request", async () => {
    const csv = await runCli(["--url", server.url, "--match", "isl:ident:*", "--format", "csv"]);
    expect(csv.code).toBe(0);
    expect(csv.stdout).toMatch(/^patterns,ident,isl:ident:\{dag_hash\},25,20,30,within,/m);
    const json = await runCli(["--url", server.url, "--format", "json", "--mode", "fast"]);
    expect(JSON.parse(json.stdout).scan).toMatchObject({ keys: 43, mode: "fast" });
  });

  it("answers bad arguments with exit code 2 and an unreachable Redis with 1, credentials unprinted", async () => {
    const bad = await runCli(["--url", server.url, "--format", "xml"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--format must be md, json or csv");
    const missing = await runCli([]);
    expect(missing.code).toBe(2);
    const port = await freePort();
    const down = await runCli(["--url", `redis://:hunter2@127.0.0.1:${port}/0`]);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/connection refused|unreachable/);
    expect(down.stderr).not.toContain("hunter2");
    expect(down.stdout).toBe("");
  });
});

describe("runReview with the console's store", () => {
  it("a scan saved a week earlier is next week's baseline", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "isl-review-"));
    try {
      const config = loadConfig({ REDIS_URL: server.url, REDIS_INSTANCE_ID: "weekly" });
      const instance = config.instances[0];
      if (!instance) throw new Error("no instance");
      const weekAgo = Date.now() - 7 * 86_400_000;
      const first = await runReview({
        instance,
        policy: config.policy,
        match: "*",
        mode: "gentle",
        dataDir,
        save: true,
        now: () => weekAgo,
      });
      expect(first.review.change).toBeNull();
      await server.cli("SET", `isl:result:${hex(999)}`, "r".repeat(8000), "EX", "1800");
      const second = await runReview({
        instance,
        policy: config.policy,
        match: "*",
        mode: "gentle",
        dataDir,
        save: true,
      });
      expect(second.review.change?.baseline.scanId).toBe(first.scan.id);
      expect(second.review.change?.keys).toBe(1);
      expect(second.review.patterns.find((p) => p.name === "result")?.change?.keys).toBe(1);
      expect(reviewToMarkdown(second.review)).toMatch(/^\| Keys \| \+1 \|$/m);
    } finally {
      await server.cli("DEL", `isl:result:${hex(999)}`);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
