// Audit durability and tamper evidence: a process killed with SIGKILL right after an action's
// response leaves both entries in the store; an intent left open by a killed bulk job is closed as
// "error" at the next start; a row altered in the SQLite file is named by `npm run audit:verify`.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_TOKENS_ENV, TEST_TOKEN_NAMES } from "../helpers/auth";
import { startRedisServer, type RedisServer } from "../helpers/redis-server";

const ROOT = path.resolve(__dirname, "../..");
const TSX = path.join(ROOT, "node_modules/.bin/tsx");
const ID = "durable";

let server: RedisServer;
let dataDir: string;
let env: NodeJS.ProcessEnv;

/** Runs the action in a child process and SIGKILLs it the moment the response line arrives. */
function actThenKill(
  body: unknown,
  role = "admin",
): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      TSX,
      ["--conditions=react-server", "tests/helpers/action-child.ts", ID, role, JSON.stringify(body)],
      {
        cwd: ROOT,
        env,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    let err = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`child gave no response in 30 s: ${out} ${err}`));
    }, 30_000);
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const line = /^(RESPONSE|FAILED) (.*)$/m.exec(out);
      if (!line) return;
      child.kill("SIGKILL");
      clearTimeout(timer);
      if (line[1] === "FAILED") return reject(new Error(out));
      const m = /^(\d+) (.*)$/.exec(line[2] ?? "");
      child.once("exit", (_code, signal) => {
        expect(signal).toBe("SIGKILL");
        resolve({ status: Number(m?.[1]), body: JSON.parse(m?.[2] ?? "{}") as Record<string, unknown> });
      });
    });
  });
}

interface Row {
  id: number;
  kind: string;
  intent_id: number | null;
  action: string;
  actor: string;
  outcome: string | null;
  affected: number | null;
}

function rows(): Row[] {
  const db = new Database(path.join(dataDir, "console.sqlite"), { readonly: true });
  try {
    return db
      .prepare("SELECT id, kind, intent_id, action, actor, outcome, affected FROM audit_log ORDER BY id")
      .all() as Row[];
  } finally {
    db.close();
  }
}

function verify(): { status: number | null; out: string } {
  const r = spawnSync(TSX, ["--conditions=react-server", "scripts/audit-verify.ts", "--data-dir", dataDir], {
    cwd: ROOT,
    env,
    encoding: "utf8",
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

beforeAll(async () => {
  server = await startRedisServer();
  dataDir = mkdtempSync(path.join(os.tmpdir(), "isl-audit-durable-"));
  const instancesFile = path.join(dataDir, "instances.json");
  writeFileSync(
    instancesFile,
    JSON.stringify([{ id: ID, name: "Durable", environment: "staging", url: server.url }]),
  );
  env = {
    ...process.env,
    ISL_INSTANCES_FILE: instancesFile,
    CONSOLE_DATA_DIR: dataDir,
    CONSOLE_API_TOKENS: TEST_TOKENS_ENV,
    SAMPLE_INTERVAL_SECONDS: "3600",
    NODE_ENV: "test",
  };
  delete env.REDIS_URL;
  delete env.ISL_POLICY_FILE;
  delete env.VITEST;
});

afterAll(async () => {
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe("audit durability", () => {
  it("SIGKILL right after an expire's response: intent and outcome are both in the file", async () => {
    await server.cli("SET", "isl:result:00000000000000ab", "v");
    const res = await actThenKill({
      action: "expire",
      keys: [Buffer.from("isl:result:00000000000000ab").toString("base64")],
      ttlSeconds: 60,
    });
    expect(res.status).toBe(200);
    const all = rows();
    const intent = all.find((r) => r.id === res.body.auditId);
    expect(intent).toMatchObject({ kind: "intent", action: "expire", actor: TEST_TOKEN_NAMES.admin });
    expect(all.find((r) => r.intent_id === intent?.id)).toMatchObject({
      kind: "outcome",
      outcome: "ok",
      affected: 1,
    });
    expect(Number(await server.cli("TTL", "isl:result:00000000000000ab"))).toBeGreaterThan(50);
  }, 60_000);

  it("SIGKILL right after a denied attempt's response: both entries are in the file", async () => {
    const res = await actThenKill({ action: "flushdb", confirm: ID, reason: "x" }, "operator");
    expect(res.status).toBe(403);
    const last = rows().slice(-2);
    expect(last).toMatchObject([
      { kind: "intent", action: "flushdb" },
      { kind: "outcome", outcome: "denied" },
    ]);
    expect(Number(await server.cli("DBSIZE"))).toBeGreaterThan(0);
  }, 60_000);

  it("a bulk job killed mid-run leaves its intent, closed as error once its process stopped beating", async () => {
    const p: string[] = [];
    for (let i = 0; i < 30_000; i++) p.push(`isl:result:${i.toString(16).padStart(16, "0")}`, "v");
    for (let i = 0; i < p.length; i += 2000) await server.cli("MSET", ...p.slice(i, i + 2000));
    const res = await actThenKill({ action: "fix-ttl", match: "isl:result:*" }, "operator");
    expect(res.status).toBe(202);
    const id = Number(res.body.auditId);
    expect(rows().filter((r) => r.intent_id === id)).toEqual([]);
    process.env.ISL_INSTANCES_FILE = env.ISL_INSTANCES_FILE;
    process.env.CONSOLE_DATA_DIR = dataDir;
    process.env.CONSOLE_API_TOKENS = TEST_TOKENS_ENV;
    delete process.env.REDIS_URL;
    const config = await import("@/lib/config");
    config.resetConfigForTests();
    const { closeInterruptedIntents } = await import("@/lib/audit/log");
    const { JOB_ALIVE_MS } = await import("@/lib/store/job-control");
    // Not at once: the killed process's action may still look alive (its beat) for JOB_ALIVE_MS.
    expect(await closeInterruptedIntents()).toBe(0);
    // As a process sweeping a beat timeout after the kill sees it.
    expect(await closeInterruptedIntents(Date.now() + JOB_ALIVE_MS + 1_000)).toBe(1);
    expect(rows().find((r) => r.intent_id === id)).toMatchObject({ kind: "outcome", outcome: "error" });
    await (await import("@/lib/store")).getStore().close();
  }, 60_000);
});

describe("npm run audit:verify", () => {
  it("passes on the intact chain and names a row altered in the SQLite file", () => {
    const ok = verify();
    expect(ok.status).toBe(0);
    expect(ok.out).toMatch(/chain intact/);
    const db = new Database(path.join(dataDir, "console.sqlite"));
    db.exec("DROP TRIGGER audit_log_no_update");
    db.prepare("UPDATE audit_log SET actor = 'someone-else' WHERE id = 2").run();
    db.close();
    const broken = verify();
    expect(broken.status).toBe(1);
    expect(broken.out).toMatch(/BROKEN at entry 2 \(outcome expire on durable by someone-else/);
  }, 60_000);
});
