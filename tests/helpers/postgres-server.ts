// A PostgreSQL server of the test's own, which the test may stop, start and kill: the machine's
// server (tests/helpers/postgres.ts) is shared and must never go down. initdb in a temporary
// directory, a free port on 127.0.0.1, the socket in that directory; optionally TLS only (a
// plaintext connection is refused) and a login role with a scram-sha-256 password. initdb refuses
// to run as root, so as root the server runs as the `postgres` OS user (runuser).
import { execFile, execFileSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort } from "./free-port";
import { makeTlsFiles } from "./tls";

export interface PostgresServerOptions {
  /** TLS only (`hostssl` in pg_hba.conf), with a certificate for 127.0.0.1 and localhost signed by a CA of its own. */
  tls?: boolean;
  /** A login role `console` with this password (scram-sha-256) owning the test database; else `postgres`, trusted. */
  password?: string;
}

export interface PostgresServer {
  readonly host: "127.0.0.1";
  readonly port: number;
  /** The temporary directory (data directory, socket, log, certificates). */
  readonly dir: string;
  /** The test database, owned by `user`. */
  readonly database: string;
  readonly user: string;
  /** The CA that signed the server's certificate (with `tls`). */
  readonly caFile?: string;
  /**
   * The test database's URL over TCP with the credentials (and, with `tls`, sslmode=verify-full
   * and sslrootcert): each part can be replaced, `params` added to (or, as "", removed from) the query.
   */
  url(parts?: {
    user?: string;
    password?: string;
    database?: string;
    params?: Record<string, string>;
  }): string;
  /** Runs `fn` with a superuser connection over the Unix socket (no TLS, no password), closed after. */
  admin<T>(fn: (client: pg.Client) => Promise<T>, database?: string): Promise<T>;
  /** The postmaster's process id while it runs. */
  postmasterPid(): number | undefined;
  /** `pg_ctl stop -m fast`: sessions are terminated, the server shuts down cleanly. */
  stop(): Promise<void>;
  /** Starts it again on the same port, unless it runs; after a kill, retries until the old processes are gone. */
  start(): Promise<void>;
  restart(): Promise<void>;
  /** SIGKILLs the postmaster (a crash: its backends notice and exit; the next start recovers). */
  kill(): Promise<void>;
  /** Stops it (however it can) and removes every file it made. Safe to call twice. */
  cleanup(): Promise<void>;
}

const DEADLINE_MS = 60_000;

/** The newest PostgreSQL installed under /usr/lib/postgresql (Debian and Ubuntu packages). */
export function postgresBinDir(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(path.join(root, v, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (newest === undefined)
    throw new Error(`no PostgreSQL server binaries under ${root}/*/bin (apt-get install postgresql)`);
  return path.join(root, newest, "bin");
}

const asRoot = process.getuid?.() === 0;

/** Runs a PostgreSQL binary as the `postgres` OS user when the tests run as root; answers its output. */
function runPg(bin: string, args: string[], timeoutMs = DEADLINE_MS): Promise<string> {
  const [file, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", bin, ...args]] : [bin, args];
  return new Promise((resolve, reject) => {
    execFile(file, argv, { timeout: timeoutMs, encoding: "utf8" }, (err, stdout, stderr) => {
      if (err)
        reject(new Error(`${path.basename(bin)} ${args.join(" ")}: ${err.message}\n${stdout}${stderr}`));
      else resolve(stdout + stderr);
    });
  });
}

function postgresIds(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim());
  return { uid: id("-u"), gid: id("-g") };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie (dead, not yet reaped by whoever adopted it) answers signal 0 too.
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startPostgresServer(options: PostgresServerOptions = {}): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const dir = mkdtempSync(path.join(os.tmpdir(), "isl-pg-"));
  const data = path.join(dir, "data");
  const log = path.join(dir, "server.log");
  const port = await freePort();
  const owner = asRoot ? postgresIds() : undefined;
  const own = (file: string) => {
    if (owner) chownSync(file, owner.uid, owner.gid);
  };
  let tlsDir: string | undefined;
  let caFile: string | undefined;
  let cleaned = false;

  const pidOf = (): number | undefined => {
    try {
      const pid = Number(readFileSync(path.join(data, "postmaster.pid"), "utf8").split("\n")[0]);
      return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : undefined;
    } catch {
      return undefined;
    }
  };
  const logTail = () => {
    try {
      return readFileSync(log, "utf8").split("\n").slice(-15).join("\n");
    } catch {
      return "(no log)";
    }
  };
  const pgCtl = (...args: string[]) => runPg(path.join(bin, "pg_ctl"), ["-D", data, ...args]);

  const start = async () => {
    if (pidOf() !== undefined) return;
    const deadline = Date.now() + DEADLINE_MS;
    for (;;) {
      try {
        await pgCtl("-l", log, "-w", "-t", "60", "start");
        return;
      } catch (err) {
        // After a kill, the old backends may hold the shared memory a little longer.
        if (Date.now() > deadline)
          throw new Error(`${(err as Error).message}\n--- server log:\n${logTail()}`);
        await sleep(500);
      }
    }
  };
  const stop = async () => {
    await pgCtl("-m", "fast", "-w", "-t", "60", "stop");
  };
  const kill = async () => {
    const pid = pidOf();
    if (pid === undefined) throw new Error("the test PostgreSQL server is not running");
    process.kill(pid, "SIGKILL");
    const deadline = Date.now() + DEADLINE_MS;
    while (alive(pid)) {
      if (Date.now() > deadline)
        throw new Error(`postmaster ${pid} still alive ${DEADLINE_MS} ms after SIGKILL`);
      await sleep(50);
    }
  };
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    if (pidOf() !== undefined) {
      await stop().catch(() => pgCtl("-m", "immediate", "-w", "-t", "60", "stop").catch(() => undefined));
      const pid = pidOf();
      if (pid !== undefined) process.kill(pid, "SIGKILL");
    }
    rmSync(dir, { recursive: true, force: true });
    if (tlsDir) rmSync(tlsDir, { recursive: true, force: true });
  };

  try {
    own(dir);
    await runPg(path.join(bin, "initdb"), [
      "-D",
      data,
      "-U",
      "postgres",
      "-A",
      "trust",
      "-E",
      "UTF8",
      "--no-sync",
    ]);
    const conf = [
      "listen_addresses = '127.0.0.1'",
      `port = ${port}`,
      `unix_socket_directories = '${dir}'`,
      // A test server: speed over durability (a SIGKILL still recovers, the OS keeps the pages).
      "fsync = off",
      "synchronous_commit = off",
      "full_page_writes = off",
      "max_connections = 40",
      "shared_buffers = 16MB",
      "password_encryption = 'scram-sha-256'",
    ];
    if (options.tls) {
      const tls = makeTlsFiles();
      tlsDir = tls.dir;
      caFile = tls.caCert;
      for (const [from, to] of [
        [tls.serverCert, "server.crt"],
        [tls.serverKey, "server.key"],
      ] as const) {
        copyFileSync(from, path.join(dir, to));
        own(path.join(dir, to));
        chmodSync(path.join(dir, to), 0o600);
      }
      conf.push(
        "ssl = on",
        `ssl_cert_file = '${path.join(dir, "server.crt")}'`,
        `ssl_key_file = '${path.join(dir, "server.key")}'`,
      );
    }
    writeFileSync(
      path.join(data, "postgresql.conf"),
      `${readFileSync(path.join(data, "postgresql.conf"), "utf8")}\n${conf.join("\n")}\n`,
    );
    const tcp = `${options.tls ? "hostssl" : "host"} all all 127.0.0.1/32 ${options.password ? "scram-sha-256" : "trust"}`;
    // The Unix socket is the tests' own back door (setup, inspection); TCP is what the store uses.
    writeFileSync(path.join(data, "pg_hba.conf"), `local all all trust\n${tcp}\n`);
    await start();
  } catch (err) {
    await cleanup();
    throw err;
  }

  const admin = async <T>(fn: (client: pg.Client) => Promise<T>, database = "postgres"): Promise<T> => {
    const client = new pg.Client({
      host: dir,
      port,
      user: "postgres",
      database,
      connectionTimeoutMillis: 10_000,
    });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };

  const user = options.password ? "console" : "postgres";
  const database = "isl";
  try {
    await admin(async (c) => {
      if (options.password) {
        await c.query(`CREATE ROLE ${user} LOGIN PASSWORD '${options.password.replaceAll("'", "''")}'`);
      }
      await c.query(`CREATE DATABASE ${database} OWNER ${user}`);
    });
  } catch (err) {
    await cleanup();
    throw err;
  }

  return {
    host: "127.0.0.1",
    port,
    dir,
    database,
    user,
    caFile,
    url(parts = {}) {
      const u = new URL(`postgres://127.0.0.1:${port}`);
      u.username = parts.user ?? user;
      const password = parts.password ?? options.password;
      if (password) u.password = password;
      u.pathname = `/${parts.database ?? database}`;
      const params: Record<string, string> = {
        ...(caFile ? { sslmode: "verify-full", sslrootcert: caFile } : {}),
        ...parts.params,
      };
      for (const [name, value] of Object.entries(params)) if (value !== "") u.searchParams.set(name, value);
      return u.toString();
    },
    admin,
    postmasterPid: pidOf,
    stop,
    start,
    restart: async () => {
      await stop();
      await start();
    },
    kill,
    cleanup,
  };
}
