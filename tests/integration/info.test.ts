// INFO from a real redis-server, parsed by lib/redis/info, checked against what redis-cli reports.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InstanceConfig } from "@/lib/config";
import { closeAllConnections, withRedis } from "@/lib/redis/connection";
import { parseInfo, summarizeInfo, type InfoSummary } from "@/lib/redis/info";
import { startRedisServer, type RedisServer } from "../helpers/redis-server";

/** One field of `redis-cli INFO` text, read without our parser. */
function cliField(text: string, name: string): string | undefined {
  const line = text.split(/\r?\n/).find((l) => l.startsWith(`${name}:`));
  return line?.slice(name.length + 1).trim();
}

describe("INFO from a spawned redis-server", () => {
  let server: RedisServer;
  let instance: InstanceConfig;
  let summary: InfoSummary;
  let cliInfo: string;

  beforeAll(async () => {
    server = await startRedisServer({ config: { maxmemory: "20mb", "maxmemory-policy": "volatile-lru" } });
    instance = { id: "info", name: "info", environment: "development", url: server.url, readOnly: false };
    // db0: 3 keys, 2 with a TTL; db2: 5 keys, none with a TTL.
    await server.cli("SET", "isl:result:0000000000000001", "x", "EX", "3600");
    await server.cli("SET", "isl:ident:0000000000000002", "y", "EX", "7200");
    await server.cli("SET", "isl:beliefs:0000000000000003", "z");
    await server.cli("-n", "2", "MSET", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5");
    const text = await withRedis(instance, (redis) => redis.info());
    summary = summarizeInfo(parseInfo(text));
    cliInfo = await server.cli("INFO");
  });

  afterAll(async () => {
    await closeAllConnections();
    await server?.stop();
  });

  it("reports the version, mode and role redis-cli shows", () => {
    expect(summary.redisVersion).toBe(cliField(cliInfo, "redis_version"));
    expect(summary.redisVersion).toMatch(/^\d+\.\d+\.\d+$/);
    expect(summary.redisMode).toBe("standalone");
    expect(summary.role).toBe("master");
    expect(summary.runId).toBe(cliField(cliInfo, "run_id"));
    expect(summary.runId).toMatch(/^[0-9a-f]{40}$/);
  });

  it("reads maxmemory and the eviction policy as CONFIG GET gives them", async () => {
    const [, maxmemory] = (await server.cli("CONFIG", "GET", "maxmemory")).trim().split(/\r?\n/);
    const [, policy] = (await server.cli("CONFIG", "GET", "maxmemory-policy")).trim().split(/\r?\n/);
    expect(maxmemory).toBe(String(20 * 1024 * 1024));
    expect(summary.maxMemoryBytes).toBe(20 * 1024 * 1024);
    expect(policy).toBe("volatile-lru");
    expect(summary.maxMemoryPolicy).toBe("volatile-lru");
  });

  it("reports memory in bytes close to what redis-cli saw a moment later", () => {
    const cliUsed = Number(cliField(cliInfo, "used_memory"));
    expect(summary.usedMemoryBytes).toBeGreaterThan(500_000);
    expect(Math.abs(summary.usedMemoryBytes - cliUsed)).toBeLessThan(cliUsed * 0.2);
    expect(summary.usedMemoryRssBytes).toBeGreaterThan(0);
    expect(summary.usedMemoryPeakBytes).toBeGreaterThanOrEqual(summary.usedMemoryBytes);
    expect(summary.memFragmentationRatio).toBeGreaterThan(0);
  });

  it("counts clients and commands", () => {
    expect(summary.connectedClients).toBeGreaterThanOrEqual(1);
    expect(summary.maxClients).toBe(Number(cliField(cliInfo, "maxclients")));
    // 4 redis-cli writes, the INFO itself, and ioredis's own handshake.
    expect(summary.totalCommandsProcessed).toBeGreaterThanOrEqual(5);
    expect(summary.totalConnectionsReceived).toBeGreaterThanOrEqual(5);
    expect(summary.uptimeSeconds).toBeGreaterThanOrEqual(0);
    expect(summary.uptimeSeconds).toBeLessThan(120);
  });

  it("gives keys and expires per database", () => {
    expect(Object.keys(summary.keyspace).sort()).toEqual(["db0", "db2"]);
    expect(summary.keyspace.db0).toMatchObject({ keys: 3, expires: 2 });
    expect(summary.keyspace.db2).toEqual({ keys: 5, expires: 0, avgTtlMs: 0 });
    expect(cliField(cliInfo, "db2")).toMatch(/^keys=5,expires=0,avg_ttl=0/);
  });

  it("tracks hits, misses, expirations after the fact", async () => {
    await server.cli("GET", "isl:beliefs:0000000000000003");
    await server.cli("GET", "isl:missing");
    await server.cli("SET", "short", "v", "PX", "1");
    await new Promise((r) => setTimeout(r, 50));
    await server.cli("GET", "short");
    const after = summarizeInfo(parseInfo(await withRedis(instance, (redis) => redis.info())));
    expect(after.keyspaceHits).toBe(summary.keyspaceHits + 1);
    expect(after.keyspaceMisses).toBe(summary.keyspaceMisses + 2);
    expect(after.expiredKeys).toBe(summary.expiredKeys + 1);
    expect(after.evictedKeys).toBe(0);
  });
});
