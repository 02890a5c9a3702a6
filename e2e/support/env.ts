// Ports, paths and names shared by the Playwright config, global setup and fixtures.
// The config runs first in the runner process and fixes the ports in process.env; workers inherit them.
import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";

function freePortSync(): number {
  const script =
    "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
  return Number(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }));
}

function port(name: string): number {
  process.env[name] ??= String(freePortSync());
  return Number(process.env[name]);
}

export const e2eEnv = {
  appPort: port("E2E_APP_PORT"),
  /** The seeded demo instance ("demo"): specs read it, and may only add keys of their own. */
  demoRedisPort: port("E2E_DEMO_REDIS_PORT"),
  /** The "chaos" instance (maxmemory 20mb, volatile-lru): specs may fill, stop and restart it. */
  chaosRedisPort: port("E2E_CHAOS_REDIS_PORT"),
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  workDir: (process.env.E2E_WORK_DIR ??= path.join(os.tmpdir(), `isl-e2e-${process.pid}`)),
};

export const stateFile = () => path.join(e2eEnv.workDir, "state.json");

export const chaosRedisArgs = ["--maxmemory", "20mb", "--maxmemory-policy", "volatile-lru"];
