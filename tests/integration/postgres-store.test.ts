// The PostgreSQL store against servers of the test's own, which it stops, kills and starts again:
// TLS with verify-full and a scram-sha-256 password; an outage answered 503 store_unavailable and
// recovered from by the same store object once the server is back; a console started before its
// database; a connection that cannot roll back closed rather than reused; a schema newer than the
// console still refused.
import { rmSync } from "node:fs";
import type { NextRequest } from "next/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Principal } from "@/lib/policy/access";
import { livenessResponseSchema } from "@/lib/schemas/instances";
import { getStore } from "@/lib/store";
import { appendAuditEntries, listAuditEntries, type NewAuditEntry } from "@/lib/store/audit";
import { schemaVersion, StoreError, StoreUnavailableError } from "@/lib/store/db";
import { migrations } from "@/lib/store/migrations";
import { MIGRATE_RETRY_MS, PostgresDb } from "@/lib/store/postgres";
import { authedRequest } from "../helpers/auth";
import { consoleEnv, type ConsoleEnv } from "../helpers/console-env";
import { startPostgresServer, type PostgresServer } from "../helpers/postgres-server";
import { makeTlsFiles } from "../helpers/tls";

const PASSWORD = "pg-Test-pw-5d9a41";
const SLOW = { timeout: 240_000 };
const versions = migrations.map((m) => m.version).sort((a, b) => a - b);
const latest = versions.at(-1) as number;

/** The error `promise` rejects with; fails the test if it resolves. */
async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected a rejection");
}

/** Calls `fn` until it answers (not throws) or `timeoutMs` passed; answers its value and the time taken. */
async function until<T>(
  what: string,
  fn: () => Promise<T>,
  timeoutMs = 60_000,
): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  let last: unknown;
  while (performance.now() - started < timeoutMs) {
    try {
      return { value: await fn(), ms: Math.round(performance.now() - started) };
    } catch (err) {
      last = err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(
    `${what}: not within ${timeoutMs} ms; last: ${last instanceof Error ? last.message : String(last)}`,
  );
}

/** The error once `promise` rejects; throws while it still resolves (a condition for `until`). */
const rejected = async (promise: Promise<unknown>): Promise<Error> => {
  const result = await promise.then(
    () => undefined,
    (err: unknown) => err as Error,
  );
  if (!result) throw new Error("still answering");
  return result;
};

const admin: Principal = { name: "pg-test", role: "admin", method: "token", source: "127.0.0.1" };

function entry(action: string): NewAuditEntry {
  return {
    at: new Date().toISOString(),
    kind: "intent",
    intentId: null,
    actor: admin.name,
    role: admin.role,
    authMethod: admin.method,
    source: admin.source,
    instance: "pg",
    action,
    params: {},
    targetCount: null,
    sample: [],
    reason: null,
    outcome: null,
    affected: null,
    durationMs: null,
    detail: null,
  };
}

/** SIGCONT to a process that may have ended meanwhile. */
function resume(pid: number): void {
  try {
    process.kill(pid, "SIGCONT");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err;
  }
}

function expectUnavailable(error: Error, location: string, reason?: RegExp): void {
  expect(error, error.stack).toBeInstanceOf(StoreUnavailableError);
  expect(error.message).toContain(location);
  if (reason) expect(error.message).toMatch(reason);
  expect(error.cause).toBeDefined();
}

describe("over TLS (verify-full) with a password", () => {
  let server: PostgresServer;
  const others: PostgresDb[] = [];
  const open = (url: string) => {
    const db = new PostgresDb(url, { max: 2 });
    others.push(db);
    return db;
  };

  beforeAll(async () => {
    server = await startPostgresServer({ tls: true, password: PASSWORD });
  }, 120_000);

  afterAll(async () => {
    await Promise.all(others.map((db) => db.close().catch(() => undefined)));
    await server?.cleanup();
  }, 120_000);

  it("migrates, writes and reads the audit log, on a connection that is really TLS", async () => {
    const url = server.url();
    expect(url).toMatch(/sslmode=verify-full/);
    const db = open(url);
    expect(await db.ready).toEqual(versions);
    const [stored] = await appendAuditEntries(db, [entry("tls.write")]);
    expect((await listAuditEntries(db, { limit: 10 })).map((e) => e.id)).toEqual([stored?.id]);
    expect(await db.prepare("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").get()).toEqual({
      ssl: true,
    });
    // And the role logged in with its scram-sha-256 password, not as a trusted superuser.
    expect(
      await db
        .prepare("SELECT current_user AS who, rolsuper FROM pg_roles WHERE rolname = current_user")
        .get(),
    ).toEqual({
      who: "console",
      rolsuper: false,
    });
  });

  it("a wrong password fails naming the store and the reason, never a password", async () => {
    const wrong = "not-the-pw-81f3";
    const db = open(server.url({ password: wrong }));
    const error = await failure(db.ready);
    expectUnavailable(error, db.location, /password authentication failed for user "console"/);
    expect(error.message).toMatch(/^DATABASE_URL: cannot connect to postgres:\/\/127\.0\.0\.1:\d+\/isl: /);
    for (const secret of [wrong, PASSWORD]) expect(error.message).not.toContain(secret);
    await expect(db.prepare("SELECT 1").get()).rejects.toThrow(error.message);
  });

  it("a plaintext connection (sslmode=disable) is refused", async () => {
    const db = open(server.url({ params: { sslmode: "disable", sslrootcert: "" } }));
    expectUnavailable(await failure(db.ready), db.location, /no pg_hba\.conf entry .* no encryption/);
  });

  it("a server certificate from another CA fails verification", async () => {
    const other = makeTlsFiles();
    try {
      const db = open(server.url({ params: { sslrootcert: other.caCert } }));
      const error = await failure(db.ready);
      expectUnavailable(error, db.location);
      expect((error.cause as { code?: string }).code).toMatch(
        /^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN)$/,
      );
    } finally {
      rmSync(other.dir, { recursive: true, force: true });
    }
  });
});

describe("an outage of the database", () => {
  let server: PostgresServer;
  let env: ConsoleEnv;
  let db: PostgresDb;
  type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
  let auditGet: Handler;
  let healthGet: Handler;

  const call = async (handler: Handler, url: string) => {
    const res = await handler(authedRequest(url, { role: "viewer" }), { params: Promise.resolve({}) });
    return { status: res.status, json: (await res.json()) as { error?: { code: string; message: string } } };
  };
  const audit = () => call(auditGet, "http://localhost/api/audit");
  const health = () => call(healthGet, "http://localhost/api/health");
  const count = async () =>
    ((await db.prepare("SELECT COUNT(*) AS n FROM audit_log").get()) as { n: number }).n;

  beforeAll(async () => {
    server = await startPostgresServer();
    env = await consoleEnv("pg-outage", {
      DATABASE_URL: server.url(),
      // Never answers: only the store matters here.
      REDIS_URL: "redis://127.0.0.1:1/0",
      REDIS_INSTANCE_ID: "pg-outage",
      ISL_INSTANCES_FILE: undefined,
      SCAN_INTERVAL_MINUTES: "0",
    });
    ({ GET: auditGet } = await import("@/app/api/audit/route"));
    ({ GET: healthGet } = await import("@/app/api/health/route"));
    const store = getStore();
    if (!(store instanceof PostgresDb)) throw new Error("DATABASE_URL set, yet the store is not PostgreSQL");
    db = store;
    await db.ready;
  }, 120_000);

  // A test that failed with the server down does not fail the next ones too.
  beforeEach(() => server.start(), 120_000);

  afterAll(async () => {
    await db?.close();
    await env?.close();
    await server?.cleanup();
  }, 120_000);

  it(
    "stopping the server: statements and the API answer store unavailable; started again, the same store answers",
    SLOW,
    async () => {
      const { startMetricsSampler, stopMetricsSampler } = await import("@/lib/metrics/service");
      // /api/health reads the store through the sampler's leases.
      startMetricsSampler();
      try {
        await appendAuditEntries(db, [entry("before.stop")]);
        expect((await audit()).status).toBe(200);
        await until("health reads the store", async () => expect((await health()).status).toBe(200));

        // Work in flight when the server goes down: a statement and a transaction.
        const statement = failure(db.prepare("SELECT pg_sleep(300)").get());
        const transaction = failure(db.transaction((tx) => tx.prepare("SELECT pg_sleep(300)").get()));
        await until("both sleeps running", async () => {
          const n = await server.admin(async (c) =>
            Number(
              (
                await c.query(
                  "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(300)%'",
                )
              ).rows[0].n,
            ),
          );
          if (n !== 2) throw new Error(`${n} running`);
        });

        await server.stop();
        const cut =
          /terminating connection due to administrator command \(SQLSTATE 57P01\)|Connection terminated/;
        expectUnavailable(await statement, db.location, cut);
        expectUnavailable(await transaction, db.location, cut);

        const down = await until("a statement fails", () => rejected(db.prepare("SELECT 1").get()), 30_000);
        expectUnavailable(
          down.value,
          db.location,
          /^DATABASE_URL: cannot connect to postgres:\/\/127\.0\.0\.1:\d+\/isl: .*ECONNREFUSED/,
        );
        expectUnavailable(await failure(appendAuditEntries(db, [entry("during.outage")])), db.location);

        const api = await audit();
        expect(api.status).toBe(503);
        expect(api.json.error?.code).toBe("store_unavailable");
        expect(api.json.error?.message).toContain(db.location);
        const probe = await health();
        expect(probe.status).toBe(503);
        expect(probe.json.error).toEqual({
          code: "store_unavailable",
          message: "the console's store cannot be reached (the database is down or unreachable); see its log",
        });
        // The liveness probe asks neither the store nor Redis: an outage restarts no replica.
        const live = await call(healthGet, "http://localhost/api/health?probe=live");
        expect(live.status).toBe(200);
        expect(livenessResponseSchema.parse(live.json)).toMatchObject({ status: "live" });
        expect((await call(healthGet, "http://localhost/api/health?probe=ready")).status).toBe(400);

        await server.start();
        const back = await until("the store answers again", count);
        console.info(
          `store answering ${back.ms} ms after the server started (stop: first failure after ${down.ms} ms)`,
        );
        expect(back.value).toBe(1);
        expect((await audit()).status).toBe(200);
        await appendAuditEntries(db, [entry("after.start")]);
        expect(await count()).toBe(2);
        await until("health reads the store again", async () => expect((await health()).status).toBe(200));
      } finally {
        // Not to hide why the test failed: the sampler's last write fails while the server is down.
        await stopMetricsSampler().catch(() => undefined);
      }
    },
  );

  it("SIGKILL of the postmaster, then a start: the same store answers again", SLOW, async () => {
    const before = await count();
    const statement = failure(db.prepare("SELECT pg_sleep(300)").get());
    await until("the sleep running", async () => {
      const n = await server.admin(async (c) =>
        Number(
          (
            await c.query(
              "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(300)%'",
            )
          ).rows[0].n,
        ),
      );
      if (n !== 1) throw new Error(`${n} running`);
    });
    await server.kill();
    expectUnavailable(await statement, db.location);
    const down = await until("a statement fails", () => rejected(db.prepare("SELECT 1").get()), 30_000);
    expectUnavailable(down.value, db.location);
    const api = await audit();
    expect(api.status).toBe(503);
    expect(api.json.error?.code).toBe("store_unavailable");

    const started = performance.now();
    await server.start();
    const startMs = Math.round(performance.now() - started);
    const back = await until("the store answers again", count);
    console.info(
      `after SIGKILL: server start (crash recovery) ${startMs} ms, store answering ${back.ms} ms later`,
    );
    expect(back.value).toBe(before);
    await appendAuditEntries(db, [entry("after.kill")]);
    expect(await count()).toBe(before + 1);
    expect((await audit()).status).toBe(200);
  });

  it(
    "a connection whose ROLLBACK fails is closed, not handed out again with its transaction open",
    SLOW,
    async () => {
      const one = new PostgresDb(server.url(), { max: 1, queryTimeoutMs: 1_000 });
      let stopped: number | undefined;
      try {
        await one.ready;
        // The backend stops answering (a network gone silent): the statement, then ROLLBACK, time out.
        const error = await failure(
          one.transaction(async (tx) => {
            stopped = ((await tx.prepare("SELECT pg_backend_pid() AS pid").get()) as { pid: number }).pid;
            process.kill(stopped, "SIGSTOP");
            return tx.prepare("SELECT 1").get();
          }),
        );
        expectUnavailable(error, one.location, /Query read timeout/);
        resume(stopped as number);

        // Kept, the connection would be handed out again with its transaction still open (the write
        // lock held) and serve the next statement; closed, its backend ends and the transaction with it.
        const next = (await one.prepare("SELECT pg_backend_pid() AS pid").get()) as { pid: number };
        expect(next.pid).not.toBe(stopped);
        const gone = await until(
          "the stopped backend ends",
          () =>
            server.admin(async (c) => {
              const { rows } = await c.query("SELECT COUNT(*) AS n FROM pg_stat_activity WHERE pid = $1", [
                stopped,
              ]);
              if (Number(rows[0].n) !== 0) throw new Error(`backend ${stopped} still there`);
            }),
          30_000,
        );
        console.info(`backend of the failed transaction gone ${gone.ms} ms after SIGCONT`);
        expect(await one.transaction(async (tx) => tx.prepare("SELECT 42 AS n").get())).toEqual({ n: 42 });
      } finally {
        // Never leave a stopped backend behind (the server could not shut down); gone is fine.
        if (stopped !== undefined) resume(stopped);
        await one.close();
      }
    },
  );

  it("a schema newer than the console is refused, and stays refused (no retry)", SLOW, async () => {
    await server.admin((c) => c.query("CREATE DATABASE newer"));
    const url = server.url({ database: "newer" });
    const current = new PostgresDb(url, { max: 1 });
    try {
      expect(await current.ready).toEqual(versions);
    } finally {
      await current.close();
    }
    const older = new PostgresDb(url, { max: 1, migrations: migrations.filter((m) => m.version !== latest) });
    try {
      const error = await failure(older.ready);
      expect(error).toBeInstanceOf(StoreError);
      expect(error).not.toBeInstanceOf(StoreUnavailableError);
      expect(error.message).toBe(
        `store has migrations this console does not know (${latest}); upgrade the console`,
      );
      await new Promise((resolve) => setTimeout(resolve, MIGRATE_RETRY_MS + 500));
      // The very same error: no second attempt was made.
      expect(await failure(older.prepare("SELECT 1").get())).toBe(error);
      expect(await failure(older.ready)).toBe(error);
    } finally {
      await older.close();
    }
  });

  it(
    "a store opened while the server is down fails with store unavailable, then migrates once it is up",
    SLOW,
    async () => {
      await server.admin((c) => c.query("CREATE DATABASE fresh"));
      await server.stop();
      const fresh = new PostgresDb(server.url({ database: "fresh" }), { max: 2 });
      try {
        const first = await failure(fresh.prepare("SELECT 1").get());
        expectUnavailable(
          first,
          fresh.location,
          /^DATABASE_URL: cannot connect to postgres:\/\/127\.0\.0\.1:\d+\/fresh: .*ECONNREFUSED/,
        );
        // Not a connection attempt per call: within MIGRATE_RETRY_MS the same failure answers.
        const seen = new Set<Error>();
        let calls = 0;
        const burst = performance.now();
        while (performance.now() - burst < MIGRATE_RETRY_MS / 2) {
          seen.add(await failure(fresh.prepare("SELECT 1").get()));
          calls++;
        }
        expect(calls).toBeGreaterThan(5);
        expect(seen.size).toBeLessThanOrEqual(2);
        // After it, the next use tries again.
        await new Promise((resolve) => setTimeout(resolve, MIGRATE_RETRY_MS + 200));
        const again = await failure(fresh.prepare("SELECT 1").get());
        expect(again).not.toBe(first);
        expectUnavailable(again, fresh.location, /ECONNREFUSED/);

        await server.start();
        const back = await until("the store migrates and answers", () => schemaVersion(fresh));
        console.info(`store opened during the outage answering ${back.ms} ms after the server started`);
        expect(back.value).toBe(latest);
        expect(
          ((await fresh.prepare("SELECT COUNT(*) AS n FROM schema_migrations").get()) as { n: number }).n,
        ).toBe(versions.length);
        expect(await fresh.ready).toEqual(versions);
      } finally {
        await fresh.close();
      }
    },
  );
});
