// Real processes for e2e: redis-server and the built console (`next start`).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, openSync } from "node:fs";
import net from "node:net";
import path from "node:path";

export function waitForPort(port: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve();
      });
      socket.once("error", () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`nothing listens on ${port} after ${timeoutMs} ms`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

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
  await waitForPort(options.port, 60_000);
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
