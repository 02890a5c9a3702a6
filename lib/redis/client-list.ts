// CLIENT LIST of every server of an instance, with each server's connected clients and maxclients:
// the facts the ops page's "connection pool near max" triage (lib/ops/clients.ts) is built from.
import "server-only";
import type Redis from "ioredis";
import type { InstanceConfig } from "@/lib/config";
import { parseInfo, summarizeInfo } from "./info";
import { configGet, readEveryNode, type NodeRead } from "./server-config";

/** One connection as CLIENT LIST describes it. */
export interface ClientConnection {
  id: string;
  addr: string;
  name: string;
  ageSeconds: number;
  idleSeconds: number;
  db: number;
  /** Last command (e.g. "client|list"). */
  cmd: string;
  user: string;
  flags: string;
  /** Memory of the client's buffers (tot-mem), bytes. */
  memoryBytes: number;
  /** Commands run on this connection (tot-cmds, Redis 7.2+); null before. */
  commands: number | null;
  /** The server the connection is to ("host:port"): ids are per node. */
  node?: string;
}

/** One CLIENT LIST line ("id=3 addr=127.0.0.1:5000 ... name= age=10 idle=0 ...") as fields. */
export function parseClientLine(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of line.trim().split(" ")) {
    const eq = part.indexOf("=");
    if (eq > 0) out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

export function parseClientList(text: string): ClientConnection[] {
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const f = parseClientLine(line);
      const n = (k: string) => (f[k] === undefined ? 0 : Number(f[k]) || 0);
      return {
        id: f.id ?? "",
        addr: f.addr ?? "",
        name: f.name ?? "",
        ageSeconds: n("age"),
        idleSeconds: n("idle"),
        db: n("db"),
        cmd: f.cmd ?? "",
        user: f.user ?? "",
        flags: f.flags ?? "",
        memoryBytes: n("tot-mem"),
        commands: f["tot-cmds"] === undefined ? null : n("tot-cmds"),
      };
    });
}

export interface NodeClients {
  clients: ClientConnection[];
  connected: number;
  maxClients: number | null;
}

async function readNodeClients(redis: Redis, address: string): Promise<NodeClients> {
  const [listText, infoText] = await Promise.all([
    redis.call("CLIENT", "LIST") as Promise<string>,
    redis.info("clients"),
  ]);
  const info = summarizeInfo(parseInfo(infoText));
  let maxClients = info.maxClients ?? null;
  if (maxClients === null) {
    const config = await configGet(redis, ["maxclients"]);
    const value = Number(config?.get("maxclients"));
    maxClients = Number.isFinite(value) && config?.has("maxclients") ? value : null;
  }
  return {
    clients: parseClientList(String(listText)).map((c) => ({ ...c, node: address })),
    connected: info.connectedClients,
    maxClients,
  };
}

/** CLIENT LIST and the client counts of every server of the instance, each with its node. */
export function readClientLists(instance: InstanceConfig): Promise<NodeRead<NodeClients>[]> {
  return readEveryNode(instance, (node) => readNodeClients(node.client, node.address));
}
