// The cache-key calculator API against a real redis-server: the key ISL computes for a pasted
// request (expected values from CPython 3.11 json.dumps + sha256), whether it exists with its TTL
// and size, and every bad input a 4xx JSON error. A Redis failure is an error, never "missing".
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "@/lib/policy/access";
import { cacheKeyResponseSchema, type CacheKeyResponse } from "@/lib/schemas/cache-key";
import { authedRequest } from "../helpers/auth";
import { startRedisServer, type RedisServer } from "../helpers/redis-server";

type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Json = CacheKeyResponse & {
  error?: { code: string; message: string; details?: Record<string, unknown> };
};

/** The guide's kind of request; its canonical text and hash come from CPython 3.11.7. */
const REQUEST = '{"scenario": "baseline", "interventions": {"price": 10, "marketing": 0.5}, "samples": 1000}';
const CANONICAL = '{"interventions":{"marketing":0.5,"price":10},"samples":1000,"scenario":"baseline"}';
const KEY = "isl:result:6e519c90b1a54a71";
const PASSWORDS = { ns: "calc-ns-pw-41", nottl: "calc-nottl-pw-93" };

let server: RedisServer;
let dataDir: string;
let post: Handler;
let get: Handler;
let closeAll: () => Promise<void>;
const savedEnv = { ...process.env };

async function call(body: unknown, { id = "calc", role = "viewer" as Role, method = "POST" } = {}) {
  const req = authedRequest(`http://localhost/api/instances/${id}/cache-key`, { role, method, body });
  const handler = method === "POST" ? post : get;
  const res = await handler(req, { params: Promise.resolve({ id }) });
  return { status: res.status, json: (await res.json()) as Json };
}

function expectError(res: { status: number; json: Json }, status: number, code: string) {
  expect(res.status, JSON.stringify(res.json).slice(0, 500)).toBe(status);
  expect(res.json.error?.code).toBe(code);
  expect(res.json.error?.message).toEqual(expect.any(String));
}

beforeAll(async () => {
  server = await startRedisServer({
    aclUsers: [
      `user calc-ns reset on >${PASSWORDS.ns} ~other:* resetchannels +@all`,
      `user calc-nottl reset on >${PASSWORDS.nottl} ~* resetchannels +@all -ttl`,
    ],
  });
  dataDir = mkdtempSync(path.join(os.tmpdir(), "isl-cache-key-"));
  const file = path.join(dataDir, "instances.json");
  const url = (user: string) => `redis://${user}@127.0.0.1:${server.port}/0`;
  writeFileSync(
    file,
    JSON.stringify([
      { id: "calc", name: "calc", environment: "development", url: server.url },
      {
        id: "ns",
        name: "ns",
        environment: "development",
        url: url("calc-ns"),
        passwordEnv: "CALC_NS_PASSWORD",
      },
      {
        id: "nottl",
        name: "nottl",
        environment: "development",
        url: url("calc-nottl"),
        passwordEnv: "CALC_NOTTL_PASSWORD",
      },
      { id: "down", name: "down", environment: "development", url: "redis://127.0.0.1:1/0" },
    ]),
  );
  for (const name of Object.keys(process.env))
    if (/^(REDIS_|ISL_|CONSOLE_)/.test(name)) delete process.env[name];
  Object.assign(process.env, {
    ISL_INSTANCES_FILE: file,
    CONSOLE_DATA_DIR: dataDir,
    SCAN_INTERVAL_MINUTES: "0",
    CALC_NS_PASSWORD: PASSWORDS.ns,
    CALC_NOTTL_PASSWORD: PASSWORDS.nottl,
  });
  (await import("@/lib/config")).resetConfigForTests();
  const mod = await import("@/app/api/instances/[id]/cache-key/route");
  post = mod.POST as Handler;
  get = mod.GET as Handler;
  closeAll = (await import("@/lib/redis/connection")).closeAllConnections;
  await server.cli("SET", KEY, "x".repeat(5000), "EX", "7200");
});

afterAll(async () => {
  await closeAll?.();
  await server?.stop();
  process.env = savedEnv;
  (await import("@/lib/config")).resetConfigForTests();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe("POST /api/instances/{id}/cache-key", () => {
  it("computes ISL's key and finds the existing key with its TTL, type and size", async () => {
    const res = await call({ pattern: "result", request: REQUEST });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    const body = cacheKeyResponseSchema.parse(res.json);
    expect(body).toMatchObject({
      pattern: "result",
      template: "isl:result:{request_hash}",
      canonical: CANONICAL,
      key: KEY,
      keyBase64: Buffer.from(KEY).toString("base64"),
      exists: true,
      type: "string",
      warnings: [],
    });
    expect(body.sha256).toMatch(/^6e519c90b1a54a71[0-9a-f]{48}$/);
    expect(body.ttl).toBeGreaterThan(7000);
    expect(body.ttl).toBeLessThanOrEqual(7200);
    expect(body.bytes).toBeGreaterThan(5000);
  });

  it("gives the same key for the request with its keys in another order and other spacing", async () => {
    const res = await call({
      pattern: "result",
      request:
        '{\n  "samples": 1000,\n  "interventions": {"marketing": 0.5, "price": 10},\n  "scenario": "baseline"\n}',
    });
    expect(res.json.key).toBe(KEY);
    expect(res.json.exists).toBe(true);
  });

  it("says a key that is not in Redis does not exist", async () => {
    const res = await call({ pattern: "ident", request: '{"dag": {"nodes": ["a", "b"]}}' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ exists: false, ttl: null });
    expect(res.json.key).toMatch(/^isl:ident:[0-9a-f]{16}$/);
  });

  it("compares two requests: the float 10.0 is another key, at the first differing character", async () => {
    const other = REQUEST.replace('"price": 10', '"price": 10.0');
    const res = await call({ pattern: "result", request: REQUEST, compare: other });
    expect(res.status).toBe(200);
    expect(res.json.comparison).toMatchObject({
      sameKey: false,
      firstDifference: CANONICAL.indexOf("10}") + 2,
      other: { exists: false, ttl: null },
    });
    expect(res.json.comparison?.other.warnings.map((w) => [w.kind, w.path])).toEqual([
      ["integralFloat", "$.interventions.price"],
    ]);
    const same = await call({ pattern: "result", request: REQUEST, compare: ` ${REQUEST} ` });
    expect(same.json.comparison).toMatchObject({
      sameKey: true,
      firstDifference: null,
      other: { exists: true },
    });
  });

  it("warns about an unsorted list with its JSON path", async () => {
    const res = await call({ pattern: "result", request: '{"inputs": ["b", "a"]}' });
    expect(res.json.warnings).toEqual([expect.objectContaining({ kind: "unsortedList", path: "$.inputs" })]);
  });

  it("answers malformed request text with 400 and Python's message and position", async () => {
    const res = await call({ pattern: "result", request: '{"a": 1 "b": 2}' });
    expectError(res, 400, "bad_request");
    expect(res.json.error?.message).toContain("Expecting ',' delimiter: line 1 column 9 (char 8)");
    expect(res.json.error?.details).toEqual({ field: "request", line: 1, column: 9, char: 8 });
    const second = await call({ pattern: "result", request: "{}", compare: "[1,]" });
    expectError(second, 400, "bad_request");
    expect(second.json.error?.details).toMatchObject({ field: "compare", char: 3 });
  });

  it("answers an unknown pattern with 400 naming the patterns it offers", async () => {
    const res = await call({ pattern: "nope", request: "{}" });
    expectError(res, 400, "bad_request");
    expect(res.json.error?.message).toContain("beliefs, ident, result, sensitivity");
    expect(res.json.error?.details).toEqual({ patterns: ["beliefs", "ident", "result", "sensitivity"] });
  });

  it("refuses a request text over 1 MiB with 413", async () => {
    const big = `[${'"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",'.repeat(40_000)}1]`;
    expectError(await call({ pattern: "result", request: big }), 413, "payload_too_large");
  });

  it("answers a malformed body with 400", async () => {
    for (const body of [
      "not json",
      {},
      { pattern: "result" },
      { pattern: "result", request: { a: 1 } },
      { pattern: "result", request: "{}", extra: 1 },
      [],
    ]) {
      expectError(await call(body), 400, "bad_request");
    }
  });

  it("serves POST only, to callers with a credential, for configured instances", async () => {
    expectError(await call(undefined, { method: "GET" }), 405, "method_not_allowed");
    expectError(await call({ pattern: "result", request: "{}" }, { id: "nope" }), 404, "not_found");
    const req = authedRequest("http://localhost/api/instances/calc/cache-key", {
      method: "POST",
      body: "{}",
    });
    req.headers.delete("authorization");
    const res = await post(req, { params: Promise.resolve({ id: "calc" }) });
    expect(res.status).toBe(401);
  });

  it("says unknown, not missing, when the console's user may not read the key (ACL key patterns)", async () => {
    const res = await call({ pattern: "result", request: REQUEST }, { id: "ns" });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json).toMatchObject({ key: KEY, exists: "unknown", ttl: null });
    expect(res.json.existsReason).toMatch(/NOPERM|key/i);
  });

  it("answers a refused command with 403 and an unreachable Redis with 503, never exists: false", async () => {
    const refused = await call({ pattern: "result", request: REQUEST }, { id: "nottl" });
    expectError(refused, 403, "redis_permission");
    expect(refused.json.exists).toBeUndefined();
    const down = await call({ pattern: "result", request: REQUEST }, { id: "down" });
    expectError(down, 503, "redis_unavailable");
    expect(down.json.exists).toBeUndefined();
  });
});
