// Start-up validation on the real built server: a bad setting stops the process with one line.
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "./fixtures";
import { e2eEnv } from "./support/env";

function startWith(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", "0", "-H", "127.0.0.1"], {
      env: { ...process.env, NEXT_DIST_DIR: e2eEnv.distDir, NODE_ENV: "production", ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

const configLines = (stderr: string) => stderr.split("\n").filter((l) => l.includes("configuration error"));

test.describe("start-up configuration checks", () => {
  test("a wrong REDIS_URL stops start-up with one line naming it", async () => {
    const dir = mkdtempSync(path.join(e2eEnv.workDir, "startup-"));
    const { code, stderr } = await startWith({ REDIS_URL: "http://example:6379", CONSOLE_DATA_DIR: dir });
    expect(code).toBe(1);
    const lines = configLines(stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/REDIS_URL: scheme http: is not redis: or rediss:/);
  });

  test("a malformed instances file stops start-up with one line naming the field", async () => {
    const dir = mkdtempSync(path.join(e2eEnv.workDir, "startup-"));
    const file = path.join(dir, "instances.json");
    writeFileSync(file, JSON.stringify([{ id: "a", name: "A", environment: "staging", url: "redis://127.0.0.1:1/0" }, { id: "b", name: "B", environment: "prod", url: "redis://x/0" }]));
    const { code, stderr } = await startWith({ ISL_INSTANCES_FILE: file, CONSOLE_DATA_DIR: dir });
    expect(code).toBe(1);
    const lines = configLines(stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/ISL_INSTANCES_FILE\[1\]\.environment/);
  });

  test("an instances file that is not JSON stops start-up with one line", async () => {
    const dir = mkdtempSync(path.join(e2eEnv.workDir, "startup-"));
    const file = path.join(dir, "instances.json");
    writeFileSync(file, "[{ id: broken");
    const { code, stderr } = await startWith({ ISL_INSTANCES_FILE: file, CONSOLE_DATA_DIR: dir });
    expect(code).toBe(1);
    expect(configLines(stderr)[0]).toMatch(/ISL_INSTANCES_FILE: .* is not valid JSON/);
  });
});
