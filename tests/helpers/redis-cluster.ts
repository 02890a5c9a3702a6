// Spawns a real Redis Cluster for one test file: masters * (1 + replicas) redis-servers on free
// ports (each with its own dir, nodes.conf and cluster bus port), joined with
// `redis-cli --cluster create`, and waits until every node sees the whole cluster healthy.
// Roles are read from CLUSTER NODES on every call, so after a failover the promoted replica is a
// master. Only 127.0.0.1. `clusterInstance` is the console's configuration of such a cluster.
import { spawn } from "node:child_process";
import type { InstanceConfig } from "@/lib/config";
import { freePort } from "./free-port";
import { startRedisServer, type RedisServer } from "./redis-server";
import type { TlsFiles } from "./tls";

export const CLUSTER_SLOTS = 16384;

/** Credentials redis-cli (and replication) use; without a username it is the default user. */
export interface RedisAuth {
  username?: string;
  password: string;
}

export interface RedisClusterOptions {
  masters?: number;
  replicasPerMaster?: number;
  /** Extra `--name value` arguments for every node; they win over the helper's own settings. */
  config?: Record<string, string | string[]>;
  /** ACL rules for every node, e.g. ["user ops on >secret ~* &* +@all"]. */
  aclUsers?: string[];
  requirepass?: string;
  /**
   * The user the helper's redis-cli calls and the replicas' sync authenticate as (masteruser /
   * masterauth). Default: the default user with `requirepass`, when set.
   */
  adminUser?: RedisAuth;
  nodeTimeoutMs?: number;
  /** Serve TLS only, on the client port and the cluster bus (tls-cluster, tls-replication). */
  tls?: TlsFiles;
  /** How long startup may take until the cluster is healthy. */
  readyTimeoutMs?: number;
}

export interface ClusterNodeView {
  server: RedisServer;
  id: string;
  /** Inclusive slot ranges the node serves. */
  slots: [number, number][];
  /** The node is flagged `fail` or `fail?` by the node that was asked. */
  failing: boolean;
}

export interface ClusterReplicaView extends ClusterNodeView {
  masterId: string;
}

export interface RedisCluster {
  nodes: RedisServer[];
  /** redis:// URLs of all nodes, without credentials (same form as RedisServer.url). */
  seeds: string[];
  /** The cluster bus port of each node's client port. */
  busPorts: Map<number, number>;
  /** Current masters as seen by the first live node (a failed master without slots is left out). */
  masters(): Promise<ClusterNodeView[]>;
  /** Current replicas as seen by the first live node. */
  replicas(): Promise<ClusterReplicaView[]>;
  /** The node id of a server (read once at startup; node ids survive restarts through nodes.conf). */
  idOf(server: RedisServer): string;
  /** The master that currently serves the key's slot. */
  nodeForKey(key: string | Buffer): Promise<RedisServer>;
  /** SIGKILL one node; its dir and nodes.conf stay. */
  kill(server: RedisServer): Promise<void>;
  /**
   * Start a killed (or running) node again on the same port, dir and nodes.conf, so it rejoins
   * with its node id (waitForHealthy waits for that). Its dataset starts empty (no RDB, no AOF):
   * a replica resyncs, a master that has not failed over comes back without its keys.
   */
  restart(server: RedisServer): Promise<void>;
  /**
   * Resolves with the node that now serves the killed master's slots, once every live node has
   * cluster_state ok and names that node (with ROLE master) as the owner. Throws at once for a
   * node that served no slots.
   */
  waitForFailover(killed: RedisServer, timeoutMs?: number): Promise<RedisServer>;
  /**
   * Until every live node reports cluster_state ok, all slots assigned and all nodes known, flags
   * no live node as failing and sees every dead node as failing, sees no live master without
   * slots, agrees with the others on roles and slots, and (as a replica) has its master link up.
   */
  waitForHealthy(timeoutMs?: number): Promise<void>;
  /** Until every live replica has the replication offset of its master. */
  waitForReplicaSync(timeoutMs?: number): Promise<void>;
  /** Runs redis-cli against one node with the helper's credentials and returns stdout. */
  cli(server: RedisServer, ...args: string[]): Promise<string>;
  stop(): Promise<void>;
}

/** Runs redis-cli against 127.0.0.1:port and returns stdout; a hung call is killed after timeoutMs. */
export function redisCli(
  port: number,
  args: string[],
  options: { auth?: RedisAuth; timeoutMs?: number; tls?: TlsFiles } = {},
): Promise<string> {
  const base = ["-h", "127.0.0.1", "-p", String(port)];
  if (options.auth) base.push(...authArgs(options.auth));
  if (options.tls) base.push(...tlsArgs(options.tls));
  return runProcess("redis-cli", [...base, ...args], options.timeoutMs ?? 10_000);
}

function tlsArgs(tls: TlsFiles): string[] {
  return ["--tls", "--cacert", tls.caCert];
}

function authArgs(auth: RedisAuth): string[] {
  const args = ["--no-auth-warning"];
  if (auth.username) args.push("--user", auth.username, "--pass", auth.password);
  else args.push("-a", auth.password);
  return args;
}

const ERROR_REPLY =
  /^(ERR|NOAUTH|WRONGPASS|NOPERM|LOADING|CLUSTERDOWN|MASTERDOWN|MOVED|ASK|TRYAGAIN|CROSSSLOT|READONLY|WRONGTYPE|BUSY|NOSCRIPT|EXECABORT|NOREPLICAS|MISCONF|OOM) /;

function runProcess(command: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    const timer = setTimeout(() => p.kill("SIGKILL"), timeoutMs);
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.stderr.on("data", (d: Buffer) => (err += d.toString()));
    p.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    // "close", not "exit": only then is all of stdout read.
    p.on("close", (code, signal) => {
      clearTimeout(timer);
      // redis-cli (7.0) exits 0 on an error reply and prints it without a marker: known error
      // codes at the start of the output count as failure.
      if (code === 0 && !ERROR_REPLY.test(out)) resolve(out);
      else reject(new Error(`${command} ${args.join(" ")}: exit ${code ?? signal}: ${err}${out}`));
    });
  });
}

/** `field:value` lines of INFO or CLUSTER INFO. */
export function parseInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf(":");
    if (at > 0) fields.set(line.slice(0, at), line.slice(at + 1).trim());
  }
  return fields;
}

interface NodeLine {
  id: string;
  port: number;
  flags: Set<string>;
  masterId: string;
  slots: [number, number][];
}

/** CLUSTER NODES: `<id> <ip:port@cport> <flags> <master> <ping> <pong> <epoch> <link> <slot>...`. */
function parseClusterNodes(text: string): NodeLine[] {
  const nodes: NodeLine[] = [];
  for (const line of text.split(/\r?\n/)) {
    const parts = line.trim().split(" ");
    if (parts.length < 8) continue;
    const [id = "", address = "", flags = "", masterId = "-"] = parts;
    const port = Number(/:(\d+)@/.exec(address)?.[1] ?? NaN);
    const slots: [number, number][] = [];
    // Importing/migrating markers look like [slot->-id] and are no ownership.
    for (const entry of parts.slice(8)) {
      if (entry.startsWith("[")) continue;
      const [from, to = from] = entry.split("-").map(Number);
      if (from !== undefined && to !== undefined) slots.push([from, to]);
    }
    nodes.push({ id, port, flags: new Set(flags.split(",")), masterId, slots });
  }
  return nodes;
}

function crc16(data: Buffer): number {
  let crc = 0;
  for (const byte of data) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** The hash slot of a key, as CLUSTER KEYSLOT computes it (CRC16 of the `{hash tag}` if any). */
export function keySlot(key: string | Buffer): number {
  const bytes = typeof key === "string" ? Buffer.from(key) : key;
  const open = bytes.indexOf(0x7b);
  if (open !== -1) {
    const close = bytes.indexOf(0x7d, open + 1);
    if (close > open + 1) return crc16(bytes.subarray(open + 1, close)) % CLUSTER_SLOTS;
  }
  return crc16(bytes) % CLUSTER_SLOTS;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 100 ms until it returns a value; the last reason not yet goes into the timeout error. */
export async function pollUntil<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | { notYet: string }>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = "not checked";
  for (;;) {
    try {
      const result = await check();
      if (typeof result !== "object" || result === null || !("notYet" in result)) return result as T;
      last = result.notYet;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    if (Date.now() > deadline) throw new Error(`${what} not reached after ${timeoutMs} ms: ${last}`);
    await sleep(100);
  }
}

/** The console's configuration of a started cluster: every node a seed, the first one its URL. */
export function clusterInstance(cluster: RedisCluster, id: string): InstanceConfig {
  return {
    id,
    name: "cluster",
    environment: "staging",
    kind: "cluster",
    url: cluster.seeds[0] ?? "",
    nodes: cluster.seeds,
    readOnly: false,
  };
}

function isAlive(server: RedisServer): boolean {
  return server.process.exitCode === null && server.process.signalCode === null;
}

export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisCluster> {
  const masterCount = options.masters ?? 3;
  const replicasPerMaster = options.replicasPerMaster ?? 1;
  const nodeTimeoutMs = options.nodeTimeoutMs ?? 2000;
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const auth: RedisAuth | undefined =
    options.adminUser ?? (options.requirepass ? { password: options.requirepass } : undefined);
  if (masterCount < 3) throw new Error("redis-cli --cluster create needs at least 3 masters");

  const nodes: RedisServer[] = [];
  const busPorts = new Map<number, number>();
  const ids = new Map<RedisServer, string>();
  /** Slots a node served when kill() took it down. */
  const slotsAtKill = new Map<RedisServer, [number, number][]>();

  const cli = (server: RedisServer, ...args: string[]) => redisCli(server.port, args, { auth, tls: options.tls });

  /** One node; a bus port taken between picking and binding costs another attempt. */
  const startNode = async (): Promise<RedisServer> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await startNodeOnce();
      } catch (e) {
        if (attempt >= 3) throw e;
      }
    }
  };
  const startNodeOnce = async () => {
    const busPort = await freePort();
    const config: Record<string, string | string[]> = {
      "cluster-enabled": "yes",
      // Relative to the node's own --dir, so restarts find it again.
      "cluster-config-file": "nodes.conf",
      // Set explicitly: port + 10000 may be above 65535 for an ephemeral port.
      "cluster-port": String(busPort),
      "cluster-node-timeout": String(nodeTimeoutMs),
      "enable-debug-command": "local",
      // A master otherwise waits 5 s for more replicas before a diskless full sync.
      "repl-diskless-sync-delay": "0",
    };
    if (auth) {
      config.masterauth = auth.password;
      if (auth.username) config.masteruser = auth.username;
    }
    Object.assign(config, options.config);
    if (options.tls) Object.assign(config, { "tls-cluster": "yes", "tls-replication": "yes" });
    const server = await startRedisServer({
      config,
      requirepass: options.requirepass,
      aclUsers: options.aclUsers,
      tls: options.tls,
    });
    busPorts.set(server.port, busPort);
    return server;
  };

  /** CLUSTER NODES from the first live node that answers. */
  const view = async (): Promise<NodeLine[]> => {
    let lastError: unknown = new Error("no live node");
    for (const server of nodes) {
      if (!isAlive(server)) continue;
      try {
        return parseClusterNodes(await cli(server, "CLUSTER", "NODES"));
      } catch (e) {
        lastError = e;
      }
    }
    throw lastError;
  };
  const serverAt = (port: number): RedisServer => {
    const server = nodes.find((n) => n.port === port);
    if (!server) throw new Error(`no cluster node on port ${port}`);
    return server;
  };
  const toView = (line: NodeLine): ClusterNodeView => ({
    server: serverAt(line.port),
    id: line.id,
    slots: line.slots,
    failing: line.flags.has("fail") || line.flags.has("fail?"),
  });

  /** Why a live node is not healthy yet, or undefined when it is. */
  const nodeProblem = async (
    server: RedisServer,
    liveCount: number,
    topologies: Map<string, number>,
  ): Promise<string | undefined> => {
    const info = parseInfo(await cli(server, "CLUSTER", "INFO"));
    const where = `node ${server.port}`;
    if (info.get("cluster_state") !== "ok") return `${where}: cluster_state ${info.get("cluster_state")}`;
    if (info.get("cluster_slots_assigned") !== String(CLUSTER_SLOTS))
      return `${where}: ${info.get("cluster_slots_assigned")} slots assigned`;
    if (info.get("cluster_known_nodes") !== String(nodes.length))
      return `${where}: knows ${info.get("cluster_known_nodes")} nodes`;
    const lines = parseClusterNodes(await cli(server, "CLUSTER", "NODES"));
    const flagged = lines.filter((l) => ["fail", "fail?", "handshake", "noaddr"].some((f) => l.flags.has(f)));
    // Nodes that are down on purpose stay flagged; only live ones must be clean.
    const liveFlagged = flagged.filter((l) => nodes.some((n) => n.port === l.port && isAlive(n)));
    if (liveFlagged.length > 0)
      return `${where}: flags ${liveFlagged.map((l) => `${l.port}:${[...l.flags]}`)}`;
    if (flagged.length !== nodes.length - liveCount) return `${where}: sees ${flagged.length} failed nodes`;
    const live = lines.filter((l) => !flagged.includes(l));
    const idle = live.find((l) => l.flags.has("master") && l.slots.length === 0);
    if (idle) return `${where}: sees ${idle.port} as a master without slots`;
    const orphan = live.find((l) => l.flags.has("slave") && !live.some((m) => m.id === l.masterId));
    if (orphan) return `${where}: sees ${orphan.port} replicating a node that is not live`;
    // Roles spread by gossip: the nodes must agree on who replicates whom and who serves what.
    const topology = live
      .map((l) => `${l.id} ${l.flags.has("master") ? "master" : l.masterId} ${l.slots.join(" ")}`)
      .sort()
      .join("\n");
    topologies.set(topology, server.port);
    const myself = lines.find((l) => l.flags.has("myself"));
    if (myself?.flags.has("slave")) {
      const replication = parseInfo(await cli(server, "INFO", "replication"));
      if (replication.get("master_link_status") !== "up")
        return `${where}: master link ${replication.get("master_link_status")}`;
    }
    return undefined;
  };

  const cluster: RedisCluster = {
    nodes,
    seeds: [],
    busPorts,
    async masters() {
      return (await view())
        .filter((l) => l.flags.has("master") && !(l.flags.has("fail") && l.slots.length === 0))
        .map(toView);
    },
    async replicas() {
      return (await view())
        .filter((l) => l.flags.has("slave"))
        .map((l) => ({ ...toView(l), masterId: l.masterId }));
    },
    idOf(server) {
      const id = ids.get(server);
      if (!id) throw new Error(`not a node of this cluster: ${server.port}`);
      return id;
    },
    async nodeForKey(key) {
      const slot = keySlot(key);
      const owner = (await view()).find(
        (l) => l.flags.has("master") && l.slots.some(([a, b]) => slot >= a && slot <= b),
      );
      if (!owner) throw new Error(`no master serves slot ${slot}`);
      return serverAt(owner.port);
    },
    async kill(server) {
      const own = (await view()).find((l) => l.port === server.port);
      slotsAtKill.set(server, own?.slots ?? []);
      if (!isAlive(server)) return;
      const exited = new Promise<void>((resolve) => server.process.once("exit", () => resolve()));
      server.process.kill("SIGKILL");
      await exited;
    },
    async restart(server) {
      // RedisServer.restart() keeps the dir, so the node reads its nodes.conf and rejoins.
      await server.restart();
      slotsAtKill.delete(server);
    },
    async waitForFailover(killed, timeoutMs = 30_000) {
      const killedId = cluster.idOf(killed);
      const formerSlots =
        slotsAtKill.get(killed) ?? (await view()).find((l) => l.id === killedId)?.slots ?? [];
      const probe = formerSlots[0]?.[0];
      if (probe === undefined)
        throw new Error(`node ${killed.port} served no slots: nothing fails over (use waitForHealthy)`);
      return pollUntil<RedisServer>(`failover of ${killed.port}`, timeoutMs, async () => {
        let successor: RedisServer | undefined;
        for (const server of nodes.filter(isAlive)) {
          const info = parseInfo(await cli(server, "CLUSTER", "INFO"));
          if (info.get("cluster_state") !== "ok")
            return { notYet: `node ${server.port}: cluster_state ${info.get("cluster_state")}` };
          const lines = parseClusterNodes(await cli(server, "CLUSTER", "NODES"));
          const owner = lines.find(
            (l) => l.flags.has("master") && l.slots.some(([a, b]) => probe >= a && probe <= b),
          );
          if (!owner || owner.id === killedId)
            return { notYet: `node ${server.port}: slot ${probe} still on ${killed.port}` };
          const ownerServer = serverAt(owner.port);
          if (successor && successor !== ownerServer)
            return { notYet: `nodes disagree on the owner of slot ${probe}` };
          successor = ownerServer;
        }
        if (!successor) return { notYet: "no live node" };
        const role = await cli(successor, "ROLE");
        if (!role.startsWith("master")) return { notYet: `${successor.port} is not master yet` };
        return successor;
      });
    },
    async waitForHealthy(timeoutMs = readyTimeoutMs) {
      await pollUntil("healthy cluster", timeoutMs, async () => {
        const live = nodes.filter(isAlive);
        const topologies = new Map<string, number>();
        for (const server of live) {
          const problem = await nodeProblem(server, live.length, topologies);
          if (problem) return { notYet: problem };
        }
        if (topologies.size > 1)
          return { notYet: `nodes ${[...topologies.values()]} see different roles or slots` };
        return true;
      });
    },
    async waitForReplicaSync(timeoutMs = readyTimeoutMs) {
      await pollUntil("replicas in sync", timeoutMs, async () => {
        for (const master of await cluster.masters()) {
          if (master.failing || !isAlive(master.server)) continue;
          const info = parseInfo(await cli(master.server, "INFO", "replication"));
          const offset = info.get("master_repl_offset");
          for (const [name, value] of info) {
            if (!/^slave\d+$/.test(name)) continue;
            const replicaOffset = /offset=(\d+)/.exec(value)?.[1];
            if (replicaOffset !== offset)
              return { notYet: `${master.server.port} ${name}: ${value} vs ${offset}` };
          }
        }
        return true;
      });
    },
    cli,
    async stop() {
      await Promise.all(nodes.map((n) => n.stop()));
    },
  };

  try {
    const count = masterCount * (1 + replicasPerMaster);
    // Started one after another would only cost time; free ports are picked by each start.
    nodes.push(...(await Promise.all(Array.from({ length: count }, startNode))));
    cluster.seeds.push(...nodes.map((n) => n.url));
    for (const server of nodes) ids.set(server, (await cli(server, "CLUSTER", "MYID")).trim());

    const createArgs = ["--cluster", "create", ...nodes.map((n) => `127.0.0.1:${n.port}`)];
    createArgs.push("--cluster-replicas", String(replicasPerMaster), "--cluster-yes");
    if (auth) createArgs.push(...authArgs(auth));
    if (options.tls) createArgs.push(...tlsArgs(options.tls));
    await runProcess("redis-cli", createArgs, readyTimeoutMs);
    await cluster.waitForHealthy(readyTimeoutMs);
  } catch (e) {
    await cluster.stop();
    throw e;
  }
  return cluster;
}
