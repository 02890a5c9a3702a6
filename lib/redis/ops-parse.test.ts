import { describe, expect, it } from "vitest";
import { hostOf, summarizeClients } from "@/lib/ops/clients";
import { parseClientList } from "./client-list";
import { parseLatencyLatest } from "./latency";
import { toSlowlogEntry } from "./slowlog";

const LIST = [
  "id=3 addr=10.0.0.7:51234 laddr=10.0.0.1:6379 fd=8 name=isl-api age=600 idle=2 flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=1024 rbp=0 obl=0 oll=0 omem=0 tot-mem=2048 events=r cmd=get user=default redir=-1 resp=2",
  "id=4 addr=10.0.0.7:51235 laddr=10.0.0.1:6379 fd=9 name=isl-api age=30 idle=30 flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=1024 rbp=0 obl=0 oll=0 omem=0 tot-mem=4096 events=r cmd=setex user=default redir=-1 resp=2",
  "id=9 addr=[::1]:40000 laddr=[::1]:6379 fd=10 name= age=5 idle=0 flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=26 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=1024 rbp=0 obl=0 oll=0 omem=0 tot-mem=1000 events=r cmd=client|list user=ops redir=-1 resp=3",
].join("\n");

describe("CLIENT LIST", () => {
  it("parses each connection's fields", () => {
    const [first] = parseClientList(`${LIST}\n`);
    expect(first).toEqual({
      id: "3",
      addr: "10.0.0.7:51234",
      name: "isl-api",
      ageSeconds: 600,
      idleSeconds: 2,
      db: 0,
      cmd: "get",
      user: "default",
      flags: "N",
      memoryBytes: 2048,
      commands: null,
    });
  });

  it("takes the host of IPv4, IPv6 and unix-socket addresses", () => {
    expect(hostOf("10.0.0.7:51234")).toBe("10.0.0.7");
    expect(hostOf("[::1]:40000")).toBe("::1");
    expect(hostOf("/tmp/redis.sock:0")).toBe("/tmp/redis.sock");
  });

  it("groups by name and address, finds the oldest and the busiest, longest idle first", () => {
    const s = summarizeClients("x", parseClientList(LIST), { connected: 3, maxClients: 4, threshold: 0.9 });
    expect(s.ratio).toBe(0.75);
    expect(s.byName).toEqual([
      {
        key: "isl-api",
        count: 2,
        minIdleSeconds: 2,
        maxIdleSeconds: 30,
        oldestAgeSeconds: 600,
        memoryBytes: 6144,
      },
      {
        key: "(no name)",
        count: 1,
        minIdleSeconds: 0,
        maxIdleSeconds: 0,
        oldestAgeSeconds: 5,
        memoryBytes: 1000,
      },
    ]);
    expect(s.byAddress.map((g) => [g.key, g.count])).toEqual([
      ["10.0.0.7", 2],
      ["::1", 1],
    ]);
    expect(s.oldest?.id).toBe("3");
    expect(s.busiestBy).toBe("memory");
    expect(s.busiest?.id).toBe("4");
    expect(s.clients.map((c) => c.id)).toEqual(["4", "3", "9"]);
  });

  it("measures the busiest by commands where Redis reports tot-cmds", () => {
    const list =
      "id=1 addr=a:1 name=a age=1 idle=0 tot-mem=9999 tot-cmds=5\nid=2 addr=a:2 name=b age=1 idle=0 tot-mem=1 tot-cmds=50";
    const s = summarizeClients("x", parseClientList(list), {
      connected: 2,
      maxClients: null,
      threshold: 0.9,
    });
    expect(s.busiestBy).toBe("commands");
    expect(s.busiest?.id).toBe("2");
    expect(s.ratio).toBeNull();
  });
});

describe("SLOWLOG GET entries", () => {
  const raw = [
    7,
    1_795_000_000,
    1234,
    [Buffer.from("set"), Buffer.from("isl:beliefs:user_123"), Buffer.from([0xff, 0x0a])],
    Buffer.from("127.0.0.1:5000"),
    Buffer.from("isl-api"),
  ] as Parameters<typeof toSlowlogEntry>[0];

  it("drops the arguments unless revealed, keeping their count", () => {
    const hidden = toSlowlogEntry(raw, false);
    expect(hidden).toEqual({
      id: 7,
      time: new Date(1_795_000_000_000).toISOString(),
      durationMicros: 1234,
      command: "SET",
      args: null,
      argCount: 2,
      client: { addr: "127.0.0.1:5000", name: "isl-api" },
      own: false,
      ownLabel: null,
    });
    expect(JSON.stringify(hidden)).not.toContain("user_123");
  });

  it("escapes revealed arguments like redis-cli", () => {
    expect(toSlowlogEntry(raw, true).args).toEqual(["isl:beliefs:user_123", "\\xff\\n"]);
  });

  it("counts the arguments Redis elided past 32", () => {
    const args = [
      Buffer.from("del"),
      ...Array.from({ length: 30 }, (_, i) => Buffer.from(`k${i}`)),
      Buffer.from("... (8 more arguments)"),
    ];
    const entry = toSlowlogEntry([1, 1, 1, args] as Parameters<typeof toSlowlogEntry>[0], false);
    expect(entry.argCount).toBe(38);
  });
});

describe("LATENCY LATEST", () => {
  it("parses events, newest first", () => {
    expect(
      parseLatencyLatest([
        ["command", 1_795_000_000, 31, 50],
        ["fast-command", 1_795_000_100, 4, 4],
      ]),
    ).toEqual([
      { event: "fast-command", time: new Date(1_795_000_100_000).toISOString(), latestMs: 4, maxMs: 4 },
      { event: "command", time: new Date(1_795_000_000_000).toISOString(), latestMs: 31, maxMs: 50 },
    ]);
    expect(parseLatencyLatest(null)).toEqual([]);
  });
});
