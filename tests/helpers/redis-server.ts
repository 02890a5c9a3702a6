// Spawns a real redis-server for one test file on a free port, with any config, and stops it.
// Tests never touch a Redis they did not start. `cliScan` reads a server's keys with redis-cli, as
// ground truth to compare the console's own scans with.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "./free-port";
import { waitForPort } from "./wait-for-port";
import type { TlsFiles } from "./tls";

export interface RedisServerOptions {
  /** Extra `--name value` arguments, e.g. { maxmemory: "20mb", "maxmemory-policy": "volatile-lru" }. */
  config?: Record<string, string | string[]>;
  requirepass?: string;
  /** ACL rules, e.g. ["user ops on >secret ~* &* +@all"]. */
  aclUsers?: string[];
  /** Serve TLS only (port 0 for plain TCP). */
  tls?: TlsFiles;
  /**
   * Run redis-server as this unprivileged user and group (through setpriv), e.g. so a directory
   * without write permission really stops it writing (tests run as root). Default: as the caller.
   */
  runAs?: { user: string; group: string };
  /** Redis's `dir` (where it writes dumps) instead of the temporary directory made for it. */
  dumpDir?: string;
}

export interface RedisServer {
  port: number;
  host: string;
  /** redis:// or rediss:// URL without credentials. */
  url: string;
  dir: string;
  process: ChildProcess;
  stop(): Promise<void>;
  /** Stop and start again on the same port (same config, empty dataset). */
  restart(): Promise<void>;
  /** Runs redis-cli against this server and returns stdout. */
  cli(...args: string[]): Promise<string>;
}

function buildArgs(port: number, dir: string, options: RedisServerOptions): string[] {
  const args = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", options.dumpDir ?? dir, "--daemonize", "no", "--loglevel", "warning"];
  if (options.tls) {
    args.push("--port", "0", "--tls-port", String(port));
    args.push("--tls-cert-file", options.tls.serverCert, "--tls-key-file", options.tls.serverKey, "--tls-ca-cert-file", options.tls.caCert);
    args.push("--tls-auth-clients", "no");
  } else {
    args.push("--port", String(port));
  }
  if (options.requirepass) args.push("--requirepass", options.requirepass);
  for (const rule of options.aclUsers ?? []) args.push("--user", ...rule.replace(/^user\s+/, "").split(/\s+/));
  for (const [name, value] of Object.entries(options.config ?? {})) {
    args.push(`--${name}`, ...(Array.isArray(value) ? value : [value]));
  }
  return args;
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), "isl-redis-"));
  let child: ChildProcess;
  let errText = "";

  const launch = async () => {
    errText = "";
    const args = buildArgs(port, dir, options);
    child = options.runAs
      ? spawn(
          "setpriv",
          [`--reuid=${options.runAs.user}`, `--regid=${options.runAs.group}`, "--clear-groups", "redis-server", ...args],
          { stdio: ["ignore", "pipe", "pipe"] },
        )
      : spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout?.on("data", (d: Buffer) => (errText += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (errText += d.toString()));
    const started = child;
    await waitForPort(port, {
      timeoutMs: 10_000,
      intervalMs: 25,
      failFast: () =>
        started.exitCode !== null
          ? new Error(`redis-server exited with ${started.exitCode}: ${errText}`)
          : undefined,
      timeoutError: () => new Error(`redis-server did not listen on ${port}: ${errText}`),
    });
  };
  const halt = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGKILL");
    await exited;
  };

  await launch();
  const scheme = options.tls ? "rediss" : "redis";
  const server: RedisServer = {
    port,
    host: "127.0.0.1",
    url: `${scheme}://127.0.0.1:${port}/0`,
    dir,
    get process() {
      return child;
    },
    async stop() {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
    async restart() {
      await halt();
      await launch();
    },
    cli(...args: string[]) {
      const base = ["-h", "127.0.0.1", "-p", String(port)];
      if (options.tls) base.push("--tls", "--cacert", options.tls.caCert);
      if (options.requirepass) base.push("--no-auth-warning", "-a", options.requirepass);
      return new Promise((resolve, reject) => {
        const p = spawn("redis-cli", [...base, ...args], { stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        let err = "";
        p.stdout.on("data", (d: Buffer) => (out += d.toString()));
        p.stderr.on("data", (d: Buffer) => (err += d.toString()));
        // "close", not "exit": exit may fire before stdout was read, and the reply would be empty.
        p.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`redis-cli ${args.join(" ")}: ${err}`))));
      });
    },
  };
  return server;
}

/**
 * Every key `redis-cli --scan` prints for the server, as exact bytes: a test's ground truth for the
 * keyspace. One key a line, so a key holding a newline would come back split.
 */
export function cliScan(server: RedisServer): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    execFile(
      "redis-cli",
      ["-h", "127.0.0.1", "-p", String(server.port), "--scan"],
      { encoding: "buffer", maxBuffer: 256 * 1024 * 1024 },
      (err, stdout) => {
        if (err) return reject(err);
        const keys: Buffer[] = [];
        let start = 0;
        for (let i = 0; i < stdout.length; i++) {
          if (stdout[i] === 0x0a) {
            keys.push(Buffer.from(stdout.subarray(start, i)));
            start = i + 1;
          }
        }
        resolve(keys);
      },
    );
  });
}
