// The slow log tells the console's own commands from ISL's, against a real redis-server: its
// metadata script call (EVALSHA of the script's SHA), the commands Redis logs from inside that
// script with client "?:0", and anything sent on its named connections.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InstanceConfig } from "@/lib/config";
import { closeAllConnections } from "@/lib/redis/connection";
import { chooseMetaReader } from "@/lib/redis/scanner";
import { readSlowlog, SCRIPT_LABEL } from "@/lib/redis/slowlog";
import { keyspaceNodes } from "@/lib/redis/topology";
import { startRedisServer, type RedisServer } from "../helpers/redis-server";

let redis: RedisServer;
let instance: InstanceConfig;

beforeAll(async () => {
  redis = await startRedisServer({ config: { "slowlog-log-slower-than": "0", "slowlog-max-len": "1000" } });
  instance = { id: "slow", name: "Slow log", environment: "development", url: redis.url, readOnly: false };
});

afterAll(async () => {
  await closeAllConnections();
  await redis?.stop();
});

describe("the console's own slow log entries", () => {
  it("marks the script call, the commands inside it and the console's connections; not ISL's commands", async () => {
    await redis.cli("SET", "isl:ident:abc", "1");
    const [node] = await keyspaceNodes(instance);
    if (!node) throw new Error("no node");
    const reader = await chooseMetaReader(node.client, "isl:ident:abc");
    expect(reader.call).toBeDefined();
    await reader.call?.(node.client, [Buffer.from("isl:ident:abc")]);
    await redis.cli("EVAL", "return redis.call('GET', KEYS[1])", "1", "isl:ident:abc");
    const { entries } = await readSlowlog(instance, { count: 1000, reveal: false });

    const script = entries.filter((e) => e.command.startsWith("EVALSHA"));
    expect(script.length).toBeGreaterThan(0);
    for (const e of script) expect(e).toMatchObject({ own: true, ownLabel: SCRIPT_LABEL, args: null });

    const inside = entries.filter((e) => e.client.addr === "?:0" && e.command === "TTL");
    expect(inside.length).toBeGreaterThan(0);
    for (const e of inside)
      expect(e).toMatchObject({ own: true, ownLabel: `${SCRIPT_LABEL} (TTL run inside it)` });

    // ISL's own script and what it ran stay ISL's.
    expect(entries.find((e) => e.command === "EVAL")).toMatchObject({ own: false, ownLabel: null });
    expect(entries.find((e) => e.command === "GET" && e.client.addr === "?:0")).toMatchObject({ own: false });
    expect(entries.find((e) => e.command === "SET")).toMatchObject({ own: false });

    const load = entries.find((e) => e.command === "SCRIPT");
    expect(load).toMatchObject({ own: true, ownLabel: "console: main connection" });
  });
});
