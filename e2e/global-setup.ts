// Starts what e2e runs against: two real redis-servers on free loopback ports (a seeded "demo"
// instance and a "chaos" instance specs may fill, stop and restart) and the built console.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { chaosRedisArgs, e2eEnv, stateFile } from "./support/env";
import { spawnConsole, spawnRedis } from "./support/processes";

export interface E2eState {
  consolePid: number;
  demoRedisPid: number;
  chaosRedisPid: number;
  dataDir: string;
  logFile: string;
}

function build(): void {
  if (process.env.E2E_SKIP_BUILD === "1" && existsSync(path.join(e2eEnv.distDir, "BUILD_ID"))) return;
  execFileSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], {
    stdio: "inherit",
    env: { ...process.env, NEXT_DIST_DIR: e2eEnv.distDir, NEXT_TELEMETRY_DISABLED: "1" },
  });
}

function seedDemo(url: string): void {
  execFileSync(
    process.execPath,
    ["node_modules/tsx/dist/cli.mjs", "--conditions=react-server", "scripts/seed-demo.ts", "--url", url, "--seed", "e2e"],
    { stdio: "inherit", env: { ...process.env, REDIS_ENVIRONMENT: "development" } },
  );
}

export default async function globalSetup(): Promise<void> {
  rmSync(e2eEnv.workDir, { recursive: true, force: true });
  mkdirSync(e2eEnv.workDir, { recursive: true });
  const [demo, chaos] = await Promise.all([
    spawnRedis(e2eEnv.demoRedisPort, path.join(e2eEnv.workDir, "redis-demo")),
    spawnRedis(e2eEnv.chaosRedisPort, path.join(e2eEnv.workDir, "redis-chaos"), chaosRedisArgs),
  ]);
  const demoUrl = `redis://127.0.0.1:${e2eEnv.demoRedisPort}/0`;
  seedDemo(demoUrl);
  build();

  const instancesFile = path.join(e2eEnv.workDir, "instances.json");
  writeFileSync(
    instancesFile,
    JSON.stringify([
      { id: "demo", name: "Demo (seeded)", environment: "development", url: demoUrl },
      { id: "chaos", name: "Chaos (20 MB)", environment: "staging", url: `redis://127.0.0.1:${e2eEnv.chaosRedisPort}/0` },
    ]),
  );
  const dataDir = path.join(e2eEnv.workDir, "data");
  const logFile = path.join(e2eEnv.workDir, "console.log");
  const consoleProcess = await spawnConsole({
    port: e2eEnv.appPort,
    logFile,
    env: {
      ISL_INSTANCES_FILE: instancesFile,
      CONSOLE_DATA_DIR: dataDir,
      NEXT_DIST_DIR: e2eEnv.distDir,
      SAMPLE_INTERVAL_SECONDS: "1",
      NEXT_TELEMETRY_DISABLED: "1",
    },
  });
  const state: E2eState = {
    consolePid: consoleProcess.pid ?? 0,
    demoRedisPid: demo.pid ?? 0,
    chaosRedisPid: chaos.pid ?? 0,
    dataDir,
    logFile,
  };
  writeFileSync(stateFile(), JSON.stringify(state));
}
