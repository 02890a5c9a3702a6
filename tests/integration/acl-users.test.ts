// The README's three console Redis users (lib/redis/acl-rules.ts) in a real redis-server: each
// user does what its features need and is refused the rest with 403 redis_permission naming the
// command; the capabilities API tells each user's capabilities by ACL DRYRUN, the MULTI probe or
// direct reads; probing never changes data.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findInstance, resetConfigForTests } from "@/lib/config";
import type { Role } from "@/lib/policy/access";
import { aclFileLine, aclSetUserLine, CONSOLE_REDIS_USERS, VIEWER_ACL_RULES } from "@/lib/redis/acl-rules";
import { clearCapabilitiesCache } from "@/lib/ops/capabilities";
import { closeAllConnections, withRedis } from "@/lib/redis/connection";
import { capabilitiesResponseSchema, type CapabilitiesResponse } from "@/lib/schemas/capabilities";
import { keysResponseSchema } from "@/lib/schemas/keys";
import { scanJobSchema, type ScanJob } from "@/lib/schemas/scans";
import { authedRequest } from "../helpers/auth";
import { startRedisServer, type RedisServer } from "../helpers/redis-server";

type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Json = Record<string, unknown> & {
  error?: { code: string; message: string; details?: Record<string, unknown> };
};

const PASSWORDS: Record<string, string> = {
  viewer: "viewer-pw-3f9a",
  operator: "operator-pw-81c2",
  admin: "admin-pw-5d07",
  dryrun: "dryrun-pw-22b1",
  ns: "ns-pw-9e4c",
  bare: "bare-pw-0a6f",
  nomulti: "nomulti-pw-77d3",
};
const hex = (n: number) => n.toString(16).padStart(16, "0");
const b64 = (s: string) => Buffer.from(s).toString("base64");
const b64url = (s: string) => Buffer.from(s).toString("base64url");
const FOREIGN = "foreign:cache:1";
/** Keys in db 0 every test may read; the write tests use keys of their own. */
const SEED: [string, ...string[]][] = [
  ["SET", `isl:result:${hex(1)}`, '{"a":1}', "EX", "3600"],
  ["HSET", `isl:ident:${hex(2)}`, "f", "v"],
  ["EXPIRE", `isl:ident:${hex(2)}`, "1800"],
  ["ZADD", `isl:sensitivity:${hex(3)}`, "1", "m"],
  ["SET", FOREIGN, "x"],
];

const dataDir = mkdtempSync(path.join(os.tmpdir(), "isl-acl-users-"));
const savedEnv = { ...process.env };
let primary: RedisServer;
let replica: RedisServer;
const routes: Record<string, Handler> = {};

const users = [
  ...CONSOLE_REDIS_USERS.map((u) => aclFileLine(u, PASSWORDS[u.role])),
  // The viewer's rules plus ACL DRYRUN: the capability probe asks Redis instead of queueing.
  `user isl-console-dryrun reset on >${PASSWORDS.dryrun} ${VIEWER_ACL_RULES} +acl|dryrun`,
  // The README's stricter variant: keys under isl: only.
  `user isl-console-ns reset on >${PASSWORDS.ns} ${VIEWER_ACL_RULES.replace("%R~*", "~isl:*")}`,
  // May flush and expire, and DISCARD, but not MULTI: the probe must never send FLUSHDB or EXPIRE.
  `user isl-console-nomulti reset on >${PASSWORDS.nomulti} ~* resetchannels -@all +ping +info +client|setname +discard +flushdb +expire`,
  // Neither ACL DRYRUN nor MULTI: only reads can be told, by direct calls.
  `user isl-console-bare reset on >${PASSWORDS.bare} %R~* resetchannels -@all +ping +info +client|setname +dbsize +scan +ttl +type`,
];

function instance(id: string, user: string, server: () => RedisServer, db = 0) {
  return {
    id,
    name: id,
    environment: "development",
    url: `redis://${user}@127.0.0.1:${server().port}/${db}`,
    passwordEnv: `ACL_TEST_${id.toUpperCase()}_PASSWORD`,
  };
}

async function call(what: string, url: string, params: Record<string, string>, role: Role, body?: unknown) {
  const handler = routes[what];
  if (!handler) throw new Error(`no route ${what}`);
  const req = authedRequest(`http://localhost${url}`, {
    role,
    method: body === undefined ? "GET" : "POST",
    body,
  });
  const res = await handler(req, { params: Promise.resolve(params) });
  return { status: res.status, json: (await res.json()) as Json };
}

const get = (what: string, id: string, suffix = "", role: Role = "viewer") =>
  call(what, `/api/instances/${id}/${what}${suffix}`, { id }, role);
const act = (id: string, body: unknown, role: Role = "admin") =>
  call("actions", `/api/instances/${id}/actions`, { id }, role, body);

async function capabilities(id: string, refresh = true): Promise<CapabilitiesResponse> {
  const res = await get("capabilities", id, refresh ? "?refresh=1" : "");
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  return capabilitiesResponseSchema.parse(res.json);
}

const commandOf = (caps: CapabilitiesResponse, command: string) =>
  caps.capabilities.flatMap((c) => c.commands).find((c) => c.command === command);
const statusOf = (caps: CapabilitiesResponse) =>
  Object.fromEntries(caps.capabilities.map((c) => [c.id, c.status]));

function expectRefused(res: { status: number; json: Json }, command: string) {
  expect(res.status, JSON.stringify(res.json)).toBe(403);
  expect(res.json.error?.code).toBe("redis_permission");
  expect(res.json.error?.message).toContain(command.toUpperCase().replace("|", " "));
  expect(res.json.error?.details).toMatchObject({ command, aclRule: `+${command}` });
}

/** DBSIZE, every key and its TTL per database, and a setting the probe names: what probing must never change. */
async function snapshot(): Promise<Map<string, number | string>> {
  const out = new Map<string, number | string>();
  for (const db of ["0", "2"]) {
    out.set(`dbsize ${db}`, (await primary.cli("-n", db, "DBSIZE")).trim());
    const keys = (await primary.cli("-n", db, "--scan")).split("\n").filter(Boolean);
    for (const key of keys) out.set(`${db} ${key}`, Number(await primary.cli("-n", db, "TTL", key)));
  }
  out.set("slowlog-max-len", (await primary.cli("CONFIG", "GET", "slowlog-max-len")).trim());
  return out;
}

/** The same keys and settings; TTLs may only have ticked down by a second or two. */
function expectUnchanged(before: Map<string, number | string>, after: Map<string, number | string>) {
  expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
  for (const [name, was] of before) {
    const now = after.get(name);
    if (typeof was === "number" && was > 0) expect(was - Number(now), name).toBeGreaterThanOrEqual(0);
    if (typeof was === "number" && was > 0) expect(was - Number(now), name).toBeLessThanOrEqual(2);
    else expect(now, name).toBe(was);
  }
}

beforeAll(async () => {
  primary = await startRedisServer({ aclUsers: users, config: { "slowlog-max-len": "77" } });
  replica = await startRedisServer({
    aclUsers: users,
    config: { replicaof: ["127.0.0.1", String(primary.port)] },
  });
  for (const cmd of SEED) await primary.cli(...cmd);
  await primary.cli("-n", "2", "SET", `isl:result:${hex(20)}`, "x", "EX", "600");
  const file = path.join(dataDir, "instances.json");
  writeFileSync(
    file,
    JSON.stringify([
      instance("viewer", "isl-console-viewer", () => primary),
      instance("operator", "isl-console-operator", () => primary),
      instance("admin", "isl-console-admin", () => primary, 2),
      instance("dryrun", "isl-console-dryrun", () => primary),
      instance("ns", "isl-console-ns", () => primary),
      instance("bare", "isl-console-bare", () => primary),
      instance("nomulti", "isl-console-nomulti", () => primary),
      { ...instance("replica", "isl-console-admin", () => replica), passwordEnv: "ACL_TEST_ADMIN_PASSWORD" },
      { id: "down", name: "down", environment: "development", url: "redis://127.0.0.1:1/0" },
    ]),
  );
  for (const name of Object.keys(process.env))
    if (/^(REDIS_|ISL_|CONSOLE_)/.test(name)) delete process.env[name];
  Object.assign(process.env, {
    ISL_INSTANCES_FILE: file,
    CONSOLE_DATA_DIR: dataDir,
    SCAN_INTERVAL_MINUTES: "0",
    ...Object.fromEntries(
      Object.entries(PASSWORDS).map(([k, v]) => [`ACL_TEST_${k.toUpperCase()}_PASSWORD`, v]),
    ),
  });
  resetConfigForTests();
  clearCapabilitiesCache();
  for (const what of ["keys", "clients", "slowlog", "config", "capabilities", "scans"])
    routes[what] = ((await import(`@/app/api/instances/[id]/${what}/route`)) as { GET: Handler }).GET;
  routes.key = (await import("@/app/api/instances/[id]/keys/[keyBase64url]/route")).GET as Handler;
  routes.actions = (await import("@/app/api/instances/[id]/actions/route")).POST as Handler;
  routes["scans:start"] = (await import("@/app/api/instances/[id]/scans/route")).POST as Handler;
  routes.scan = (await import("@/app/api/scans/[scanId]/route")).GET as Handler;
  routes["config/apply"] = (await import("@/app/api/instances/[id]/config/apply/route")).POST as Handler;
  routes["slowlog/reset"] = (await import("@/app/api/instances/[id]/slowlog/reset/route")).POST as Handler;
});

afterAll(async () => {
  await closeAllConnections();
  clearCapabilitiesCache();
  await Promise.all([replica?.stop(), primary?.stop()]);
  process.env = savedEnv;
  resetConfigForTests();
  rmSync(dataDir, { recursive: true, force: true });
});

it("the README's Access section quotes every console Redis user's rules verbatim", () => {
  const readme = readFileSync(path.join(__dirname, "../../README.md"), "utf8");
  for (const user of CONSOLE_REDIS_USERS) expect(readme).toContain(aclSetUserLine(user));
});

it("each instance signs in as its URL's ACL user with the password from passwordEnv", async () => {
  for (const [id, user] of [
    ["viewer", "isl-console-viewer"],
    ["operator", "isl-console-operator"],
    ["admin", "isl-console-admin"],
  ] as const) {
    const inst = findInstance(id);
    if (!inst) throw new Error(`instance ${id} not configured`);
    expect(await withRedis(inst, (r) => r.call("ACL", "WHOAMI"))).toBe(user);
  }
});

describe("the capabilities API", () => {
  it("tells the viewer user's capabilities with the MULTI probe, and changes nothing", async () => {
    const before = await snapshot();
    const caps = await capabilities("viewer");
    expect(caps).toMatchObject({ user: "isl-console-viewer", userSource: "whoami", methods: ["multi"] });
    expect(caps.methodNotes.join(" ")).toMatch(/ACL DRYRUN/);
    expect(statusOf(caps)).toEqual({
      browse: "allowed",
      values: "allowed",
      "ops-read": "partial", // ACL GETUSER is left out on purpose
      "keys-write": "refused",
      admin: "refused",
    });
    expect(commandOf(caps, "expire")).toMatchObject({ allowed: false, via: "multi", aclRule: "+expire" });
    expect(commandOf(caps, "flushdb")).toMatchObject({ allowed: false, aclRule: "+flushdb" });
    expect(caps.permissions.expire).toMatchObject({ allowed: false, aclRules: ["+expire"] });
    expect(caps.permissions.delete.reason).toContain("UNLINK");
    expect(caps.keys).toMatchObject({
      probeKey: "isl:isl-console-probe",
      inside: { read: true },
      outside: { read: true },
    });
    expectUnchanged(before, await snapshot());
  });

  it("uses ACL DRYRUN when the user may run it, with the same answers", async () => {
    const caps = await capabilities("dryrun");
    expect(caps.methods).toEqual(["acl-dryrun"]);
    expect(commandOf(caps, "ttl")).toMatchObject({ allowed: true, via: "acl-dryrun" });
    expect(commandOf(caps, "unlink")).toMatchObject({
      allowed: false,
      via: "acl-dryrun",
      aclRule: "+unlink",
    });
    expect(statusOf(caps)).toEqual(statusOf(await capabilities("viewer")));
  });

  it("tells the operator user may fix TTLs and delete under isl: only, and not flush", async () => {
    const before = await snapshot();
    const caps = await capabilities("operator");
    expect(statusOf(caps)).toMatchObject({ browse: "allowed", "keys-write": "allowed", admin: "refused" });
    expect(caps.keys).toMatchObject({
      inside: { read: true, write: true },
      outside: { read: true, write: false },
    });
    expect(caps.permissions.delete).toMatchObject({ allowed: true });
    expect(caps.permissions.delete.reason).toContain("on keys under isl: only");
    expect(caps.permissions.flushdb).toMatchObject({ allowed: false, aclRules: ["+flushdb"] });
    expect(caps.permissions["config-set"]).toMatchObject({ allowed: false, aclRules: ["+config|set"] });
    expectUnchanged(before, await snapshot());
  });

  it("tells the admin user may do everything, in its own database", async () => {
    const before = await snapshot();
    const caps = await capabilities("admin");
    expect(statusOf(caps)).toMatchObject({
      browse: "allowed",
      values: "allowed",
      "keys-write": "allowed",
      admin: "allowed",
    });
    expect(commandOf(caps, "select")).toMatchObject({ allowed: true });
    for (const p of Object.values(caps.permissions)) expect(p.allowed).toBe(true);
    expectUnchanged(before, await snapshot());
  });

  it("reports a read-only replica's writes refused whatever the ACL says", async () => {
    const caps = await capabilities("replica");
    expect(caps.replica).toEqual({ role: "replica", readOnly: true });
    for (const p of ["expire", "delete", "flushdb"] as const) {
      expect(caps.permissions[p].allowed).toBe(false);
      expect(caps.permissions[p].reason).toMatch(/read-only replica/);
    }
    expect(caps.permissions["config-set"].allowed).toBe(true);
  });

  it("with keys under isl: only, says foreign keys cannot be read", async () => {
    const caps = await capabilities("ns");
    expect(caps.keys).toMatchObject({ inside: { read: true }, outside: { read: false } });
    expect(caps.keys.note).toMatch(/foreign keys/);
  });

  it("without ACL DRYRUN or MULTI, tells reads by direct calls and leaves writes unknown, with why", async () => {
    const before = await snapshot();
    const caps = await capabilities("bare");
    expect(caps.methods).toEqual(["direct"]);
    expect(commandOf(caps, "ttl")).toMatchObject({ allowed: true, via: "direct" });
    expect(commandOf(caps, "getrange")).toMatchObject({
      allowed: false,
      via: "direct",
      aclRule: "+getrange",
    });
    expect(commandOf(caps, "flushdb")).toMatchObject({ allowed: null, via: null });
    expect(commandOf(caps, "flushdb")?.reason).toBe(
      "FLUSHDB cannot be tried without effect and the user may not run ACL DRYRUN or MULTI",
    );
    expect(caps.permissions.expire.allowed).toBeNull();
    expectUnchanged(before, await snapshot());
  });

  it("never sends a write when MULTI is refused, even to a user allowed to run it", async () => {
    const before = await snapshot();
    const caps = await capabilities("nomulti");
    expect(caps.methodNotes.join(" ")).toMatch(/MULTI/);
    expect(commandOf(caps, "flushdb")).toMatchObject({ allowed: null, via: null });
    expect(commandOf(caps, "expire")).toMatchObject({ allowed: null, via: null });
    expectUnchanged(before, await snapshot());
  });

  it("answers from its cache until ?refresh=1, and 503 JSON when Redis is unreachable", async () => {
    const first = await capabilities("viewer");
    const cached = await capabilities("viewer", false);
    expect(cached.checkedAt).toBe(first.checkedAt);
    await new Promise((r) => setTimeout(r, 5));
    expect((await capabilities("viewer", true)).checkedAt).not.toBe(first.checkedAt);
    const down = await get("capabilities", "down");
    expect(down.status).toBe(503);
    expect(down.json.error?.code).toBe("redis_unavailable");
  });
});

describe("the viewer user", () => {
  it("reads the key list, a key's value, clients, the slow log and the config", async () => {
    const keys = await get("keys", "viewer", "?count=100");
    expect(keys.status, JSON.stringify(keys.json)).toBe(200);
    const list = keysResponseSchema.parse(keys.json).keys;
    expect(list.map((k) => k.key).sort()).toEqual(
      SEED.filter((c) => c[0] !== "EXPIRE")
        .map((c) => c[1])
        .sort(),
    );
    const result = list.find((k) => k.key === `isl:result:${hex(1)}`);
    expect(result).toMatchObject({ type: "string", length: 7 });
    expect(result?.ttl).toBeGreaterThan(3000);
    expect(result?.bytes).toBeGreaterThan(0);

    const key = `isl:ident:${hex(2)}`;
    const detail = await call(
      "key",
      `/api/instances/viewer/keys/${b64url(key)}`,
      { id: "viewer", keyBase64url: b64url(key) },
      "viewer",
    );
    expect(detail.status, JSON.stringify(detail.json)).toBe(200);
    expect(detail.json.value).toMatchObject({ kind: "hash", total: 1 });

    for (const what of ["clients", "slowlog", "config"]) expect((await get(what, "viewer")).status).toBe(200);
    expect((await get("config", "viewer")).json.source).toBe("config");
  });

  it("scans the keyspace with every key's metadata", async () => {
    const job = await scan("viewer");
    expect(job.status, job.error).toBe("done");
    expect(job.result).toMatchObject({ keys: 4, vanished: 0, unknown: 0, sizeUnknown: 0 });
    expect(job.result?.classes).toMatchObject({ ok: 2, noTtl: 1, foreign: 1 });
  });

  it("may not expire or delete: 403 redis_permission naming EXPIRE and UNLINK", async () => {
    const keys = [b64(`isl:result:${hex(1)}`)];
    expectRefused(await act("viewer", { action: "expire", keys, ttlSeconds: 60 }, "operator"), "expire");
    expectRefused(await act("viewer", { action: "delete", keys }, "operator"), "unlink");
    expect(Number(await primary.cli("TTL", `isl:result:${hex(1)}`))).toBeGreaterThan(3000);
  });
});

async function scan(id: string): Promise<ScanJob> {
  const started = await call("scans:start", `/api/instances/${id}/scans`, { id }, "viewer", {});
  expect(started.status, JSON.stringify(started.json)).toBe(202);
  const scanId = String(started.json.id);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const job = scanJobSchema.parse((await call("scan", `/api/scans/${scanId}`, { scanId }, "viewer")).json);
    if (job.status !== "running" || Date.now() > deadline) return job;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("keys under isl: only (the README's stricter variant)", () => {
  it("a scan lists the foreign key as unknown: never vanished, never counted in a class", async () => {
    const job = await scan("ns");
    expect(job.status, job.error).toBe("done");
    expect(job.result).toMatchObject({ keys: 3, vanished: 0, unknown: 1 });
    expect(job.result?.classes.foreign).toBe(0);
    expect(job.result?.lists.unknown.map((k) => k.key)).toEqual([FOREIGN]);
  });
});

describe("the operator user", () => {
  it("expires and deletes keys under isl:", async () => {
    await primary.cli("SET", `isl:result:${hex(10)}`, "x");
    await primary.cli("SET", `isl:result:${hex(11)}`, "x");
    const expired = await act(
      "operator",
      { action: "expire", keys: [b64(`isl:result:${hex(10)}`)], ttlSeconds: 60 },
      "operator",
    );
    expect(expired.status, JSON.stringify(expired.json)).toBe(200);
    expect(expired.json.affected).toBe(1);
    expect(Number(await primary.cli("TTL", `isl:result:${hex(10)}`))).toBeLessThanOrEqual(60);
    const deleted = await act(
      "operator",
      { action: "delete", keys: [b64(`isl:result:${hex(11)}`)] },
      "operator",
    );
    expect(deleted.json.affected).toBe(1);
    await primary.cli("DEL", `isl:result:${hex(10)}`);
  });

  it("may not delete a foreign key: 403 redis_permission on the key", async () => {
    const res = await act("operator", { action: "delete", keys: [b64(FOREIGN)] }, "operator");
    expect(res.status).toBe(403);
    expect(res.json.error?.code).toBe("redis_permission");
    expect(res.json.error?.details).toMatchObject({ keyDenied: true });
    expect((await primary.cli("EXISTS", FOREIGN)).trim()).toBe("1");
  });

  it("may not flush or change config: 403 redis_permission naming FLUSHDB and CONFIG SET", async () => {
    const before = await primary.cli("DBSIZE");
    expectRefused(
      await act("operator", { action: "flushdb", confirm: "operator", reason: "test" }),
      "flushdb",
    );
    expect(await primary.cli("DBSIZE")).toBe(before);
    const apply = await call(
      "config/apply",
      "/api/instances/operator/config/apply",
      { id: "operator" },
      "admin",
      {},
    );
    expectRefused(apply, "config|set");
  });
});

describe("the admin user", () => {
  it("expires, deletes, resets the slow log, applies config and flushes its database", async () => {
    await primary.cli("-n", "2", "SET", `isl:result:${hex(21)}`, "x");
    expect(
      (await act("admin", { action: "expire", keys: [b64(`isl:result:${hex(21)}`)], ttlSeconds: 60 })).status,
    ).toBe(200);
    expect(
      (await act("admin", { action: "delete", keys: [b64(`isl:result:${hex(21)}`)] })).json.affected,
    ).toBe(1);
    const reset = await call(
      "slowlog/reset",
      "/api/instances/admin/slowlog/reset",
      { id: "admin" },
      "admin",
      {},
    );
    expect(reset.status, JSON.stringify(reset.json)).toBe(200);
    const apply = await call(
      "config/apply",
      "/api/instances/admin/config/apply",
      { id: "admin" },
      "admin",
      {},
    );
    expect(apply.status, JSON.stringify(apply.json)).toBe(200);
    const db0 = await primary.cli("DBSIZE");
    const flushed = await act("admin", { action: "flushdb", confirm: "admin", reason: "test" });
    expect(flushed.status, JSON.stringify(flushed.json)).toBe(200);
    await expect.poll(async () => (await primary.cli("-n", "2", "DBSIZE")).trim()).toBe("0");
    expect(await primary.cli("DBSIZE")).toBe(db0);
  });
});
