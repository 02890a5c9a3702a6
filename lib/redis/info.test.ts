import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseClusterNodes, parseInfo, parseInfoFields, parseKeyspace, summarizeInfo } from "./info";

// `redis-cli -p 6379 INFO` from Redis 7.0.15, CRLF line endings as Redis sends them.
const INFO_7_0 = readFileSync(path.join(__dirname, "../../tests/fixtures/info-7.0.txt"), "utf8");

describe("parseInfo on real Redis 7.0 output", () => {
  const sections = parseInfo(INFO_7_0);

  it("finds every section, lowercased, and nothing outside them", () => {
    expect(Object.keys(sections)).toEqual([
      "server",
      "clients",
      "memory",
      "persistence",
      "stats",
      "replication",
      "cpu",
      "modules",
      "errorstats",
      "cluster",
      "keyspace",
    ]);
  });

  it("keeps every field of a section, without the trailing carriage return", () => {
    expect(Object.keys(sections.server ?? {})).toHaveLength(24);
    expect(Object.keys(sections.memory ?? {})).toHaveLength(51);
    expect(sections.server?.redis_version).toBe("7.0.15");
    expect(sections.server?.run_id).toBe("b86a15f5e895c67ed6d265a6060516b0e4ac12e1");
    expect(sections.memory?.maxmemory_policy).toBe("noeviction");
    expect(sections.errorstats?.errorstat_ERR).toBe("count=4");
  });

  it("keeps a value that itself contains colons", () => {
    expect(sections.server?.executable).toBe("/redis-server");
    expect(parseInfo("# Server\r\nexecutable:/usr/bin:odd\r\n").server?.executable).toBe("/usr/bin:odd");
  });

  it("gives empty sections (no modules, no databases) as empty maps", () => {
    expect(sections.modules).toEqual({});
    expect(sections.keyspace).toEqual({});
  });

  it("summarizes the fields the console uses as numbers", () => {
    expect(summarizeInfo(sections)).toEqual({
      redisVersion: "7.0.15",
      redisMode: "standalone",
      runId: "b86a15f5e895c67ed6d265a6060516b0e4ac12e1",
      uptimeSeconds: 618,
      role: "master",
      connectedClients: 2,
      maxClients: 10000,
      blockedClients: 0,
      usedMemoryBytes: 1018176,
      usedMemoryRssBytes: 7176192,
      usedMemoryPeakBytes: 1020312,
      maxMemoryBytes: 0,
      maxMemoryPolicy: "noeviction",
      memFragmentationRatio: 7.34,
      evictedKeys: 0,
      expiredKeys: 0,
      keyspaceHits: 0,
      keyspaceMisses: 0,
      totalCommandsProcessed: 19,
      totalConnectionsReceived: 6,
      rejectedConnections: 0,
      instantaneousOpsPerSec: 0,
      keyspace: {},
    });
  });
});

describe("keyspace", () => {
  it("reads keys, expires and avg_ttl per database", () => {
    const text =
      "# Keyspace\r\ndb0:keys=312,expires=298,avg_ttl=4213000\r\ndb2:keys=5,expires=0,avg_ttl=0\r\n";
    expect(summarizeInfo(parseInfo(text)).keyspace).toEqual({
      db0: { keys: 312, expires: 298, avgTtlMs: 4213000 },
      db2: { keys: 5, expires: 0, avgTtlMs: 0 },
    });
  });

  it("ignores fields it does not know (subexpiry in Redis 7.4)", () => {
    expect(parseKeyspace({ db0: "keys=3,expires=1,avg_ttl=10,subexpiry=0" })).toEqual({
      db0: { keys: 3, expires: 1, avgTtlMs: 10 },
    });
  });

  it("parseInfoFields splits comma-separated key=value pairs", () => {
    expect(parseInfoFields("keys=10,expires=3,avg_ttl=0")).toEqual({
      keys: "10",
      expires: "3",
      avg_ttl: "0",
    });
    expect(parseInfoFields("ip=10.0.0.1,port=6380,state=online,offset=42,lag=0")).toMatchObject({
      ip: "10.0.0.1",
      lag: "0",
    });
    expect(parseInfoFields("")).toEqual({});
  });
});

describe("summarizeInfo on partial output", () => {
  it("falls back to safe values when a section is missing (INFO server only)", () => {
    const summary = summarizeInfo(parseInfo("# Server\nredis_version:6.2.14\nuptime_in_seconds:5\n"));
    expect(summary).toMatchObject({
      redisVersion: "6.2.14",
      uptimeSeconds: 5,
      role: "master",
      usedMemoryBytes: 0,
      maxMemoryBytes: 0,
      keyspace: {},
    });
    expect(summary.maxClients).toBeUndefined();
    expect(summary.maxMemoryPolicy).toBeUndefined();
    expect(summary.memFragmentationRatio).toBeUndefined();
  });

  it("keeps lines that come before any header in a default section", () => {
    expect(parseInfo("redis_version:7.2.4\n")).toEqual({ default: { redis_version: "7.2.4" } });
    expect(summarizeInfo(parseInfo("redis_version:7.2.4\n")).redisVersion).toBe("7.2.4");
  });

  it("reads a replica's role", () => {
    const text = "# Replication\r\nrole:slave\r\nmaster_host:10.0.0.1\r\nmaster_link_status:up\r\n";
    expect(summarizeInfo(parseInfo(text)).role).toBe("slave");
  });
});

describe("parseClusterNodes", () => {
  it("reads addresses, flags, masters, link state and slot ranges, skipping migration markers", () => {
    const text = [
      "a1 127.0.0.1:7001@17001 myself,master - 0 0 1 connected 0-5460 [5461->-b2]",
      "b2 127.0.0.1:7002@17002,node-2 master,fail - 1 2 2 disconnected",
      "c3 127.0.0.1:7003@17003 slave a1 0 3 1 connected",
      "",
    ].join("\n");
    expect(parseClusterNodes(text)).toEqual([
      {
        id: "a1",
        address: "127.0.0.1:7001",
        flags: ["myself", "master"],
        masterId: "-",
        link: "connected",
        slots: [[0, 5460]],
      },
      {
        id: "b2",
        address: "127.0.0.1:7002",
        flags: ["master", "fail"],
        masterId: "-",
        link: "disconnected",
        slots: [],
      },
      { id: "c3", address: "127.0.0.1:7003", flags: ["slave"], masterId: "a1", link: "connected", slots: [] },
    ]);
  });
});
