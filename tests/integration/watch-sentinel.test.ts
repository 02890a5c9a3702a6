// The live TTL watch on a sentinel instance (master + replica + 3 sentinels): it subscribes to the
// master the sentinels name; when the master is killed it follows the promoted replica, says which
// window was missed, and finds keys written on the new master.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { InstanceConfig } from "@/lib/config";
import type { WatchService } from "@/lib/watch/service";
import { consoleEnv, type ConsoleEnv } from "../helpers/console-env";
import { startRedisSentinel, type RedisSentinelSet } from "../helpers/redis-sentinel";

let set: RedisSentinelSet;
let env: ConsoleEnv | undefined;
let service: WatchService | undefined;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const hex = (n: number) => n.toString(16).padStart(16, "0");

beforeAll(async () => {
  set = await startRedisSentinel({
    masterName: "isl",
    replicas: 1,
    sentinels: 3,
    config: { "notify-keyspace-events": "Eg$lshz" },
  });
  env = await consoleEnv("watch-sentinel");
}, 120_000);

afterAll(async () => {
  await service?.stop();
  await env?.close();
  await set?.stop();
});

it("follows the sentinels' master through a failover and says what it missed", async () => {
  const instance: InstanceConfig = {
    id: "wsen",
    name: "sentinel",
    environment: "staging",
    kind: "sentinel",
    url: "redis://isl/0",
    sentinel: {
      addresses: set.sentinels.map((s) => ({ host: s.host, port: s.port })),
      masterName: "isl",
      tls: false,
    },
    readOnly: false,
  } as InstanceConfig;
  const { WatchService, watchStatus } = await import("@/lib/watch/service");
  const { getStore } = await import("@/lib/store");
  const { currentFindings } = await import("@/lib/store/watch");
  const db = getStore();
  service = new WatchService({
    db,
    instances: [instance],
    maxReadsPerSecond: 500,
    isLeader: () => true,
    recheckMs: { on: 1000, off: 500 },
  });
  service.start();
  const until = async (what: string, ok: () => Promise<boolean>, ms = 60_000) => {
    for (const deadline = Date.now() + ms; !(await ok());) {
      if (Date.now() > deadline) throw new Error(`${what}: ${JSON.stringify(await watchStatus(instance, { db }))}`);
      await sleep(100);
    }
  };
  const found = async (key: string) =>
    (await currentFindings(db, instance.id)).some((f) => f.keyBase64 === Buffer.from(key).toString("base64"));
  await until("on", async () => (await watchStatus(instance, { db })).state === "on");
  const first = `isl:ident:${hex(1)}`;
  await set.master.cli("SET", first, "v");
  await until("found on the first master", () => found(first), 30_000);

  const killedAt = Date.now();
  const old = await set.killMaster();
  const promoted = await set.waitForFailover(old.port);
  await until("resubscribed with a closed missed window", async () => {
    const s = await watchStatus(instance, { db });
    return (
      s.state === "on" && s.missed.some((m) => m.to !== undefined && Date.parse(m.from) >= killedAt - 1000)
    );
  });
  const s = await watchStatus(instance, { db });
  console.log(
    `watch (sentinel): resubscribed to ${promoted.host}:${promoted.port} ${Date.now() - killedAt} ms after the kill; "${s.missed[0]?.text}"`,
  );
  const second = `isl:result:${hex(2)}`;
  await set.serverAt(promoted.port).cli("SET", second, "v");
  await until("found on the new master", () => found(second), 30_000);
  expect(s.nodes[0]?.address).toBe(`${promoted.host}:${promoted.port}`);
}, 180_000);
