// Real processes for e2e: redis-server and the built console (`next start`).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, openSync } from "node:fs";
import path from "node:path";
import { waitForPort } from "../../tests/helpers/wait-for-port";

export { waitForPort };

/** Only ever spawned on loopback, on a port chosen by the harness: e2e never touches a shared Redis. */
export async function spawnRedis(port: number, dir: string, extraArgs: string[] = []): Promise<ChildProcess> {
  mkdirSync(dir, { recursive: true });
  const args = ["--bind", "127.0.0.1", "--port", String(port), "--save", "", "--appendonly", "no", "--dir", dir, ...extraArgs];
  const child = spawn("redis-server", args, { stdio: "ignore", detached: true });
  child.unref();
  await waitForPort(port);
  return child;
}

export async function spawnConsole(options: {
  port: number;
  env: Record<string, string>;
  logFile: string;
}): Promise<ChildProcess> {
  mkdirSync(path.dirname(options.logFile), { recursive: true });
  const log = openSync(options.logFile, "a");
  const child = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", String(options.port), "-H", "127.0.0.1"], {
    env: { ...process.env, ...options.env, NODE_ENV: "production" },
    stdio: ["ignore", log, log],
    detached: true,
  });
  child.unref();
  await waitForPort(options.port, { timeoutMs: 60_000 });
  return child;
}

export function killQuietly(pid: number | undefined, signal: NodeJS.Signals = "SIGTERM"): void {
  if (!pid) return;
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}
