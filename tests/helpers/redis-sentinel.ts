// Spawns a real Sentinel setup for one test file: a master, replicas (replicaof the master) and
// N sentinels (`redis-server <conf> --sentinel`, each with its own writable conf in its own temp
// dir), and waits until every sentinel sees the master, all replicas and all other sentinels.
// Only 127.0.0.1.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "./free-port";
import { parseInfo, pollUntil, redisCli, type RedisAuth } from "./redis-cluster";
import { startRedisServer, type RedisServer } from "./redis-server";
import { waitForPort } from "./wait-for-port";

export interface RedisSentinelOptions {
  masterName?: string;
  replicas?: number;
  sentinels?: number;
  /** requirepass (and masterauth) of the master and replicas; sentinels get it as auth-pass. */
  requirepass?: string;
  /** requirepass of the sentinels themselves. */
  sentinelPassword?: string;
  downAfterMs?: number;
  failoverTimeoutMs?: number;
  /** Extra `--name value` arguments for the master and the replicas. */
  config?: Record<string, string | string[]>;
  /** How long startup may take until every sentinel sees everything. */
  readyTimeoutMs?: number;
}

export interface SentinelProcess {
  host: string;
  port: number;
  dir: string;
  process: ChildProcess;
  /** SIGKILL and remove the dir. */
  stop(): Promise<void>;
  /** Runs redis-cli against this sentinel (with sentinelPassword) and returns stdout. */
  cli(...args: string[]): Promise<string>;
  /** The end of the sentinel's own log (loglevel warning: its events such as +sdown, +tilt, votes). */
  log(): string;
}

export interface HostPort {
  host: string;
  port: number;
}

export interface RedisSentinelSet {
  masterName: string;
  /** The master at startup. */
  master: RedisServer;
  /** The replicas at startup. */
  replicas: RedisServer[];
  /** Master and replicas. */
  servers: RedisServer[];
  sentinels: SentinelProcess[];
  /** "127.0.0.1:port" of every sentinel. */
  sentinelAddresses: string[];
  /** SENTINEL GET-MASTER-ADDR-BY-NAME from the first sentinel that answers. */
  currentMaster(): Promise<HostPort>;
  /** The data node on a port. */
  serverAt(port: number): RedisServer;
  /**
   * SIGKILL the current master. Its RedisServer.restart() starts it as a master with an empty
   * dataset, until the sentinels turn it into a replica of the new master (about 10 s here).
   */
  killMaster(): Promise<RedisServer>;
  /** Until every live sentinel names the same master other than oldPort and that node's ROLE is master. */
  waitForFailover(oldPort: number, timeoutMs?: number): Promise<HostPort>;
  /** Until every connected replica of the current master has the master's replication offset. */
  waitForReplicaSync(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Flat `SENTINEL MASTER` reply (one field or value a line) as a map. */
function parsePairs(text: string): Map<string, string> {
  const lines = text.split(/\r?\n/);
  const fields = new Map<string, string>();
  for (let i = 0; i + 1 < lines.length; i += 2) fields.set(lines[i] ?? "", lines[i + 1] ?? "");
  return fields;
}

async function startSentinel(
  conf: (port: number, dir: string) => string,
  password?: string,
): Promise<SentinelProcess> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), "isl-sentinel-"));
  const file = path.join(dir, "sentinel.conf");
  writeFileSync(file, conf(port, dir));
  const child = spawn("redis-server", [file, "--sentinel"], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const collect = (d: Buffer) => {
    output = (output + d.toString()).slice(-20_000);
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const halt = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGKILL");
    await exited;
  };
  try {
    await waitForPort(port, {
      timeoutMs: 10_000,
      intervalMs: 25,
      failFast: () =>
        child.exitCode !== null ? new Error(`sentinel exited with ${child.exitCode}: ${output}`) : undefined,
      timeoutError: () => new Error(`sentinel did not listen on ${port}: ${output}`),
    });
  } catch (e) {
    await halt();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const auth = password ? { password } : undefined;
  return {
    host: "127.0.0.1",
    port,
    dir,
    process: child,
    async stop() {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
    cli: (...args: string[]) => redisCli(port, args, { auth }),
    log: () => output,
  };
}

function isAlive(p: { process: ChildProcess }): boolean {
  return p.process.exitCode === null && p.process.signalCode === null;
}

export async function startRedisSentinel(options: RedisSentinelOptions = {}): Promise<RedisSentinelSet> {
  const masterName = options.masterName ?? "isl";
  const replicaCount = options.replicas ?? 1;
  const sentinelCount = options.sentinels ?? 3;
  const downAfterMs = options.downAfterMs ?? 1000;
  const failoverTimeoutMs = options.failoverTimeoutMs ?? 5000;
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const quorum = Math.floor(sentinelCount / 2) + 1;
  const dataAuth: RedisAuth | undefined = options.requirepass ? { password: options.requirepass } : undefined;

  const dataConfig = (extra: Record<string, string | string[]>) => ({
    // Every node may become a replica after a failover, so each can authenticate to a master.
    ...(options.requirepass ? { masterauth: options.requirepass } : {}),
    // A master otherwise waits 5 s for more replicas before a diskless full sync.
    "repl-diskless-sync-delay": "0",
    ...extra,
    ...options.config,
  });
  const servers: RedisServer[] = [];
  const sentinels: SentinelProcess[] = [];
  const stop = async () => {
    await Promise.all([...sentinels.map((s) => s.stop()), ...servers.map((s) => s.stop())]);
  };
  const dataCli = (server: RedisServer | number, ...args: string[]) =>
    redisCli(typeof server === "number" ? server : server.port, args, { auth: dataAuth });
  const sentinelLines = (masterPort: number) => (port: number, dir: string) => {
    const lines = [
      `port ${port}`,
      "bind 127.0.0.1",
      `dir ${dir}`,
      "daemonize no",
      'logfile ""',
      "loglevel warning",
      "sentinel resolve-hostnames no",
      "sentinel announce-hostnames no",
      `sentinel monitor ${masterName} 127.0.0.1 ${masterPort} ${quorum}`,
      `sentinel down-after-milliseconds ${masterName} ${downAfterMs}`,
      `sentinel failover-timeout ${masterName} ${failoverTimeoutMs}`,
      `sentinel parallel-syncs ${masterName} 1`,
    ];
    if (options.requirepass) lines.push(`sentinel auth-pass ${masterName} ${options.requirepass}`);
    // With requirepass a sentinel also authenticates to the other sentinels with it.
    if (options.sentinelPassword) lines.push(`requirepass ${options.sentinelPassword}`);
    return lines.join("\n") + "\n";
  };

  try {
    const master = await startRedisServer({ requirepass: options.requirepass, config: dataConfig({}) });
    servers.push(master);
    const replicas = await Promise.all(
      Array.from({ length: replicaCount }, () =>
        startRedisServer({
          requirepass: options.requirepass,
          config: dataConfig({ replicaof: ["127.0.0.1", String(master.port)] }),
        }),
      ),
    );
    servers.push(...replicas);
    // Sentinels find replicas in the master's INFO (polled every 10 s): have them attached first.
    await pollUntil("replicas attached", readyTimeoutMs, async () => {
      const info = parseInfo(await dataCli(master, "INFO", "replication"));
      const online = [...info].filter(
        ([name, value]) => /^slave\d+$/.test(name) && value.includes("state=online"),
      );
      return online.length === replicaCount ? true : { notYet: `${online.length} replicas online` };
    });
    sentinels.push(
      ...(await Promise.all(
        Array.from({ length: sentinelCount }, () =>
          startSentinel(sentinelLines(master.port), options.sentinelPassword),
        ),
      )),
    );
    await pollUntil("sentinels ready", readyTimeoutMs, async () => {
      for (const sentinel of sentinels) {
        const fields = parsePairs(await sentinel.cli("SENTINEL", "MASTER", masterName));
        const seen = `sentinel ${sentinel.port}: flags ${fields.get("flags")}, ${fields.get("num-slaves")} replicas, ${fields.get("num-other-sentinels")} other sentinels`;
        if (fields.get("flags") !== "master") return { notYet: seen };
        if (fields.get("num-slaves") !== String(replicaCount)) return { notYet: seen };
        if (fields.get("num-other-sentinels") !== String(sentinelCount - 1)) return { notYet: seen };
      }
      return true;
    });

    const set: RedisSentinelSet = {
      masterName,
      master,
      replicas,
      servers,
      sentinels,
      sentinelAddresses: sentinels.map((s) => `${s.host}:${s.port}`),
      async currentMaster() {
        let lastError: unknown = new Error("no live sentinel");
        for (const sentinel of sentinels.filter(isAlive)) {
          try {
            const [host = "", port = ""] = (
              await sentinel.cli("SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName)
            ).split(/\r?\n/);
            if (host !== "" && port !== "") return { host, port: Number(port) };
            lastError = new Error(`sentinel ${sentinel.port} knows no master ${masterName}`);
          } catch (e) {
            lastError = e;
          }
        }
        throw lastError;
      },
      serverAt(port) {
        const server = servers.find((s) => s.port === port);
        if (!server) throw new Error(`no data node on port ${port}`);
        return server;
      },
      async killMaster() {
        const server = set.serverAt((await set.currentMaster()).port);
        if (isAlive(server)) {
          const exited = new Promise<void>((resolve) => server.process.once("exit", () => resolve()));
          server.process.kill("SIGKILL");
          await exited;
        }
        return server;
      },
      async waitForFailover(oldPort, timeoutMs = 30_000) {
        const waiting = pollUntil<HostPort>(`failover away from ${oldPort}`, timeoutMs, async () => {
          const replies = await Promise.all(
            sentinels.filter(isAlive).map((x) => x.cli("SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName)),
          );
          const answers = new Set(replies.map((r) => r.split(/\r?\n/).slice(0, 2).join(":")));
          if (answers.size !== 1) return { notYet: `sentinels disagree: ${[...answers]}` };
          const [address = ""] = answers;
          const [host = "", port = ""] = address.split(":");
          if (Number(port) === oldPort) return { notYet: `sentinels still name ${oldPort}` };
          const role = await dataCli(Number(port), "ROLE");
          if (!role.startsWith("master")) return { notYet: `${address} is not master yet` };
          return { host, port: Number(port) };
        });
        // A timeout says what the sentinels logged meanwhile (a failed election, TILT, ...).
        return waiting.catch((e: unknown) => {
          const logs = sentinels.map(
            (x) => `sentinel ${x.port}:\n${x.log().split("\n").slice(-30).join("\n")}`,
          );
          throw new Error(`${e instanceof Error ? e.message : String(e)}\n${logs.join("\n")}`);
        });
      },
      async waitForReplicaSync(timeoutMs = readyTimeoutMs) {
        await pollUntil("replicas in sync", timeoutMs, async () => {
          const { port } = await set.currentMaster();
          const info = parseInfo(await dataCli(port, "INFO", "replication"));
          const offset = info.get("master_repl_offset");
          for (const [name, value] of info) {
            if (!/^slave\d+$/.test(name)) continue;
            if (/offset=(\d+)/.exec(value)?.[1] !== offset)
              return { notYet: `${port} ${name}: ${value} vs ${offset}` };
          }
          return true;
        });
      },
      stop,
    };
    return set;
  } catch (e) {
    await stop();
    throw e;
  }
}
