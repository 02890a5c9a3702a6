// The live TTL watch's own subscriber connection (a plain socket, not the instance's ioredis
// client) over TLS with a custom CA, signed in as an ACL user with a password: it subscribes and
// finds a key written without TTL; the subscriber's name and user show in CLIENT LIST.
import { readFileSync, rmSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { InstanceConfig } from "@/lib/config";
import { SUBSCRIBED_EVENTS } from "@/lib/watch/events";
import type { WatchService } from "@/lib/watch/service";
import { consoleEnv, type ConsoleEnv } from "../helpers/console-env";
import { startRedisServer, type RedisServer } from "../helpers/redis-server";
import { makeTlsFiles, type TlsFiles } from "../helpers/tls";

let server: RedisServer;
let tls: TlsFiles;
let env: ConsoleEnv | undefined;
let service: WatchService | undefined;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  tls = makeTlsFiles();
  server = await startRedisServer({
    tls,
    config: { "notify-keyspace-events": "Eg$lshz" },
    aclUsers: [
      "user watcher on >watch-pw ~* resetchannels &__keyevent@0__:* -@all +ping +info +client|setname +select +ttl +config|get +subscribe",
    ],
  });
  env = await consoleEnv("watch-tls");
}, 60_000);

afterAll(async () => {
  await service?.stop();
  await env?.close();
  await server?.stop();
  if (tls) rmSync(tls.dir, { recursive: true, force: true });
});

it("subscribes over TLS as an ACL user and finds a key without TTL", async () => {
  const good = {
    id: "wtls",
    name: "tls",
    environment: "development",
    url: `rediss://watcher@127.0.0.1:${server.port}/0`,
    password: "watch-pw",
    tls: { ca: readFileSync(tls.caCert, "utf8"), rejectUnauthorized: true },
    readOnly: false,
  } as InstanceConfig;
  const { WatchService, watchStatus } = await import("@/lib/watch/service");
  const { getStore } = await import("@/lib/store");
  const { currentFindings } = await import("@/lib/store/watch");
  const db = getStore();
  service = new WatchService({ db, instances: [good], maxReadsPerSecond: 500, isLeader: () => true });
  service.start();
  const until = async (what: string, ok: () => Promise<boolean>, ms = 30_000) => {
    for (const deadline = Date.now() + ms; !(await ok());) {
      if (Date.now() > deadline) throw new Error(`${what}: ${JSON.stringify(await watchStatus(good, { db }))}`);
      await sleep(100);
    }
  };
  await until("on over TLS", async () => (await watchStatus(good, { db })).state === "on");
  const key = "isl:ident:00000000000000aa";
  await server.cli("SET", key, "v");
  await until("found", async () =>
    (await currentFindings(db, good.id)).some((f) => f.keyBase64 === Buffer.from(key).toString("base64")),
  );
  const clients = await server.cli("CLIENT", "LIST");
  // One connection subscribed to each channel the watch uses, no pattern.
  expect(clients).toMatch(
    new RegExp(`name=isl-console-watch .* sub=${SUBSCRIBED_EVENTS.length} psub=0 .*user=watcher`),
  );
}, 90_000);
