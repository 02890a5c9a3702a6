// The standalone server (`output: "standalone"` in next.config.js) started the way the container
// image starts it (deploy/Dockerfile): `node server.js` in `<distDir>/standalone`, with the build's
// static files copied to `<distDir>/static` beside it, as the image's runtime stage lays them out.
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { e2eEnv } from "./env";

/** `<distDir>/standalone` of the build e2e runs against. */
export function standaloneDir(distDir = e2eEnv.distDir): string {
  return path.resolve(distDir, "standalone");
}

/**
 * Lays out the standalone directory as the image's runtime stage does: `<distDir>/static` to
 * `standalone/<distDir>/static` (server.js serves /_next/static from there) and `public/` beside
 * server.js. Copies again on every call, so a new build never serves an older build's files.
 */
export function prepareStandalone(distDir = e2eEnv.distDir): string {
  const dir = standaloneDir(distDir);
  if (!existsSync(path.join(dir, "server.js")))
    throw new Error(`${dir}/server.js is missing: was the build made with output "standalone"?`);
  // The server looks for its build under the same relative directory name inside standalone/.
  const relDist = path.relative(process.cwd(), path.resolve(distDir));
  const staticTarget = path.join(dir, relDist, "static");
  rmSync(staticTarget, { recursive: true, force: true });
  cpSync(path.resolve(distDir, "static"), staticTarget, { recursive: true });
  if (existsSync("public")) cpSync("public", path.join(dir, "public"), { recursive: true, force: true });
  return dir;
}

export interface StandaloneServer {
  origin: string;
  process: ChildProcess;
  logFile: string;
  /** SIGTERM, then SIGKILL if it has not exited within 10 s. */
  stop(): Promise<void>;
}

function exitedWith(child: ChildProcess): string | undefined {
  if (child.exitCode !== null) return `exited with code ${child.exitCode}`;
  if (child.signalCode !== null) return `killed by ${child.signalCode}`;
  return undefined;
}

function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/**
 * Spawns `node server.js` in `dir` with only the given environment (plus PATH and HOME), as a
 * container gets it, and waits until GET /api/health answers 200. Fails at once, with the end of
 * its log, if the process exits first; stops it if it never becomes ready.
 */
export async function startStandalone(options: {
  dir: string;
  port: number;
  env: Record<string, string>;
  logFile: string;
  readyTimeoutMs: number;
}): Promise<StandaloneServer> {
  const { dir, port, logFile } = options;
  mkdirSync(path.dirname(logFile), { recursive: true });
  const log = openSync(logFile, "a");
  const child = spawn(process.execPath, ["server.js"], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: process.env.HOME ?? "/tmp",
      NODE_ENV: "production",
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      ...options.env,
    },
    stdio: ["ignore", log, log],
  });
  const origin = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (exitedWith(child)) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  };
  const server: StandaloneServer = { origin, process: child, logFile, stop };
  try {
    await waitForHealth(server, options.readyTimeoutMs);
  } catch (err) {
    await stop();
    throw err;
  }
  return server;
}

async function waitForHealth(server: StandaloneServer, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer yet";
  for (;;) {
    const gone = exitedWith(server.process);
    if (gone) throw new Error(`the standalone server ${gone} before it served:\n${tail(server.logFile)}`);
    try {
      const res = await fetch(`${server.origin}/api/health`, { signal: AbortSignal.timeout(10_000) });
      if (res.status === 200) return;
      last = `status ${res.status}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline)
      throw new Error(
        `the standalone server did not answer /api/health with 200 within ${timeoutMs} ms (${last}):\n${tail(server.logFile)}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
