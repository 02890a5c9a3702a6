// Starts what e2e runs against: two real redis-servers on free loopback ports (a seeded "demo"
// instance and a "chaos" instance specs may fill, stop and restart) and the built console.
import { execFileSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  chaosRedisArgs,
  e2eEnv,
  e2eAccessEnv,
  e2eUsersFile,
  e2eUsers,
  stateFile,
  type E2eRole,
} from "./support/env";
import { killQuietly, spawnConsole, spawnRedis } from "./support/processes";
import { plantClusterKeys } from "./support/cluster";
import { startRedisCluster } from "../tests/helpers/redis-cluster";

export interface E2eState {
  consolePid: number;
  demoRedisPid: number;
  chaosRedisPid: number;
  /** The "cluster" instance: 3 masters, 3 replicas. */
  clusterPids: number[];
  clusterDirs: string[];
  /** A key without TTL planted on the cluster's second master (by slot order). */
  clusterNoTtlKey: string;
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
    [
      "node_modules/tsx/dist/cli.mjs",
      "--conditions=react-server",
      "scripts/seed-demo.ts",
      "--url",
      url,
      "--seed",
      "e2e",
    ],
    { stdio: "inherit", env: { ...process.env, REDIS_ENVIRONMENT: "development" } },
  );
}

/** The users-file entry `npm run user:add` prints; the hashing code is server-only, so it runs in tsx. */
function userEntry(username: string, role: E2eRole, password: string): unknown {
  const out = execFileSync(
    process.execPath,
    [
      "node_modules/tsx/dist/cli.mjs",
      "--conditions=react-server",
      "scripts/user-add.ts",
      username,
      role,
      "--password-stdin",
    ],
    { input: password, encoding: "utf8", stdio: ["pipe", "pipe", "inherit"] },
  );
  return JSON.parse(out) as unknown;
}

/** Playwright runs no teardown when setup fails: stop what was started, so no server outlives the run. */
export default async function globalSetup(): Promise<void> {
  const spawned: ChildProcess[] = [];
  try {
    await start(spawned);
  } catch (err) {
    for (const child of spawned) killQuietly(child.pid, "SIGKILL");
    throw err;
  }
}

async function start(spawned: ChildProcess[]): Promise<void> {
  rmSync(e2eEnv.workDir, { recursive: true, force: true });
  mkdirSync(e2eEnv.workDir, { recursive: true });
  const demo = await spawnRedis(e2eEnv.demoRedisPort, path.join(e2eEnv.workDir, "redis-demo"));
  spawned.push(demo);
  const chaos = await spawnRedis(
    e2eEnv.chaosRedisPort,
    path.join(e2eEnv.workDir, "redis-chaos"),
    chaosRedisArgs,
  );
  spawned.push(chaos);
  const cluster = await startRedisCluster({ masters: 3, replicasPerMaster: 1, readyTimeoutMs: 120_000 });
  for (const node of cluster.nodes) spawned.push(node.process);
  const clusterNoTtlKey = await plantClusterKeys(cluster.seeds);
  const demoUrl = `redis://127.0.0.1:${e2eEnv.demoRedisPort}/0`;
  seedDemo(demoUrl);
  build();

  const instancesFile = path.join(e2eEnv.workDir, "instances.json");
  writeFileSync(
    instancesFile,
    JSON.stringify([
      { id: "demo", name: "Demo (seeded)", environment: "development", url: demoUrl },
      {
        id: "chaos",
        name: "Chaos (20 MB)",
        environment: "staging",
        url: `redis://127.0.0.1:${e2eEnv.chaosRedisPort}/0`,
      },
      { id: "cluster", kind: "cluster", name: "Cluster (3 masters)", environment: "staging", nodes: cluster.seeds },
    ]),
  );
  const usersFile = e2eUsersFile();
  const roles = Object.keys(e2eUsers) as E2eRole[];
  const users = roles.map((role) => userEntry(e2eUsers[role].username, role, e2eUsers[role].password));
  writeFileSync(usersFile, JSON.stringify(users, null, 2));
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
      // Specs start the scans they need; a scheduled scan starting mid-spec would race them (409).
      // The scheduler itself is covered by tests/integration/scan.test.ts.
      SCAN_INTERVAL_MINUTES: "0",
      NEXT_TELEMETRY_DISABLED: "1",
      ...e2eAccessEnv(),
    },
  });
  spawned.push(consoleProcess);
  const state: E2eState = {
    consolePid: consoleProcess.pid ?? 0,
    demoRedisPid: demo.pid ?? 0,
    chaosRedisPid: chaos.pid ?? 0,
    clusterPids: cluster.nodes.map((n) => n.process.pid ?? 0),
    clusterDirs: cluster.nodes.map((n) => n.dir),
    clusterNoTtlKey,
    dataDir,
    logFile,
  };
  writeFileSync(stateFile(), JSON.stringify(state));
}
