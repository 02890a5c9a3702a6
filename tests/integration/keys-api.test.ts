// The key browser API against a real redis-server: cursor paging, binary key names, every type's
// value, truncation, and the JSON errors. Route handlers are called directly, as Next would.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KeyDetailResponse, KeysResponse } from "@/lib/schemas/keys";
import { authedRequest } from "../helpers/auth";
import { startRedisServer, type RedisServer } from "../helpers/redis-server";

type ListGet = typeof import("@/app/api/instances/[id]/keys/route").GET;
type DetailGet = typeof import("@/app/api/instances/[id]/keys/[keyBase64url]/route").GET;

const ID = "keys-test";
let server: RedisServer;
let dataDir: string;
let listGet: ListGet;
let detailGet: DetailGet;
let redisCall: (...args: (string | Buffer)[]) => Promise<unknown>;
let closeAll: () => Promise<void>;

async function list(
  query: Record<string, string>,
  id = ID,
): Promise<{ status: number; body: KeysResponse & { error?: { code: string } } }> {
  const url = `http://localhost/api/instances/${id}/keys?${new URLSearchParams(query)}`;
  const res = await listGet(authedRequest(url), { params: Promise.resolve({ id }) });
  return { status: res.status, body: await res.json() };
}

async function detail(keyBase64url: string, query: Record<string, string> = {}) {
  const url = `http://localhost/api/instances/${ID}/keys/${keyBase64url}?${new URLSearchParams(query)}`;
  const res = await detailGet(authedRequest(url), { params: Promise.resolve({ id: ID, keyBase64url }) });
  const text = await res.text();
  return {
    status: res.status,
    bytes: Buffer.byteLength(text),
    body: JSON.parse(text) as KeyDetailResponse & { error?: { code: string } },
  };
}

const idOf = (key: string | Buffer) => Buffer.from(key).toString("base64url");

/** Every page from cursor 0 to the end; returns the keys in order and the number of pages. */
async function listAll(query: Record<string, string>) {
  const keys: string[] = [];
  let cursor = "0";
  let pages = 0;
  do {
    const { status, body } = await list({ ...query, cursor });
    expect(status).toBe(200);
    keys.push(...body.keys.map((k) => k.key));
    expect(body.keys.length).toBeLessThanOrEqual(2 * Number(query.count ?? 100));
    cursor = body.cursor;
    pages++;
  } while (cursor !== "0" && pages < 10_000);
  return { keys, pages };
}

beforeAll(async () => {
  server = await startRedisServer();
  dataDir = mkdtempSync(path.join(os.tmpdir(), "isl-keys-test-"));
  process.env.REDIS_URL = server.url;
  process.env.REDIS_INSTANCE_ID = ID;
  process.env.CONSOLE_DATA_DIR = dataDir;
  delete process.env.ISL_INSTANCES_FILE;
  delete process.env.ISL_POLICY_FILE;
  const config = await import("@/lib/config");
  config.resetConfigForTests();
  listGet = (await import("@/app/api/instances/[id]/keys/route")).GET;
  detailGet = (await import("@/app/api/instances/[id]/keys/[keyBase64url]/route")).GET;
  const client = await import("@/lib/redis/connection");
  closeAll = client.closeAllConnections;
  const instance = config.findInstance(ID);
  if (!instance) throw new Error("test instance not configured");
  const redis = await client.getClient(instance);
  redisCall = (...args) => redis.callBuffer(args[0] as string, ...args.slice(1));

  // 300 keys under a prefix, surrounded by 5,000 others so most SCAN batches hold few matches.
  const pipeline = redis.pipeline();
  for (let i = 0; i < 300; i++)
    pipeline.set(`isl:result:${i.toString(16).padStart(16, "0")}`, "{}", "EX", 3600);
  for (let i = 0; i < 5000; i++) pipeline.set(`other:noise:${i}`, "x");
  await pipeline.exec();
});

afterAll(async () => {
  await closeAll?.();
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe("GET /api/instances/{id}/keys", () => {
  it("pages through 300 keys under a prefix with count=50, each exactly once", async () => {
    const { keys, pages } = await listAll({ match: "isl:result:*", count: "50" });
    expect(keys).toHaveLength(300);
    expect(new Set(keys).size).toBe(300);
    // A page may overshoot count a little (SCAN cannot stop inside a batch), never by much.
    expect(pages).toBeGreaterThanOrEqual(4);
  });

  it("fills sparse pages by scanning further instead of answering empty", async () => {
    const first = await list({ match: "isl:result:*", count: "50" });
    expect(first.body.keys.length).toBeGreaterThanOrEqual(50);
  });

  it("returns type, TTL, size, pattern and class for each key", async () => {
    const { body } = await list({ match: "isl:result:000000000000000a", count: "10" });
    expect(body.cursor).toBe("0");
    expect(body.keys).toHaveLength(1);
    const [key] = body.keys;
    expect(key).toMatchObject({
      key: "isl:result:000000000000000a",
      type: "string",
      pattern: "result",
      class: "ok",
      sensitive: false,
    });
    expect(key?.ttl).toBeGreaterThan(3500);
    expect(key?.bytes).toBeGreaterThan(0);
  });

  it("filters by type", async () => {
    await redisCall("RPUSH", "isl:typed:list", "a");
    const { keys } = await listAll({ match: "isl:typed:*", type: "list", count: "100" });
    expect(keys).toEqual(["isl:typed:list"]);
  });

  it("lists a key with bytes \\xff\\xfe\\x00\\x01 in its name exactly, and reads it back by its base64url id", async () => {
    const name = Buffer.concat([Buffer.from("isl:bin:"), Buffer.from([0xff, 0xfe, 0x00, 0x01])]);
    await redisCall("SET", name, "binary-named", "EX", "600");
    const { keys } = await list({ match: "isl:bin:*", count: "10" }).then((r) => ({ keys: r.body.keys }));
    expect(keys).toHaveLength(1);
    expect(keys[0]?.keyBase64).toBe(name.toString("base64"));
    expect(keys[0]?.key).toBe("isl:bin:\\xff\\xfe\\x00\\x01");
    const read = await detail(idOf(name));
    expect(read.status).toBe(200);
    expect(read.body.keyBase64).toBe(name.toString("base64"));
    expect(read.body.value).toMatchObject({ kind: "string", encoding: "text", value: "binary-named" });
  });

  it("lets a displayed key with escapes be pasted back as the match", async () => {
    const { body } = await list({ match: "isl:bin:\\xff\\xfe*", count: "10" });
    expect(body.keys.map((k) => k.key)).toEqual(["isl:bin:\\xff\\xfe\\x00\\x01"]);
  });

  it("marks keys of sensitive patterns", async () => {
    await redisCall("SET", "isl:beliefs:0123456789abcdef", '{"prefers":"tea"}', "EX", "600");
    const { body } = await list({ match: "isl:beliefs:*" });
    expect(body.keys[0]).toMatchObject({ pattern: "beliefs", sensitive: true });
    const read = await detail(idOf("isl:beliefs:0123456789abcdef"));
    expect(read.body.sensitive).toBe(true);
    expect(read.body.value).toMatchObject({ kind: "string", encoding: "json" });
  });

  it("hides a sensitive value from a caller who may not read it, without reading it", async () => {
    const [{ readKey }, { compiledPolicy }, { getConfig, findInstance }, { withRedis }, { canReadSensitive }] =
      await Promise.all([
        import("@/lib/browse/detail"),
        import("@/lib/config/compiled-policy"),
        import("@/lib/config"),
        import("@/lib/redis/connection"),
        import("@/lib/policy/access"),
      ]);
    const instance = findInstance(ID);
    if (!instance) throw new Error("no instance");
    const key = Buffer.from("isl:beliefs:0123456789abcdef");
    const revealSensitive = canReadSensitive({ role: "viewer" });
    expect(revealSensitive).toBe(false);
    const before = await redisCall("INFO", "commandstats");
    const detail = await withRedis(instance, (r) =>
      readKey(r, compiledPolicy(getConfig().policy), key, { limit: 1000 }, { revealSensitive }),
    );
    const after = await redisCall("INFO", "commandstats");
    expect(detail?.value).toMatchObject({ kind: "hidden" });
    expect(detail).toMatchObject({ sensitive: true, pattern: "beliefs" });
    const getrange = (info: unknown) => /cmdstat_getrange:calls=(\d+)/.exec(String(info))?.[1] ?? "0";
    expect(getrange(after)).toBe(getrange(before));
  });

  it("answers 400 for a count outside 1..1000 or not a number", async () => {
    for (const count of ["0", "1001", "abc", "2.5"]) {
      const { status, body } = await list({ count });
      expect(status, `count=${count}`).toBe(400);
      expect(body.error?.code).toBe("bad_request");
    }
  });

  it("answers 400 for a malformed or overlong match", async () => {
    for (const match of ["isl:[abc", "isl:\\", "x".repeat(513), "*a".repeat(17)]) {
      const { status, body } = await list({ match });
      expect(status, `match=${match.slice(0, 20)}`).toBe(400);
      expect(body.error?.code).toBe("bad_request");
    }
  });

  it("answers 400 for a cursor that is not a number", async () => {
    expect((await list({ cursor: "abc" })).status).toBe(400);
  });

  it("answers 404 JSON for an unknown instance", async () => {
    const { status, body } = await list({ count: "10" }, "nope");
    expect(status).toBe(404);
    expect(body.error?.code).toBe("not_found");
  });
});

describe("GET /api/instances/{id}/keys/{keyBase64url}", () => {
  it("reads a JSON string pretty-printed, numbers exactly as stored", async () => {
    await redisCall("SET", "isl:result:json", '{"a":1,"big":12345678901234567890,"l":[1,2],"e":{}}');
    const { body } = await detail(idOf("isl:result:json"));
    expect(body.value).toEqual({
      kind: "string",
      encoding: "json",
      value: '{\n  "a": 1,\n  "big": 12345678901234567890,\n  "l": [\n    1,\n    2\n  ],\n  "e": {}\n}',
      size: 51,
      shownBytes: 51,
      truncated: false,
    });
    expect(body.standardTtl).toBe(7200);
    expect(body.class).toBe("noTtl");
  });

  it("reads a binary string as hex", async () => {
    await redisCall("SET", "isl:bin:value", Buffer.from([0, 1, 0xff, 0x80]));
    const { body } = await detail(idOf("isl:bin:value"));
    expect(body.value).toMatchObject({
      kind: "string",
      encoding: "hex",
      value: "0001ff80",
      size: 4,
      truncated: false,
    });
  });

  it("truncates a 3 MB string to well under 1.5 MB and reports its full size", async () => {
    await redisCall("SET", "isl:big:string", "a".repeat(3 * 1024 * 1024));
    const { status, bytes, body } = await detail(idOf("isl:big:string"));
    expect(status).toBe(200);
    expect(bytes).toBeLessThan(1.2 * 1024 * 1024);
    expect(body.value).toMatchObject({
      kind: "string",
      encoding: "text",
      size: 3 * 1024 * 1024,
      shownBytes: 1024 * 1024,
      truncated: true,
    });
  });

  it("reads a hash's fields, binary-safe", async () => {
    await redisCall("HSET", "isl:h", "name", "value", "bin", Buffer.from([0xff, 0x00]));
    const { body } = await detail(idOf("isl:h"));
    expect(body.type).toBe("hash");
    if (body.value.kind !== "hash") throw new Error(body.value.kind);
    expect(body.value.total).toBe(2);
    expect(body.value.truncated).toBe(false);
    const fields = Object.fromEntries(body.value.fields.map((f) => [f.field.text, f.value]));
    expect(fields).toEqual({ name: { text: "value", utf8: true }, bin: { text: "\\xff\\x00", utf8: false } });
  });

  it("reads a list in order and pages it", async () => {
    await redisCall("RPUSH", "isl:l", ...Array.from({ length: 1500 }, (_, i) => `e${i}`));
    const { body } = await detail(idOf("isl:l"));
    if (body.value.kind !== "list") throw new Error(body.value.kind);
    expect(body.value).toMatchObject({ total: 1500, truncated: true, offset: 0, next: "1000" });
    expect(body.value.elements).toHaveLength(1000);
    expect(body.value.elements[999]?.text).toBe("e999");
    const second = await detail(idOf("isl:l"), { from: "1000" });
    if (second.body.value.kind !== "list") throw new Error(second.body.value.kind);
    expect(second.body.value.elements.map((e) => e.text)).toEqual(
      Array.from({ length: 500 }, (_, i) => `e${i + 1000}`),
    );
    expect(second.body.value.next).toBeUndefined();
  });

  it("reads a set's members", async () => {
    await redisCall("SADD", "isl:s", "b", "a", "c");
    const { body } = await detail(idOf("isl:s"));
    if (body.value.kind !== "set") throw new Error(body.value.kind);
    expect(body.value.members.map((m) => m.text)).toEqual(["a", "b", "c"]);
    expect(body.value).toMatchObject({ total: 3, truncated: false });
  });

  it("truncates a set over 1,000 members and pages it by cursor to the end", async () => {
    await redisCall("SADD", "isl:bigset", ...Array.from({ length: 2500 }, (_, i) => `m${i}`));
    const seen = new Set<string>();
    let from: string | undefined;
    let pages = 0;
    do {
      const { body } = await detail(idOf("isl:bigset"), from ? { from } : {});
      if (body.value.kind !== "set") throw new Error(body.value.kind);
      expect(body.value.total).toBe(2500);
      expect(body.value.truncated).toBe(true);
      expect(body.value.members.length).toBeLessThanOrEqual(1100);
      body.value.members.forEach((m) => seen.add(m.text));
      from = body.value.next;
      pages++;
    } while (from && pages < 20);
    expect(seen.size).toBe(2500);
  });

  it("reads a sorted set with scores, lowest first", async () => {
    await redisCall("ZADD", "isl:z", "2.5", "two", "1", "one", "inf", "top");
    const { body } = await detail(idOf("isl:z"));
    if (body.value.kind !== "zset") throw new Error(body.value.kind);
    expect(body.value.members.map((m) => [m.member.text, m.score])).toEqual([
      ["one", "1"],
      ["two", "2.5"],
      ["top", "inf"],
    ]);
  });

  it("reads a stream's recent entries, newest first", async () => {
    for (let i = 1; i <= 3; i++) await redisCall("XADD", "isl:x", `${i}-0`, "n", String(i));
    const { body } = await detail(idOf("isl:x"), { limit: "2" });
    if (body.value.kind !== "stream") throw new Error(body.value.kind);
    expect(body.value.entries).toEqual([
      { id: "3-0", fields: [{ field: { text: "n", utf8: true }, value: { text: "3", utf8: true } }] },
      { id: "2-0", fields: [{ field: { text: "n", utf8: true }, value: { text: "2", utf8: true } }] },
    ]);
    expect(body.value).toMatchObject({ total: 3, truncated: true, next: "2-0" });
    const older = await detail(idOf("isl:x"), { limit: "2", from: "2-0" });
    if (older.body.value.kind !== "stream") throw new Error(older.body.value.kind);
    expect(older.body.value.entries.map((e) => e.id)).toEqual(["1-0"]);
  });

  it("answers 404 for a missing key and 400 for a malformed id", async () => {
    const missing = await detail(idOf("isl:not:there"));
    expect(missing.status).toBe(404);
    expect(missing.body.error?.code).toBe("not_found");
    for (const bad of ["a+b/", "abc=", "a", "%20"]) {
      expect((await detail(bad)).status, bad).toBe(400);
    }
  });
});
