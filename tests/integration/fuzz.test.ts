// Bad input never becomes a server error: every API route file found on disk, called as an admin
// with every method, malformed path ids, malformed query parameters and malformed bodies, answers
// without a 5xx, every non-2xx answer is `{ error: { code, message } }` JSON, Redis (keys, values,
// TTLs, config, slow log) is exactly as it was, and the audit log only grew, its chain intact.
// Bodies are always invalid (never a valid action, never a valid flushdb), so nothing may run.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi, type MockInstance } from "vitest";
import { resetConfigForTests } from "@/lib/config";
import { closeAllConnections } from "@/lib/redis/connection";
import { getStore } from "@/lib/store";
import { verifyAuditLog } from "@/lib/store/audit";
import { authedRequest, ensureTestAuth } from "../helpers/auth";
import {
  action,
  b64url,
  BAD_BODIES,
  BAD_IDS,
  BAD_QUERIES,
  baseline,
  FOREIGN_STARTS,
  INSTANCE,
  SEED,
  SEED_SCRIPT,
} from "../helpers/fuzz-inputs";
import { startRedisServer, type RedisServer } from "../helpers/redis-server";

const ROOT = path.resolve(__dirname, "../..");
const API_DIR = path.join(ROOT, "app/api");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
type Method = (typeof METHODS)[number];

type Handler = (
  req: Request,
  ctx: { params: Promise<Record<string, string | string[]>> | undefined },
) => Promise<Response>;
interface RouteFile {
  /** /api/instances/[id]/keys */
  pattern: string;
  segments: { text: string; param?: { name: string; catchAll: boolean } }[];
  module: Partial<Record<Method, Handler>>;
}

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return routeFiles(full);
    return e.name === "route.ts" ? [full] : [];
  });
}

function describeRoute(file: string): Omit<RouteFile, "module"> {
  const parts = path.relative(path.join(ROOT, "app"), path.dirname(file)).split(path.sep);
  const segments = parts.map((text) => {
    const m = /^\[(\.\.\.)?(\w+)\]$/.exec(text);
    return m ? { text, param: { name: m[2] as string, catchAll: m[1] !== undefined } } : { text };
  });
  return { pattern: `/${parts.join("/")}`, segments };
}

// ---- calling the handlers -----------------------------------------------------------------------

let server: RedisServer;
let dataDir: string;
let routes: RouteFile[] = [];
let errorSpy: MockInstance<typeof console.error>;
const savedEnv = { ...process.env };

const encode = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return "%EF%BF%BD"; // a lone surrogate: as a browser would send it
  }
};

interface Probe {
  values?: Record<string, string>;
  query?: string;
  body?: [string, string];
}

/** Calls one handler as Next would; answers a failure description, or undefined when the answer is fine. */
async function probe(route: RouteFile, method: Method, { values = {}, query = "", body }: Probe) {
  const handler = route.module[method];
  if (!handler) return `${method} ${route.pattern}: not exported`;
  const params: Record<string, string | string[]> = {};
  const urlPath = route.segments
    .map(({ text, param }) => {
      if (!param) return text;
      const value = values[param.name] ?? baseline(param.name);
      params[param.name] = param.catchAll ? [value] : value;
      return encode(value);
    })
    .join("/");
  const url = `http://localhost/${urlPath}${query ? `?${query}` : ""}`;
  // Same-origin, so the public sign-in and sign-out routes get as far as reading the body.
  const headers = { origin: "http://localhost" };
  const req = authedRequest(url, { role: "admin", method, headers, ...(body ? { body: body[1] } : {}) });
  const logged: unknown[][] = [];
  errorSpy.mockImplementation((...args: unknown[]) => void logged.push(args));
  const what = `${method} ${route.pattern} params=${JSON.stringify(params).slice(0, 120)} query=${query.slice(0, 80)} body=${body?.[0] ?? "none"}`;
  let res: Response;
  try {
    // As Next.js calls it: no params at all for a route without dynamic segments.
    const hasParams = route.segments.some((seg) => seg.param);
    res = await handler(req, { params: hasParams ? Promise.resolve(params) : undefined });
  } catch (err) {
    return `${what}: threw ${err instanceof Error ? err.stack : String(err)}`;
  }
  const problem = await answerProblem(res);
  if (problem === undefined) return undefined;
  const stack = logged.map((args) => args.map((a) => (a instanceof Error ? a.stack : String(a))).join(" "));
  return `${what}: ${problem} ${stack.join("\n")}`;
}

/** What is wrong with an answer: a 5xx, or a non-2xx that is not `{ error: { code, message } }` JSON. */
async function answerProblem(res: Response): Promise<string | undefined> {
  const text = await res.text();
  if (res.status >= 500) return `${res.status} ${text.slice(0, 300)}`;
  if (res.status >= 200 && res.status < 300) return undefined;
  const type = res.headers.get("content-type") ?? "";
  if (!type.includes("application/json")) return `${res.status} not JSON (${type})`;
  try {
    const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    if (typeof parsed.error?.code !== "string" || typeof parsed.error.message !== "string")
      return `${res.status} body without error.code/message: ${text.slice(0, 200)}`;
  } catch {
    return `${res.status} body is not JSON: ${text.slice(0, 200)}`;
  }
  return undefined;
}

async function fuzzRoute(route: RouteFile): Promise<{ calls: number; failures: string[] }> {
  const failures: string[] = [];
  let calls = 0;
  const run = async (method: Method, p: Probe) => {
    calls++;
    const failure = await probe(route, method, p);
    if (failure) failures.push(failure);
  };
  const names = route.segments.flatMap((s) => (s.param ? [s.param.name] : []));
  for (const method of METHODS) {
    const hasBody = method !== "GET" && method !== "OPTIONS";
    const badBody = BAD_BODIES[0] as [string, string];
    for (const name of names)
      for (const value of BAD_IDS)
        await run(method, { values: { [name]: value }, ...(hasBody ? { body: badBody } : {}) });
    if (hasBody) for (const body of BAD_BODIES) await run(method, { body });
    else for (const query of BAD_QUERIES) await run(method, { query });
  }
  // One key of each type, so `from` and `limit` reach every reader (list index, SCAN cursor, stream id).
  // Well-formed starts of another type's kind too (a stream id for a list, a huge index for a hash).
  if (names.includes("keyBase64url")) {
    const pageQueries = [
      ...BAD_QUERIES.filter((q) => /^(from|limit)=/.test(q)),
      ...FOREIGN_STARTS.map((from) => `from=${from}`),
    ];
    for (const [key] of SEED)
      for (const query of pageQueries) await run("GET", { values: { keyBase64url: b64url(key) }, query });
  }
  return { calls, failures };
}

// ---- the state that must not change -------------------------------------------------------------

async function redisState(): Promise<Record<string, string>> {
  const state: Record<string, string> = {};
  state.dbsize = (await server.cli("DBSIZE")).trim();
  const keys = (await server.cli("--scan")).split("\n").filter(Boolean).sort();
  state.keys = keys.join(",");
  for (const key of keys) {
    state[`${key} expiretime`] = (await server.cli("PEXPIRETIME", key)).trim();
    state[`${key} dump`] = (await server.cli("--no-raw", "DUMP", key)).trim();
  }
  for (const name of ["maxmemory", "maxmemory-policy", "save", "maxclients", "notify-keyspace-events"])
    state[`config ${name}`] = (await server.cli("CONFIG", "GET", name)).trim();
  return state;
}

const slowlogLength = async () => Number((await server.cli("SLOWLOG", "LEN")).trim());
const auditRows = async () =>
  (await getStore().prepare("SELECT id, hash FROM audit_log ORDER BY id").all()) as { id: number; hash: string }[];

let redisBefore: Record<string, string>;
let slowlogBefore: number;
let auditBefore: { id: number; hash: string }[];

beforeAll(async () => {
  errorSpy = vi.spyOn(console, "error");
  // Every command is logged and none falls out, so a SLOWLOG RESET would show as a shorter log.
  server = await startRedisServer({
    config: { "slowlog-log-slower-than": "0", "slowlog-max-len": "1000000" },
  });
  dataDir = mkdtempSync(path.join(os.tmpdir(), "isl-fuzz-"));
  for (const name of Object.keys(process.env))
    if (/^(REDIS_|ISL_|CONSOLE_|AUTH_PROXY_|SESSION_)/.test(name)) delete process.env[name];
  Object.assign(process.env, {
    REDIS_URL: `${server.url}`,
    REDIS_INSTANCE_ID: INSTANCE,
    CONSOLE_DATA_DIR: dataDir,
    SCAN_INTERVAL_MINUTES: "0",
  });
  resetConfigForTests();
  ensureTestAuth();
  const keys = SEED.map(([key]) => key);
  expect((await server.cli("EVAL", SEED_SCRIPT, String(keys.length), ...keys)).trim()).toBe(
    String(SEED.length),
  );
  for (const file of routeFiles(API_DIR))
    routes.push({ ...describeRoute(file), module: (await import(file)) as RouteFile["module"] });
  routes = routes.sort((a, b) => a.pattern.localeCompare(b.pattern));
  // Some audit history to keep: a refused action before the fuzz starts.
  const refused = await probe(routes.find((r) => r.pattern.endsWith("[id]/actions")) as RouteFile, "POST", {
    body: ["refused flushdb", action({ action: "flushdb", confirm: "nope", reason: "fuzz baseline" })],
  }).catch((err: unknown) => String(err));
  expect(refused).toBeUndefined();
  redisBefore = await redisState();
  slowlogBefore = await slowlogLength();
  auditBefore = await auditRows();
  expect(auditBefore.length).toBeGreaterThan(0);
}, 120_000);

afterAll(async () => {
  errorSpy.mockRestore();
  await closeAllConnections();
  await server.stop();
  process.env = savedEnv;
  resetConfigForTests();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("every API route answers malformed input with JSON 4xx, never a 5xx", () => {
  it("finds the route files on disk, the catch-all among them", () => {
    const patterns = routes.map((r) => r.pattern);
    expect(patterns).toEqual(
      expect.arrayContaining([
        "/api/[...path]",
        "/api/audit",
        "/api/instances/[id]/actions",
        "/api/instances/[id]/keys",
        "/api/instances/[id]/keys/[keyBase64url]",
        "/api/scans/[scanId]",
      ]),
    );
    for (const r of routes)
      for (const m of METHODS) expect(r.module[m], `${m} ${r.pattern}`).toBeTypeOf("function");
  });

  for (const file of routeFiles(API_DIR).sort()) {
    const { pattern } = describeRoute(file);
    it(`${pattern}`, async () => {
      const route = routes.find((r) => r.pattern === pattern);
      if (!route) throw new Error(`${pattern} was not imported`);
      const { calls, failures } = await fuzzRoute(route);
      expect(calls).toBeGreaterThan(100);
      expect(failures.slice(0, 10), `${failures.length} of ${calls} calls failed`).toEqual([]);
    }, 300_000);
  }
});

describe("a page position that does not fit the key's type", () => {
  // The schema cannot know the key's type: a stream id (valid for a stream) must not reach Redis
  // for a hash, set, list or zset. It is the client's mistake: 400, not a Redis error.
  it("a stream-id `from` on a hash, set, list or zset answers 400", async () => {
    const route = routes.find((r) => r.pattern.endsWith("[keyBase64url]")) as RouteFile;
    for (const [key, type] of SEED) {
      if (type === "stream" || type === "string") continue;
      const keyBase64url = b64url(key);
      const req = authedRequest(`http://localhost/api/instances/${INSTANCE}/keys/${keyBase64url}?from=1-0`);
      const res = await (route.module.GET as Handler)(req, {
        params: Promise.resolve({ id: INSTANCE, keyBase64url }),
      });
      expect(res.status, `${type} from=1-0`).toBe(400);
    }
  });
});

describe("after the fuzz", () => {
  it("Redis holds exactly the keys, values, expiry times and config it held before", async () => {
    expect(await redisState()).toEqual(redisBefore);
    expect(await slowlogLength()).toBeGreaterThanOrEqual(slowlogBefore);
  });

  it("the audit log lost and changed nothing, recorded the refused attempts, and its chain holds", async () => {
    const after = await auditRows();
    const kept = new Map(after.map((r) => [r.id, r.hash]));
    for (const row of auditBefore) expect(kept.get(row.id), `audit entry ${row.id}`).toBe(row.hash);
    expect(after.length).toBeGreaterThan(auditBefore.length);
    expect(await verifyAuditLog(getStore())).toMatchObject({ ok: true, checked: after.length });
    // Nothing the fuzz sent ran: every outcome it added is a refusal.
    const outcomes = (await getStore()
      .prepare("SELECT action, outcome FROM audit_log WHERE kind = 'outcome' AND id > ?")
      .all(auditBefore.at(-1)?.id ?? 0)) as { action: string; outcome: string }[];
    expect(outcomes.length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.outcome === "ok")).toEqual([]);
  });
});
