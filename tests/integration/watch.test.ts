// The live TTL watch against real redis-servers: a key written without TTL (or persisted, or above
// its standard) joins the latest scan's lists and fires the keys-without-TTL alert within seconds
// with no scan running, in the overview and in Prometheus; a SET within the standard (or a SET
// followed at once by EXPIRE) does not; the app fixing the key clears it (a plain EXPIRE, which
// the watch does not subscribe to, at the finding's next re-read). Notifications off: the watch
// says so, nothing breaks, the config check fails and an admin's audited apply turns it on. An ACL
// user without SUBSCRIBE: off, naming the command. A Redis restart: resubscribed, the missed
// window said.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConfigResponse } from "@/lib/schemas/ops";
import type { Overview } from "@/lib/schemas/overview";
import type { ScanJob } from "@/lib/schemas/scans";
import type { WatchStatus } from "@/lib/schemas/watch";
import type { WatchService } from "@/lib/watch/service";
import { authedRequest } from "../helpers/auth";
import { startRedisServer, type RedisServer } from "../helpers/redis-server";

type Routes = {
  scans: typeof import("@/app/api/instances/[id]/scans/route");
  scan: typeof import("@/app/api/scans/[scanId]/route");
  latest: typeof import("@/app/api/instances/[id]/scans/latest/route");
  overview: typeof import("@/app/api/instances/[id]/overview/route");
  watch: typeof import("@/app/api/instances/[id]/watch/route");
  config: typeof import("@/app/api/instances/[id]/config/route");
  apply: typeof import("@/app/api/instances/[id]/config/apply/route");
  metrics: typeof import("@/app/api/metrics/route");
};

const FLAGS = "Eg$lshz";
const hex = (n: number) => n.toString(16).padStart(16, "0");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let live: RedisServer;
let quiet: RedisServer;
let noperm: RedisServer;
let dataDir: string;
let r: Routes;
let service: WatchService;
let closeAll: () => Promise<void>;
let sampleOnce: (id: string) => Promise<unknown>;

async function get<T>(
  handler: { GET: (...a: never[]) => Promise<Response> },
  url: string,
  params: Record<string, string>,
) {
  const res = await (handler.GET as unknown as (req: unknown, ctx: unknown) => Promise<Response>)(
    authedRequest(`http://localhost${url}`, { role: "viewer" }),
    { params: Promise.resolve(params) },
  );
  return { status: res.status, body: (await res.json()) as T };
}

async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  deadlineMs = 30_000,
): Promise<{ value: T; ms: number }> {
  const start = Date.now();
  for (;;) {
    const value = await fn();
    if (value !== undefined) return { value, ms: Date.now() - start };
    if (Date.now() - start > deadlineMs) throw new Error(`${what}: not within ${deadlineMs} ms`);
    await sleep(50);
  }
}

const latest = async (id: string) =>
  (await get<ScanJob>(r.latest, `/api/instances/${id}/scans/latest`, { id })).body;
const status = async (id: string) =>
  (await get<WatchStatus>(r.watch, `/api/instances/${id}/watch`, { id })).body;
const overview = async (id: string) =>
  (await get<Overview>(r.overview, `/api/instances/${id}/overview`, { id })).body;
const noTtlAlert = async (id: string) =>
  (await overview(id)).alerts.find((a) => a.rule === "keys-without-ttl");
const b64 = (s: string) => Buffer.from(s).toString("base64");

async function metricsText(): Promise<string> {
  const res = await (r.metrics.GET as unknown as (req: unknown) => Promise<Response>)(
    authedRequest("http://localhost/api/metrics", { role: "viewer" }),
  );
  return res.text();
}

async function scanNow(id: string): Promise<ScanJob> {
  const res = await (r.scans.POST as unknown as (req: unknown, ctx: unknown) => Promise<Response>)(
    authedRequest(`http://localhost/api/instances/${id}/scans`, {
      role: "operator",
      method: "POST",
      body: { mode: "fast" },
    }),
    { params: Promise.resolve({ id }) },
  );
  const { id: scanId } = (await res.json()) as { id: string };
  const { value } = await waitFor("scan done", async () => {
    const job = (await get<ScanJob>(r.scan, `/api/scans/${scanId}`, { scanId })).body;
    return job.status === "running" ? undefined : job;
  });
  expect(value.status).toBe("done");
  return value;
}

beforeAll(async () => {
  [live, quiet, noperm] = await Promise.all([
    startRedisServer({ config: { "notify-keyspace-events": FLAGS } }),
    startRedisServer(),
    startRedisServer({
      config: { "notify-keyspace-events": FLAGS },
      aclUsers: [
        "user nosub on >nosub-pw ~* resetchannels -@all +ping +info +client|setname +select +ttl +scan +config|get",
      ],
    }),
  ]);
  dataDir = mkdtempSync(path.join(os.tmpdir(), "isl-watch-test-"));
  const instancesFile = path.join(dataDir, "instances.json");
  writeFileSync(
    instancesFile,
    JSON.stringify([
      { id: "live", name: "Live", environment: "development", url: live.url },
      { id: "quiet", name: "Quiet", environment: "development", url: quiet.url },
      {
        id: "noperm",
        name: "No SUBSCRIBE",
        environment: "development",
        url: `redis://nosub@127.0.0.1:${noperm.port}/0`,
        passwordEnv: "WATCH_TEST_NOSUB_PASSWORD",
      },
    ]),
  );
  process.env.WATCH_TEST_NOSUB_PASSWORD = "nosub-pw";
  process.env.ISL_INSTANCES_FILE = instancesFile;
  process.env.CONSOLE_DATA_DIR = dataDir;
  process.env.SAMPLE_INTERVAL_SECONDS = "10";
  delete process.env.REDIS_URL;
  delete process.env.ISL_POLICY_FILE;
  delete process.env.WATCH_MAX_READS_PER_SECOND;
  const config = await import("@/lib/config");
  config.resetConfigForTests();
  r = {
    scans: await import("@/app/api/instances/[id]/scans/route"),
    scan: await import("@/app/api/scans/[scanId]/route"),
    latest: await import("@/app/api/instances/[id]/scans/latest/route"),
    overview: await import("@/app/api/instances/[id]/overview/route"),
    watch: await import("@/app/api/instances/[id]/watch/route"),
    config: await import("@/app/api/instances/[id]/config/route"),
    apply: await import("@/app/api/instances/[id]/config/apply/route"),
    metrics: await import("@/app/api/metrics/route"),
  };
  closeAll = (await import("@/lib/redis/connection")).closeAllConnections;
  const { samplerFromConfig } = await import("@/lib/metrics/service");
  const sampler = samplerFromConfig();
  sampleOnce = (id) => sampler.sampleOnce(id);
  const { WatchService } = await import("@/lib/watch/service");
  const { getStore } = await import("@/lib/store");
  service = new WatchService({
    db: getStore(),
    instances: config.getConfig().instances,
    maxReadsPerSecond: 500,
    // This process runs every instance's watch (the sampler's lease: see "who runs the watch" below).
    isLeader: () => true,
    recheckMs: { on: 2000, off: 500 },
  });
  service.start();
}, 60_000);

afterAll(async () => {
  await service?.stop();
  await closeAll?.();
  await Promise.all([live?.stop(), quiet?.stop(), noperm?.stop()]);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe("notifications on", () => {
  it("a key written without TTL joins the no-TTL list and fires the alert within seconds, no scan running", async () => {
    await live.cli("SET", `isl:result:${hex(1)}`, "v", "EX", "3600");
    await scanNow("live");
    await sampleOnce("live");
    await waitFor("watch on", async () => ((await status("live")).state === "on" ? true : undefined));
    expect(await noTtlAlert("live")).toBeUndefined();

    const key = `isl:ident:${hex(0xabc)}`;
    const t0 = Date.now();
    await live.cli("SET", key, "v");
    const listed = await waitFor("in scans/latest", async () => {
      const job = await latest("live");
      return job.result?.lists.noTtl.find((e) => e.keyBase64 === b64(key));
    });
    const listMs = Date.now() - t0;
    const alert = await waitFor("alert firing", async () => {
      const a = await noTtlAlert("live");
      return a?.state === "firing" ? a : undefined;
    });
    const alertMs = Date.now() - t0;
    const metric = await waitFor("isl_alert_state", async () => {
      const text = await metricsText();
      return /isl_alert_state\{instance_id="live",rule="keys-without-ttl"\} 2/.test(text) ? text : undefined;
    });
    const metricMs = Date.now() - t0;
    console.log(
      `watch: SET without TTL -> scans/latest ${listMs} ms, overview alert ${alertMs} ms, /api/metrics ${metricMs} ms (sampler interval 10 s, no scan running)`,
    );
    expect(listed.value).toMatchObject({ source: "watch", ttl: -1, pattern: "ident", event: "set" });
    expect(Date.parse(listed.value.seenAt ?? "")).toBeGreaterThanOrEqual(t0 - 1000);
    expect(alert.value.summary).toMatch(/seen live by the watch/);
    expect(metric.value).toMatch(/isl_keys_without_ttl\{instance_id="live",pattern="ident"\} 1/);
    const job = await latest("live");
    expect(job.result?.listTotals.noTtl).toBe(1);
    expect(job.result?.classes.noTtl).toBe(1);
    expect(job.result?.patterns.find((p) => p.name === "ident")?.noTtl).toBe(1);
    expect(job.watchedSinceScan).toMatchObject({ noTtl: 1, aboveStandard: 0 });
  });

  it("PERSIST on a key with a TTL is a violation by itself", async () => {
    const key = `isl:result:${hex(0xdef)}`;
    await live.cli("SET", key, "v", "EX", "3600");
    await sleep(500);
    const t0 = Date.now();
    await live.cli("PERSIST", key);
    const { value } = await waitFor("persisted key listed", async () =>
      (await latest("live")).result?.lists.noTtl.find((e) => e.keyBase64 === b64(key)),
    );
    console.log(`watch: PERSIST -> scans/latest ${Date.now() - t0} ms`);
    expect(value).toMatchObject({ source: "watch", event: "persist", ttl: -1 });
    expect((await noTtlAlert("live"))?.value).toBe(2);
  });

  it("a SET within the standard, or SET then EXPIRE at once, never appears; above the standard does", async () => {
    const ok = `isl:sensitivity:${hex(0x111)}`;
    const thenExpire = `isl:beliefs:${hex(0x222)}`;
    const above = `isl:ident:${hex(0x333)}`;
    const marker = `isl:result:${hex(0x444)}`;
    await live.cli("SET", ok, "v", "EX", "600");
    await live.cli(
      "EVAL",
      "redis.call('SET', KEYS[1], 'v'); redis.call('EXPIRE', KEYS[1], 600); return 1",
      "1",
      thenExpire,
    );
    await live.cli("SET", above, "v", "EX", String(86_400));
    await sleep(1000);
    await live.cli("SET", marker, "v");
    await waitFor("marker listed", async () =>
      (await latest("live")).result?.lists.noTtl.find((e) => e.keyBase64 === b64(marker)),
    );
    const job = await latest("live");
    const all = [...(job.result?.lists.noTtl ?? []), ...(job.result?.lists.aboveStandard ?? [])].map(
      (e) => e.keyBase64,
    );
    expect(all).not.toContain(b64(ok));
    expect(all).not.toContain(b64(thenExpire));
    expect(job.result?.lists.aboveStandard.find((e) => e.keyBase64 === b64(above))).toMatchObject({
      source: "watch",
      pattern: "ident",
    });
    expect(job.result?.listTotals.aboveStandard).toBe(1);
  });

  it("subscribes to the keyevent channels it uses, not to expire", async () => {
    const numsub = await live.cli(
      "PUBSUB",
      "NUMSUB",
      "__keyevent@0__:set",
      "__keyevent@0__:persist",
      "__keyevent@0__:del",
      "__keyevent@0__:expire",
    );
    expect(
      numsub
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l !== ""),
    ).toEqual([
      "__keyevent@0__:set",
      "1",
      "__keyevent@0__:persist",
      "1",
      "__keyevent@0__:del",
      "1",
      "__keyevent@0__:expire",
      "0",
    ]);
    expect((await live.cli("PUBSUB", "NUMPAT")).trim()).toBe("0");
  });

  it("the app giving the key a TTL clears the finding and the alert follows", async () => {
    const key = `isl:ident:${hex(0xabc)}`;
    const t0 = Date.now();
    await live.cli("EXPIRE", key, "600");
    await waitFor("cleared", async () => {
      const job = await latest("live");
      return job.result?.lists.noTtl.some((e) => e.keyBase64 === b64(key)) ? undefined : job;
    });
    // EXPIRE publishes only on the expire channel: the finding's re-read (a pass every 10 s) clears it.
    console.log(`watch: EXPIRE on a finding -> cleared by its re-read after ${Date.now() - t0} ms`);
    // The persisted key and the marker are still without TTL.
    expect((await noTtlAlert("live"))?.value).toBe(2);
    await live.cli("DEL", `isl:result:${hex(0xdef)}`, `isl:result:${hex(0x444)}`);
    await waitFor("alert cleared", async () => ((await noTtlAlert("live")) ? undefined : true));
    const s = await status("live");
    expect(s.lastMinute.keysRead).toBeGreaterThan(0);
    expect(s.lastMinute.sampled).toBe(false);
    expect(s.readsPerSecondLimit).toBe(500);
  });
});

describe("notifications off", () => {
  it("the watch says off and why; the config check fails; an admin's audited apply turns it on", async () => {
    const { value: off } = await waitFor("off", async () => {
      const s = await status("quiet");
      return s.state === "off" && s.reason ? s : undefined;
    });
    expect(off.reason).toContain(`notify-keyspace-events is '' on 127.0.0.1:${quiet.port}`);
    expect(off.reason).toMatch(/an admin can turn it on under Config/);
    // Nothing breaks: the overview and scans still answer.
    await sampleOnce("quiet");
    expect((await overview("quiet")).reachable).toBe(true);
    const cfg = (await get<ConfigResponse>(r.config, "/api/instances/quiet/config", { id: "quiet" })).body;
    const check = cfg.checks.find((c) => c.id === "notify-keyspace-events");
    expect(check).toMatchObject({ status: "fail", actual: '"" (off)' });
    expect(cfg.recommended).toContainEqual(
      expect.objectContaining({ name: "notify-keyspace-events", value: "Eg$lhsz" }),
    );

    const res = await (r.apply.POST as unknown as (req: unknown, ctx: unknown) => Promise<Response>)(
      authedRequest("http://localhost/api/instances/quiet/config/apply", {
        role: "admin",
        method: "POST",
        body: { reason: "turn on the live TTL watch" },
      }),
      { params: Promise.resolve({ id: "quiet" }) },
    );
    expect(res.status).toBe(200);
    expect(await quiet.cli("CONFIG", "GET", "notify-keyspace-events")).toMatch(/g\$lshzE|Eg\$lhsz/);
    const { listAuditEntries } = await import("@/lib/store/audit");
    const { getStore } = await import("@/lib/store");
    const audited = await listAuditEntries(getStore(), { instance: "quiet", action: "config-set", limit: 10 });
    expect(audited.some((e) => /notify-keyspace-events/.test(JSON.stringify(e)))).toBe(true);
    const { ms } = await waitFor("watch on after apply", async () =>
      (await status("quiet")).state === "on" ? true : undefined,
    );
    console.log(`watch: on ${ms} ms after the admin applied the recommended notify-keyspace-events`);
  });
});

describe("an ACL user without SUBSCRIBE", () => {
  it("is off with the reason naming the command", async () => {
    const { value } = await waitFor("off with NOPERM", async () => {
      const s = await status("noperm");
      return s.state === "off" && /SUBSCRIBE/.test(s.reason ?? "") ? s : undefined;
    });
    expect(value.reason).toMatch(/may not run SUBSCRIBE/);
  });
});

describe("a Redis restart mid-watch", () => {
  it("resubscribes and says which window was missed", async () => {
    await waitFor("on", async () => ((await status("live")).state === "on" ? true : undefined));
    const before = Date.now();
    await live.restart();
    const { value, ms } = await waitFor("resubscribed with a closed missed window", async () => {
      const s = await status("live");
      const m = s.missed.find((w) => w.to && Date.parse(w.from) >= before - 1000);
      return s.state === "on" && m ? { s, m } : undefined;
    });
    console.log(`watch: resubscribed ${ms} ms after the restart; "${value.m.text}"`);
    expect(value.m.text).toMatch(
      /^writes between \d\d:\d\d:\d\d and \d\d:\d\d:\d\d UTC were not watched; the next scan covers them$/,
    );
    // And it hears writes again.
    const key = `isl:beliefs:${hex(0x999)}`;
    await live.cli("SET", key, "v");
    await waitFor("found after restart", async () =>
      (await latest("live")).result?.lists.noTtl.find((e) => e.keyBase64 === b64(key)),
    );
  });
});

describe("who runs the watch", () => {
  it("only the process holding the instance's sampler lease runs its watch", async () => {
    const { acquireLease, leaseOwner } = await import("@/lib/store/sampler-leases");
    const { getStore } = await import("@/lib/store");
    const { WatchService } = await import("@/lib/watch/service");
    const { findInstance } = await import("@/lib/config");
    const db = getStore();
    const instance = findInstance("noperm");
    if (!instance) throw new Error("no instance");
    expect(await acquireLease(db, instance.id, "process-a", Date.now(), 60_000)).toBe(true);
    const as = (owner: string) =>
      new WatchService({
        db,
        instances: [instance],
        maxReadsPerSecond: 500,
        isLeader: async (id, now) => (await leaseOwner(db, id, now)) === owner,
      });
    const standby = as("process-b");
    const holder = as("process-a");
    await standby.check();
    await holder.check();
    expect(standby.watchOf(instance.id)).toBeUndefined();
    expect(holder.watchOf(instance.id)).toBeDefined();
    await Promise.all([standby.stop(), holder.stop()]);
  });

  it("WATCH_MAX_READS_PER_SECOND=0 turns it off and says so", async () => {
    const { watchStatus } = await import("@/lib/watch/service");
    const { findInstance } = await import("@/lib/config");
    const instance = findInstance("live");
    if (!instance) throw new Error("no instance");
    expect(await watchStatus(instance, { limit: 0 })).toMatchObject({
      state: "off",
      readsPerSecondLimit: 0,
      reason: expect.stringMatching(/WATCH_MAX_READS_PER_SECOND is 0/),
    });
  });
});
