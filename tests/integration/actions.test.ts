// Guarded actions against a real redis-server, through the route handlers as Next calls them:
// every role x every action (allowed or 403) with the Redis state and the audit entries checked,
// a read-only instance refusing everything, bounds and confirmations, and bulk fix-ttl on 50k keys.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "@/lib/policy/access";
import type { ActionJob, ActionResult } from "@/lib/schemas/actions";
import type { AuditEntry } from "@/lib/schemas/audit";
import { authedRequest, TEST_TOKEN_NAMES } from "../helpers/auth";
import { startRedisServer, type RedisServer } from "../helpers/redis-server";

type Post = typeof import("@/app/api/instances/[id]/actions/route").POST;
type JobRoute = typeof import("@/app/api/actions/[jobId]/route");
type AuditGet = typeof import("@/app/api/audit/route").GET;
type Client = Awaited<ReturnType<typeof import("@/lib/redis/connection").getClient>>;

let server: RedisServer;
let dataDir: string;
let post: Post;
let jobRoute: JobRoute;
let auditGet: AuditGet;
let redis: Client;
let closeAll: () => Promise<void>;

const RW = "rw";
const RO = "ro";
const b64 = (s: string) => Buffer.from(s).toString("base64");
const hex16 = (n: number) => n.toString(16).padStart(16, "0");

async function act(body: unknown, role: Role, id = RW) {
  const req = authedRequest(`http://localhost/api/instances/${id}/actions`, { role, method: "POST", body });
  const res = await post(req, { params: Promise.resolve({ id }) });
  return {
    status: res.status,
    body: (await res.json()) as ActionResult & ActionJob & { error?: { code: string; message: string } },
  };
}

async function audit(query: Record<string, string> = {}): Promise<AuditEntry[]> {
  const req = authedRequest(`http://localhost/api/audit?${new URLSearchParams(query)}`, { role: "viewer" });
  const res = await auditGet(req, { params: Promise.resolve({}) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { entries: AuditEntry[] }).entries;
}

async function job(
  id: string,
  role: Role = "viewer",
  method = "GET",
): Promise<{ status: number; body: ActionJob }> {
  const handler = method === "DELETE" ? jobRoute.DELETE : jobRoute.GET;
  const res = await handler(authedRequest(`http://localhost/api/actions/${id}`, { role, method }), {
    params: Promise.resolve({ jobId: id }),
  });
  return { status: res.status, body: (await res.json()) as ActionJob };
}

async function waitJob(id: string, timeoutMs = 60_000): Promise<ActionJob> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await job(id);
    if (body.status !== "running") return body;
    if (Date.now() > deadline) throw new Error(`job ${id} still running`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The newest attempt: its intent and outcome (newest first in the API). */
async function lastAttempt(): Promise<{ intent: AuditEntry; outcome: AuditEntry }> {
  const [outcome, intent] = await audit({ limit: "2" });
  expect(intent?.kind).toBe("intent");
  expect(outcome?.kind).toBe("outcome");
  expect(outcome?.intentId).toBe(intent?.id);
  expect(outcome?.prevHash).toBe(intent?.hash);
  return { intent: intent as AuditEntry, outcome: outcome as AuditEntry };
}

async function countNoTtl(match: string): Promise<{ keys: number; noTtl: number }> {
  let cursor = "0";
  let keys = 0;
  let noTtl = 0;
  do {
    const [next, batch] = await redis.scan(cursor, "MATCH", match, "COUNT", 1000);
    cursor = next;
    if (batch.length === 0) continue;
    const p = redis.pipeline();
    for (const k of batch) p.ttl(k);
    for (const [, ttl] of (await p.exec()) ?? []) {
      keys++;
      if (ttl === -1) noTtl++;
    }
  } while (cursor !== "0");
  return { keys, noTtl };
}

beforeAll(async () => {
  server = await startRedisServer();
  dataDir = mkdtempSync(path.join(os.tmpdir(), "isl-actions-test-"));
  const instancesFile = path.join(dataDir, "instances.json");
  writeFileSync(
    instancesFile,
    JSON.stringify([
      { id: RW, name: "Actions", environment: "staging", url: `redis://127.0.0.1:${server.port}/0` },
      {
        id: RO,
        name: "Read-only",
        environment: "production",
        url: `redis://127.0.0.1:${server.port}/1`,
        readOnly: true,
      },
    ]),
  );
  process.env.ISL_INSTANCES_FILE = instancesFile;
  process.env.CONSOLE_DATA_DIR = dataDir;
  delete process.env.REDIS_URL;
  delete process.env.ISL_POLICY_FILE;
  const config = await import("@/lib/config");
  config.resetConfigForTests();
  post = (await import("@/app/api/instances/[id]/actions/route")).POST;
  jobRoute = await import("@/app/api/actions/[jobId]/route");
  auditGet = (await import("@/app/api/audit/route")).GET;
  const client = await import("@/lib/redis/connection");
  closeAll = client.closeAllConnections;
  const instance = config.findInstance(RW);
  if (!instance) throw new Error("test instance not configured");
  redis = await client.getClient(instance);
});

afterAll(async () => {
  await closeAll?.();
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const roles: Role[] = ["viewer", "operator", "admin"];
const allowed: Record<Role, string[]> = {
  viewer: [],
  operator: ["expire", "delete", "fix-ttl"],
  admin: ["expire", "delete", "fix-ttl", "delete-pattern", "flushdb"],
};

interface Case {
  action: string;
  /** Seeds the case's keys and answers the body to send. */
  seed: (tag: string) => Promise<Record<string, unknown>>;
  /** Asserts Redis after the request, `ran` = the action was allowed. */
  check: (tag: string, ran: boolean) => Promise<void>;
  affected: number;
}

const resultKey = (tag: string) =>
  `isl:result:${Buffer.from(tag).toString("hex").slice(0, 16).padEnd(16, "0")}`;

const cases: Case[] = [
  {
    action: "expire",
    seed: async (tag) => {
      await redis.set(resultKey(tag), "v");
      return { action: "expire", keys: [b64(resultKey(tag))], ttlSeconds: 600, reason: "matrix" };
    },
    check: async (tag, ran) => {
      const ttl = await redis.ttl(resultKey(tag));
      if (ran) expect(ttl).toBeGreaterThan(590);
      else expect(ttl).toBe(-1);
    },
    affected: 1,
  },
  {
    action: "delete",
    seed: async (tag) => {
      await redis.set(resultKey(tag), "v", "EX", 3600);
      return { action: "delete", keys: [b64(resultKey(tag))] };
    },
    check: async (tag, ran) => expect(await redis.exists(resultKey(tag))).toBe(ran ? 0 : 1),
    affected: 1,
  },
  {
    action: "fix-ttl",
    seed: async (tag) => {
      await redis.set(resultKey(tag), "v");
      return { action: "fix-ttl", keys: [b64(resultKey(tag))] };
    },
    check: async (tag, ran) => {
      const ttl = await redis.ttl(resultKey(tag));
      if (ran) expect(ttl).toBeGreaterThan(7190);
      else expect(ttl).toBe(-1);
    },
    affected: 1,
  },
  {
    action: "delete-pattern",
    seed: async (tag) => {
      for (let i = 0; i < 30; i++) await redis.set(`tmp:${tag}:${i}`, "v");
      return { action: "delete-pattern", match: `tmp:${tag}:*`, reason: "matrix" };
    },
    check: async (tag, ran) => expect((await countNoTtl(`tmp:${tag}:*`)).keys).toBe(ran ? 0 : 30),
    affected: 30,
  },
  {
    action: "flushdb",
    seed: async (tag) => {
      await redis.set(`keep:${tag}`, "v");
      return { action: "flushdb", confirm: RW, reason: "matrix" };
    },
    check: async (_tag, ran) => {
      // FLUSHDB ASYNC: the keyspace is empty at once, freeing happens in the background.
      if (ran) expect(await redis.dbsize()).toBe(0);
      else expect(await redis.dbsize()).toBeGreaterThan(0);
    },
    affected: 1,
  },
];

describe("role x action matrix", () => {
  for (const role of roles) {
    for (const c of cases) {
      const ok = allowed[role].includes(c.action);
      it(`${role} ${c.action} -> ${ok ? "allowed" : "403"}`, async () => {
        const tag = `${role}-${c.action}`;
        const body = await c.seed(tag);
        const res = await act(body, role);
        if (!ok) {
          expect(res.status).toBe(403);
          expect(res.body.error?.code).toBe("forbidden");
        } else if (c.action === "delete-pattern") {
          expect(res.status).toBe(202);
          const done = await waitJob(res.body.id);
          expect(done).toMatchObject({ status: "done", progress: { affected: c.affected } });
        } else {
          expect(res.status).toBe(200);
          expect(res.body.outcome).toBe("ok");
          if (c.action !== "flushdb") expect(res.body.affected).toBe(c.affected);
        }
        await c.check(tag, ok);
        const { intent, outcome } = await lastAttempt();
        expect(intent).toMatchObject({
          actor: TEST_TOKEN_NAMES[role],
          role,
          authMethod: "token",
          instance: RW,
          action: c.action,
        });
        expect(outcome.outcome).toBe(ok ? "ok" : "denied");
        if (ok) expect(outcome.affected).toBeGreaterThanOrEqual(c.affected);
        else expect(outcome.detail).toMatch(/403/);
        if (ok && "keys" in body) {
          expect(intent.targetCount).toBe(1);
          expect(intent.sample).toEqual([resultKey(tag)]);
        }
      });
    }
  }
});

describe("read-only instance", () => {
  for (const c of cases) {
    it(`refuses ${c.action} even to an admin`, async () => {
      const db1 = server.url;
      expect(db1).toBeTruthy();
      const tag = `ro-${c.action}`;
      const body = await c.seed(tag);
      if (body.confirm) body.confirm = RO;
      // The read-only instance is database 1; the seeded keys live in 0, so plant one there too.
      await server.cli("-n", "1", "SET", "ro:sentinel", "v");
      const res = await act(body, "admin", RO);
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({
        code: "read_only",
        message: expect.stringMatching(/read-only/),
      });
      expect((await server.cli("-n", "1", "DBSIZE")).trim()).toBe("1");
      expect((await server.cli("-n", "1", "TTL", "ro:sentinel")).trim()).toBe("-1");
      const { outcome } = await lastAttempt();
      expect(outcome).toMatchObject({ instance: RO, outcome: "denied", action: c.action });
    });
  }
});

describe("input checks", () => {
  const key = "isl:result:00000000000000aa";
  it("expire above the pattern's standard or non-positive -> 400, TTL unchanged, audited as rejected", async () => {
    await redis.set(key, "v", "EX", 100);
    for (const ttlSeconds of [7201, 0, -5, 1.5]) {
      const res = await act({ action: "expire", keys: [b64(key)], ttlSeconds }, "admin");
      expect(res.status).toBe(400);
      const ttl = await redis.ttl(key);
      expect(ttl).toBeGreaterThan(90);
      expect(ttl).toBeLessThanOrEqual(100);
      expect((await lastAttempt()).outcome.outcome).toBe("rejected");
    }
    expect((await act({ action: "expire", keys: [b64(key)], ttlSeconds: 7200 }, "operator")).status).toBe(
      200,
    );
  });

  it("expire outside the patterns is bounded by 7 days", async () => {
    await redis.set("other:key", "v");
    expect(
      (await act({ action: "expire", keys: [b64("other:key")], ttlSeconds: 604_801 }, "admin")).status,
    ).toBe(400);
    expect(await redis.ttl("other:key")).toBe(-1);
    expect(
      (await act({ action: "expire", keys: [b64("other:key")], ttlSeconds: 604_800 }, "admin")).status,
    ).toBe(200);
  });

  it("flushdb with a wrong confirmation -> 409 and the key count unchanged", async () => {
    await redis.set("keep:me", "v");
    const before = await redis.dbsize();
    for (const confirm of [`${RW} `, RW.toUpperCase(), "", "demo"]) {
      const res = await act({ action: "flushdb", confirm, reason: "test" }, "admin");
      expect(res.status).toBe(409);
      expect(await redis.dbsize()).toBe(before);
      expect((await lastAttempt()).outcome).toMatchObject({ outcome: "rejected", action: "flushdb" });
    }
    const noReason = await act({ action: "flushdb", confirm: RW, reason: "  " }, "admin");
    expect(noReason.status).toBe(400);
    expect(await redis.dbsize()).toBe(before);
  });

  it("PERSIST and other actions are refused and audited", async () => {
    const res = await act({ action: "persist", keys: [b64(key)] }, "admin");
    expect(res.status).toBe(400);
    expect((await lastAttempt()).outcome).toMatchObject({
      action: "invalid",
      outcome: "rejected",
      params: { requested: "persist" },
    });
    expect((await act("not json", "admin")).status).toBe(400);
  });

  it("the audit API filters by actor, action and outcome", async () => {
    const denied = await audit({ outcome: "denied", actor: TEST_TOKEN_NAMES.viewer });
    expect(denied.length).toBeGreaterThanOrEqual(5);
    expect(denied.every((e) => e.outcome === "denied" && e.actor === TEST_TOKEN_NAMES.viewer)).toBe(true);
    const flushes = await audit({ action: "flushdb", instance: RW });
    expect(flushes.every((e) => e.action === "flushdb")).toBe(true);
    const ids = (await audit({ limit: "1000" })).map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
  });
});

describe("audit store unavailable", () => {
  it("the intent cannot be written (store locked by another writer) -> 503 and the action does not run", async () => {
    const key = "isl:result:00000000000000bb";
    await redis.set(key, "v");
    const before = (await audit({ limit: "1" }))[0]?.id ?? 0;
    const other = new Database(path.join(dataDir, "console.sqlite"));
    other.exec("BEGIN IMMEDIATE");
    try {
      const res = await act({ action: "expire", keys: [b64(key)], ttlSeconds: 60 }, "admin");
      expect(res.status).toBe(503);
      expect(res.body.error?.code).toBe("store_unavailable");
      expect(await redis.ttl(key)).toBe(-1);
    } finally {
      other.exec("ROLLBACK");
      other.close();
    }
    expect((await audit({ limit: "1" }))[0]?.id ?? 0).toBe(before);
  }, 20_000);
});

describe("bulk fix-ttl", () => {
  it("fixes 50k keys without TTL (dry run count first), leaving none without TTL; foreign keys skipped", async () => {
    await redis.flushdb();
    const N = 50_000;
    for (let start = 0; start < N; start += 5000) {
      const p = redis.pipeline();
      for (let i = start; i < Math.min(N, start + 5000); i++) p.set(`isl:result:${hex16(i)}`, "v");
      await p.exec();
    }
    for (let i = 0; i < 10; i++) await redis.set(`isl:foreign-${i}`, "v");
    const dry = await act({ action: "fix-ttl", match: "isl:*", dryRun: true }, "operator");
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, count: N, skipped: 10 });
    expect(dry.body.sample).toHaveLength(20);
    expect((await countNoTtl("isl:result:*")).noTtl).toBe(N);

    const started = await act({ action: "fix-ttl", match: "isl:*", reason: "cleanup" }, "operator");
    expect(started.status).toBe(202);
    expect(started.body.id).toBe(String(started.body.auditId));
    const again = await act({ action: "fix-ttl", match: "isl:*" }, "operator");
    expect(again.status).toBe(409);
    // The job's gentle budget shrinks its batches while other test files load the machine.
    const done = await waitJob(started.body.id, 240_000);
    expect(done).toMatchObject({ status: "done", progress: { affected: N, skipped: 10, fraction: 1 } });
    expect(await countNoTtl("isl:result:*")).toEqual({ keys: N, noTtl: 0 });
    expect((await countNoTtl("isl:foreign-*")).noTtl).toBe(10);
    const outcome = (await audit({ action: "fix-ttl", outcome: "ok", limit: "1" }))[0];
    expect(outcome).toMatchObject({ intentId: started.body.auditId, affected: N, reason: "cleanup" });
  }, 300_000);

  it("a running bulk delete can be cancelled; the outcome says cancelled and by whom", async () => {
    const p = redis.pipeline();
    for (let i = 0; i < 20_000; i++) p.set(`gone:${i}`, "v");
    await p.exec();
    const started = await act({ action: "delete-pattern", match: "gone:*" }, "admin");
    expect(started.status).toBe(202);
    // A viewer may not cancel someone else's job (refused and audited); an operator or admin may.
    expect((await job(started.body.id, "viewer", "DELETE")).status).toBe(403);
    const refused = (await audit({ action: "job-cancel", limit: "1" }))[0];
    expect(refused).toMatchObject({ outcome: "denied", actor: TEST_TOKEN_NAMES.viewer, role: "viewer" });
    const cancelled = await job(started.body.id, "admin", "DELETE");
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe("cancelled");
    expect((await countNoTtl("gone:*")).keys).toBeGreaterThan(0);
    const outcome = (await audit({ action: "delete-pattern", limit: "1" }))[0];
    expect(outcome).toMatchObject({ outcome: "cancelled", detail: `cancelled by ${TEST_TOKEN_NAMES.admin}` });
    expect((await job(started.body.id)).body.status).toBe("cancelled");
  });

  it("an ended job keeps its live row, with its end, until its outcome is in the audit log", async () => {
    // What another console process sees of a job is its live row or, once gone, the audit outcome:
    // a moment with neither would read as "the console stopped before the job finished".
    const { guard } = await import("@/lib/audit/guard");
    const { startBulkJob } = await import("@/lib/actions/jobs");
    const { keyspaceTargets } = await import("@/lib/redis/mutate");
    const { withRedis } = await import("@/lib/redis/connection");
    const { findInstance } = await import("@/lib/config");
    const { getStore } = await import("@/lib/store");
    const { liveJob } = await import("@/lib/store/job-control");
    const { outcomeOf } = await import("@/lib/store/audit");
    const db = getStore();
    const instance = findInstance(RW);
    if (!instance) throw new Error("test instance not configured");
    for (let i = 0; i < 100; i++) await redis.set(`ends:${i}`, "v");
    const principal = {
      name: "job-ending-test",
      role: "admin" as const,
      method: "token" as const,
      source: "test",
    };
    type Seen = { row: Awaited<ReturnType<typeof liveJob>>; outcome: AuditEntry | undefined };
    let atEnd: Seen | undefined;
    let atSettle: Seen | undefined;
    const started = await guard({
      principal,
      instance: { id: RW, readOnly: false },
      action: "delete-pattern",
      permission: "delete-pattern",
      writes: true,
      params: { match: "ends:*" },
    }).run(async (intent) => {
      const nodes = await withRedis(instance, () => keyspaceTargets(instance));
      const spec = { action: "delete-pattern" as const, match: "ends:*" };
      const { job: ended, outcome, settled } = await startBulkJob(instance, intent, spec, 100, nodes);
      const seen = async (): Promise<Seen> => ({
        row: await liveJob(db, ended.id, Date.now()),
        outcome: await outcomeOf(db, intent.id),
      });
      return {
        body: ended,
        later: outcome.then(async (o) => {
          atEnd = await seen();
          return o;
        }),
        settled: async () => {
          atSettle = await seen();
          await settled();
        },
      };
    });
    const deadline = Date.now() + 60_000;
    while (!atSettle && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    // Ended: the row is still live and says how the job ended; no outcome yet.
    expect(atEnd?.row?.body).toMatchObject({ id: started.id, status: "done", progress: { affected: 100 } });
    expect(atEnd?.outcome).toBeUndefined();
    // Settled: called once the outcome is written, and only then the row goes.
    expect(atSettle?.outcome).toMatchObject({ outcome: "ok", affected: 100, intentId: started.auditId });
    expect(atSettle?.row?.body).toMatchObject({ status: "done" });
    expect(await liveJob(db, started.id, Date.now())).toBeUndefined();
    expect((await job(started.id)).body).toMatchObject({ status: "done", progress: { affected: 100 } });
    expect((await countNoTtl("ends:*")).keys).toBe(0);
  });

  it("fix-ttl from the latest scan's list needs a finished scan", async () => {
    const res = await act({ action: "fix-ttl", list: "noTtl", dryRun: true }, "operator");
    expect(res.status).toBe(409);
  });
});
