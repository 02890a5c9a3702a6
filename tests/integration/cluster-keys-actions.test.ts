// The key browser and the key actions against a real 3-master / 3-replica Redis Cluster, through
// the route handlers as Next calls them: key pages walk every master (each planted key exactly
// once, with and without a pattern), key details route by slot to each master, fix-ttl and
// delete-pattern (named keys and by pattern, dry runs first) leave exactly the expected keys on
// every master, FLUSHDB empties every master and its audit entry counts them, and a master killed
// mid-job fails the job with the master named while what the others did stays counted.
// Ground truth is read from each master with its own plain connection (SCAN + TTL).
// eslint-disable-next-line no-restricted-imports -- ground truth per master with plain connections, outside the console's code
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ActionJob, ActionResult } from "@/lib/schemas/actions";
import type { AuditEntry } from "@/lib/schemas/audit";
import type { KeyDetailResponse, KeysResponse } from "@/lib/schemas/keys";
import { authedRequest } from "../helpers/auth";
import { consoleEnvWithInstances, type ConsoleEnv } from "../helpers/console-env";
import { keySlot, pollUntil, startRedisCluster, type RedisCluster } from "../helpers/redis-cluster";
import type { RedisServer } from "../helpers/redis-server";
import { teardown } from "../helpers/teardown";

type ListGet = typeof import("@/app/api/instances/[id]/keys/route").GET;
type DetailGet = typeof import("@/app/api/instances/[id]/keys/[keyBase64url]/route").GET;
type Post = typeof import("@/app/api/instances/[id]/actions/route").POST;
type JobRoute = typeof import("@/app/api/actions/[jobId]/route");
type AuditGet = typeof import("@/app/api/audit/route").GET;

const ID = "cl";
const TIMEOUT_MS = 180_000;

let cluster: RedisCluster;
let env: ConsoleEnv | undefined;
let listGet: ListGet;
let detailGet: DetailGet;
let post: Post;
let jobRoute: JobRoute;
let auditGet: AuditGet;
/** A plain connection per node, by port (ground truth and planting). */
const plain = new Map<number, Redis>();

const b64 = (k: string | Buffer) => Buffer.from(k).toString("base64");
const idOf = (k: string | Buffer) => Buffer.from(k).toString("base64url");
const hex16 = (n: number) => n.toString(16).padStart(16, "0");
const addressOf = (s: RedisServer) => `127.0.0.1:${s.port}`;

function conn(server: RedisServer): Redis {
  let r = plain.get(server.port);
  if (!r) {
    r = new Redis({ host: "127.0.0.1", port: server.port, lazyConnect: false, maxRetriesPerRequest: 1 });
    r.on("error", () => undefined);
    plain.set(server.port, r);
  }
  return r;
}

async function masterServers(): Promise<{ server: RedisServer; slots: [number, number][] }[]> {
  return (await cluster.masters()).map((m) => ({ server: m.server, slots: m.slots }));
}

/** SET through the master that owns each key's slot (plain connections: no console code). */
async function plant(entries: { key: string | Buffer; value?: string; ttl?: number }[]): Promise<void> {
  const masters = await masterServers();
  const owner = (key: string | Buffer) => {
    const slot = keySlot(key);
    const m = masters.find((x) => x.slots.some(([a, b]) => slot >= a && slot <= b));
    if (!m) throw new Error(`no master for slot ${slot}`);
    return conn(m.server);
  };
  const byNode = new Map<Redis, ReturnType<Redis["pipeline"]>>();
  for (const { key, value = "v", ttl } of entries) {
    const r = owner(key);
    let p = byNode.get(r);
    if (!p) byNode.set(r, (p = r.pipeline()));
    if (ttl) p.set(key, value, "EX", ttl);
    else p.set(key, value);
  }
  for (const p of byNode.values()) {
    const results = await p.exec();
    for (const [err] of results ?? []) if (err) throw err;
  }
}

/** Every key matching on one master, with its TTL (ground truth). */
async function onMaster(server: RedisServer, match: string): Promise<Map<string, number>> {
  const r = conn(server);
  const out = new Map<string, number>();
  let cursor = "0";
  do {
    const [next, batch] = await r.scan(cursor, "MATCH", match, "COUNT", 1000);
    cursor = next;
    if (batch.length === 0) continue;
    const p = r.pipeline();
    for (const k of batch) p.ttl(k);
    const ttls = (await p.exec()) ?? [];
    batch.forEach((k, i) => out.set(k, Number(ttls[i]?.[1])));
  } while (cursor !== "0");
  return out;
}

/** Ground truth over every master: key -> TTL, and the keys of each master. */
async function everywhere(match: string) {
  const all = new Map<string, number>();
  const perMaster = new Map<string, Map<string, number>>();
  for (const { server } of await masterServers()) {
    const keys = await onMaster(server, match);
    perMaster.set(addressOf(server), keys);
    for (const [k, ttl] of keys) all.set(k, ttl);
  }
  return { all, perMaster };
}

async function list(query: Record<string, string>) {
  const url = `http://localhost/api/instances/${ID}/keys?${new URLSearchParams(query)}`;
  const res = await listGet(authedRequest(url), { params: Promise.resolve({ id: ID }) });
  return {
    status: res.status,
    body: (await res.json()) as KeysResponse & { error?: { code: string; message: string } },
  };
}

async function listAll(query: Record<string, string>) {
  const items: KeysResponse["keys"] = [];
  const cursors: string[] = [];
  let cursor = "0";
  let pages = 0;
  do {
    const { status, body } = await list({ ...query, cursor });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.cluster?.nodes).toBe(3);
    items.push(...body.keys);
    cursor = body.cursor;
    cursors.push(cursor);
    pages++;
  } while (cursor !== "0" && pages < 10_000);
  return { items, pages, cursors };
}

async function detail(key: string | Buffer) {
  const keyBase64url = idOf(key);
  const url = `http://localhost/api/instances/${ID}/keys/${keyBase64url}`;
  const res = await detailGet(authedRequest(url), { params: Promise.resolve({ id: ID, keyBase64url }) });
  return { status: res.status, body: (await res.json()) as KeyDetailResponse & { error?: { code: string } } };
}

async function act(body: unknown, role: "admin" | "operator" = "admin") {
  const req = authedRequest(`http://localhost/api/instances/${ID}/actions`, { role, method: "POST", body });
  const res = await post(req, { params: Promise.resolve({ id: ID }) });
  return {
    status: res.status,
    body: (await res.json()) as ActionResult & ActionJob & { error?: { code: string; message: string } },
  };
}

async function waitJob(id: string, timeoutMs = 120_000): Promise<ActionJob> {
  return pollUntil(`job ${id} finished`, timeoutMs, async () => {
    const res = await jobRoute.GET(authedRequest(`http://localhost/api/actions/${id}`, { role: "viewer" }), {
      params: Promise.resolve({ jobId: id }),
    });
    const job = (await res.json()) as ActionJob;
    return job.status === "running" ? { notYet: `${job.progress.scanned} scanned` } : job;
  });
}

async function audit(query: Record<string, string>): Promise<AuditEntry[]> {
  const req = authedRequest(`http://localhost/api/audit?${new URLSearchParams(query)}`, { role: "viewer" });
  const res = await auditGet(req, { params: Promise.resolve({}) });
  return ((await res.json()) as { entries: AuditEntry[] }).entries;
}

/** A name from `make(i)` for the first i whose slot lies on each master, in master order. */
async function onEachMaster(
  make: (i: number) => string | Buffer,
): Promise<{ key: string | Buffer; server: RedisServer }[]> {
  const out: { key: string | Buffer; server: RedisServer }[] = [];
  for (const { server, slots } of await masterServers()) {
    for (let i = 0; ; i++) {
      const key = make(i);
      const slot = keySlot(key);
      if (slots.some(([a, b]) => slot >= a && slot <= b)) {
        out.push({ key, server });
        break;
      }
    }
  }
  return out;
}

beforeAll(async () => {
  cluster = await startRedisCluster({ masters: 3, replicasPerMaster: 1 });
  env = await consoleEnvWithInstances("cluster-keys", [
    { id: ID, kind: "cluster", name: "Cluster", environment: "staging", nodes: cluster.seeds.slice(0, 2) },
  ]);
  listGet = (await import("@/app/api/instances/[id]/keys/route")).GET;
  detailGet = (await import("@/app/api/instances/[id]/keys/[keyBase64url]/route")).GET;
  post = (await import("@/app/api/instances/[id]/actions/route")).POST;
  jobRoute = await import("@/app/api/actions/[jobId]/route");
  auditGet = (await import("@/app/api/audit/route")).GET;
}, TIMEOUT_MS);

afterAll(() => teardown(env, () => plain.forEach((r) => r.disconnect()), cluster), TIMEOUT_MS);

describe("key browser over a cluster", () => {
  const results = Array.from({ length: 240 }, (_, i) => `isl:result:${hex16(i)}`);
  const noise = Array.from({ length: 400 }, (_, i) => `other:noise:${i}`);

  beforeAll(async () => {
    await plant([...results.map((key) => ({ key, ttl: 3600 })), ...noise.map((key) => ({ key }))]);
  });

  it("pages a pattern with count=20 over every master: each planted key exactly once", async () => {
    const truth = await everywhere("isl:result:*");
    for (const keys of truth.perMaster.values()) expect(keys.size).toBeGreaterThan(0);
    const { items, pages, cursors } = await listAll({ match: "isl:result:*", count: "20" });
    const keys = items.map((k) => k.key);
    expect(keys).toHaveLength(results.length);
    expect(new Set(keys)).toEqual(new Set(results));
    expect(pages).toBeGreaterThanOrEqual(results.length / 40);
    // The cursor between pages is opaque (node and node cursor), "0" only at the end.
    for (const c of cursors.slice(0, -1)) expect(c).not.toMatch(/^\d+$/);
    expect(cursors.at(-1)).toBe("0");
    // Each key says its slot and the master that holds it, which is the one the truth found it on.
    for (const item of items) {
      expect(item.slot).toBe(keySlot(item.key));
      expect(truth.perMaster.get(item.node ?? "")?.has(item.key), `${item.key} on ${item.node}`).toBe(true);
      expect(item).toMatchObject({ pattern: "result", class: "ok", type: "string" });
    }
    expect(new Set(items.map((i) => i.node)).size).toBe(3);
  });

  it("pages without a pattern: every key of every master exactly once", async () => {
    const truth = await everywhere("*");
    const { items, pages } = await listAll({ count: "50" });
    const keys = items.map((k) => k.key);
    expect(keys.length).toBe(truth.all.size);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(keys)).toEqual(new Set(truth.all.keys()));
    expect(pages).toBeGreaterThanOrEqual(Math.floor(truth.all.size / 100));
  });

  it("answers 400 JSON for a malformed cursor", async () => {
    const forged = (text: string) => Buffer.from(text).toString("base64url");
    for (const cursor of [
      "abc",
      "!!!!!!!!!!",
      "123",
      forged("hello world, not a cursor"),
      forged("c1:99999:0:127.0.0.1:6379"),
      forged("c1:0:99999999999999999999999:127.0.0.1:6379"),
      forged("c1:0:12:no-port"),
    ]) {
      const { status, body } = await list({ cursor, match: "isl:result:*" });
      expect(status, cursor).toBe(400);
      expect(body.error?.code, cursor).toBe("bad_request");
    }
  });

  it("restarts the part of a node that is no longer a master from the master now serving its slot, and says so", async () => {
    const cursor = Buffer.from("c1:0:0:127.0.0.1:1").toString("base64url");
    const { status, body } = await list({ cursor, match: "isl:result:*", count: "1000" });
    expect(status).toBe(200);
    expect(body.notice).toMatch(/127\.0\.0\.1:1 is no longer a master/);
    const [first] = await masterServers().then((ms) => ms.filter((m) => m.slots.some(([a]) => a === 0)));
    expect(body.keys.length).toBeGreaterThan(0);
    expect(body.keys[0]?.node).toBe(addressOf(first?.server as RedisServer));
  });

  it("reads a string, a hash, a list and a binary-named key on each master, routed by slot", async () => {
    const strings = await onEachMaster((i) => `isl:result:detail-s-${i}`);
    const hashes = await onEachMaster((i) => `{user:${i}}:profile`);
    const lists = await onEachMaster((i) => `isl:l:${i}`);
    const binaries = await onEachMaster((i) =>
      Buffer.concat([Buffer.from("isl:bin:"), Buffer.from([0xff, 0xfe, 0x00, i])]),
    );
    for (const { key, server } of strings) await conn(server).set(key, '{"a":1}');
    for (const { key, server } of hashes)
      await conn(server).hset(key, "name", "value", "bin", Buffer.from([0xff, 0x00]));
    for (const { key, server } of lists) await conn(server).rpush(key, "e0", "e1", "e2");
    for (const { key, server } of binaries) await conn(server).set(key, "binary-named", "EX", 600);

    for (const { key, server } of strings) {
      const { status, body } = await detail(key);
      expect(status).toBe(200);
      expect(body).toMatchObject({ type: "string", node: addressOf(server), slot: keySlot(key) });
      expect(body.hashTag).toBeUndefined();
      expect(body.value).toMatchObject({ kind: "string", encoding: "json" });
    }
    for (const { key, server } of hashes) {
      const { status, body } = await detail(key);
      expect(status).toBe(200);
      const tag = /^\{([^}]+)\}/.exec(String(key))?.[1];
      expect(body).toMatchObject({ type: "hash", node: addressOf(server), slot: keySlot(key), hashTag: tag });
      if (body.value.kind !== "hash") throw new Error(body.value.kind);
      expect(body.value.total).toBe(2);
    }
    for (const { key, server } of lists) {
      const { body } = await detail(key);
      if (body.value.kind !== "list") throw new Error(body.value.kind);
      expect(body.node).toBe(addressOf(server));
      expect(body.value.elements.map((e) => e.text)).toEqual(["e0", "e1", "e2"]);
    }
    for (const { key, server } of binaries) {
      const { status, body } = await detail(key);
      expect(status).toBe(200);
      expect(body.keyBase64).toBe(b64(key));
      expect(body.node).toBe(addressOf(server));
      expect(body.value).toMatchObject({ kind: "string", encoding: "text", value: "binary-named" });
    }
    expect((await detail("isl:not:there")).status).toBe(404);
  });
});

describe("actions over a cluster", () => {
  it("expire, delete and fix-ttl on named keys living on different masters", async () => {
    const fix = await onEachMaster((i) => `isl:result:fix-${i}`);
    const gone = await onEachMaster((i) => `isl:result:gone-${i}`);
    const exp = await onEachMaster((i) => `isl:result:exp-${i}`);
    await plant([...fix, ...gone, ...exp].map(({ key }) => ({ key })));
    await plant([{ key: "isl:foreign-named" }]);

    const fixed = await act(
      { action: "fix-ttl", keys: [...fix.map((f) => b64(f.key)), b64("isl:foreign-named")] },
      "operator",
    );
    expect(fixed.status, JSON.stringify(fixed.body)).toBe(200);
    expect(fixed.body).toMatchObject({ affected: 3, skipped: 1 });
    for (const { key, server } of fix) expect(await conn(server).ttl(key)).toBeGreaterThan(7100);

    const deleted = await act({ action: "delete", keys: gone.map((g) => b64(g.key)) }, "operator");
    expect(deleted.body).toMatchObject({ affected: 3, missing: 0 });
    for (const { key, server } of gone) expect(await conn(server).exists(key)).toBe(0);

    const expired = await act(
      { action: "expire", keys: exp.map((g) => b64(g.key)), ttlSeconds: 600 },
      "operator",
    );
    expect(expired.body).toMatchObject({ affected: 3 });
    for (const { key, server } of exp) {
      const ttl = await conn(server).ttl(key);
      expect(ttl).toBeGreaterThan(590);
      expect(ttl).toBeLessThanOrEqual(600);
    }
  });

  it("fix-ttl by pattern: the dry run counts over every master, the job leaves no key without TTL on any master", async () => {
    const noTtl = Array.from({ length: 300 }, (_, i) => `isl:result:nottl-${hex16(i)}`);
    await plant(noTtl.map((key) => ({ key })));
    await plant(Array.from({ length: 5 }, (_, i) => ({ key: `isl:foreign-${i}` })));
    const before = await everywhere("isl:*");
    const expected = [...before.all].filter(
      ([k, ttl]) => k.startsWith("isl:result:") && (ttl === -1 || ttl > 7200),
    ).length;
    expect(expected).toBeGreaterThanOrEqual(300);

    const dry = await act({ action: "fix-ttl", match: "isl:*", dryRun: true }, "operator");
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect(dry.body.count).toBe(expected);
    expect(dry.body.nodes).toHaveLength(3);
    expect(dry.body.nodes?.reduce((n, x) => n + x.count, 0)).toBe(expected);
    for (const n of dry.body.nodes ?? []) {
      const onIt = [...(before.perMaster.get(n.node) ?? new Map<string, number>())].filter(
        ([k, ttl]) => k.startsWith("isl:result:") && (ttl === -1 || ttl > 7200),
      );
      expect(n.count, n.node).toBe(onIt.length);
    }

    const started = await act({ action: "fix-ttl", match: "isl:*", reason: "cluster cleanup" }, "operator");
    expect(started.status).toBe(202);
    const done = await waitJob(started.body.id);
    expect(done).toMatchObject({ status: "done", progress: { affected: expected, fraction: 1 } });
    expect(done.nodes).toHaveLength(3);
    expect(done.nodes?.reduce((n, x) => n + x.affected, 0)).toBe(expected);

    const after = await everywhere("isl:*");
    for (const [node, keys] of after.perMaster) {
      for (const [k, ttl] of keys) {
        if (k.startsWith("isl:result:")) expect(ttl, `${k} on ${node}`).toBeGreaterThan(0);
        if (k.startsWith("isl:foreign-")) expect(ttl, `${k} on ${node}`).toBe(-1);
      }
    }
    expect(after.all.size).toBe(before.all.size);
    const outcome = (await audit({ action: "fix-ttl", outcome: "ok", limit: "1" }))[0];
    expect(outcome).toMatchObject({
      intentId: started.body.auditId,
      affected: expected,
      params: { nodes: 3 },
    });
    expect(outcome?.detail).toMatch(/on 3 masters/);
  });

  it("delete-pattern: the dry run counts over every master, the job leaves exactly the other keys on every master", async () => {
    const doomed = Array.from({ length: 240 }, (_, i) => `tmp:del:${i}`);
    await plant(doomed.map((key) => ({ key })));
    const before = await everywhere("*");
    const dry = await act({ action: "delete-pattern", match: "tmp:del:*", dryRun: true });
    expect(dry.body).toMatchObject({ dryRun: true, count: 240 });
    expect(dry.body.nodes).toHaveLength(3);
    for (const n of dry.body.nodes ?? []) {
      const expected = [...(before.perMaster.get(n.node)?.keys() ?? [])].filter((k) =>
        k.startsWith("tmp:del:"),
      ).length;
      expect(n.count, n.node).toBe(expected);
    }

    const started = await act({ action: "delete-pattern", match: "tmp:del:*", reason: "cluster" });
    expect(started.status).toBe(202);
    const finished = await waitJob(started.body.id);
    expect(finished, JSON.stringify(finished)).toMatchObject({ status: "done", progress: { affected: 240 } });
    const after = await everywhere("*");
    for (const [node, keys] of before.perMaster) {
      const expected = [...keys.keys()].filter((k) => !k.startsWith("tmp:del:")).sort();
      expect([...(after.perMaster.get(node)?.keys() ?? [])].sort(), node).toEqual(expected);
    }
  });

  it("FLUSHDB empties every master; the dry run and the audit entry name the masters and keys", async () => {
    const masters = await masterServers();
    const sizes = await Promise.all(masters.map(async (m) => Number(await conn(m.server).dbsize())));
    const total = sizes.reduce((a, b) => a + b, 0);
    expect(sizes.every((s) => s > 0)).toBe(true);

    const dry = await act({ action: "flushdb", dryRun: true });
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, count: total });
    expect(dry.body.nodes?.map((n) => n.count).sort()).toEqual([...sizes].sort());
    expect(await Promise.all(masters.map((m) => conn(m.server).dbsize()))).toEqual(sizes);

    const wrong = await act({ action: "flushdb", confirm: "nope", reason: "test" });
    expect(wrong.status).toBe(409);

    const res = await act({ action: "flushdb", confirm: ID, reason: "cluster flush test" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ outcome: "ok", keysBefore: total, affected: total });
    expect(res.body.nodes).toHaveLength(3);
    for (const m of masters) expect(await conn(m.server).dbsize(), addressOf(m.server)).toBe(0);
    const [outcome] = await audit({ action: "flushdb", outcome: "ok", limit: "1" });
    expect(outcome).toMatchObject({ affected: total, params: { nodes: 3 } });
    expect(outcome?.detail).toContain(`3 masters, ${total.toLocaleString("en-US")} keys`);
  });

  it(
    "a master killed mid-job: the job fails naming it, what the other masters did is counted and audited",
    async () => {
      const keys = Array.from({ length: 45_000 }, (_, i) => `tmp:kill:${i}`);
      for (let i = 0; i < keys.length; i += 5000)
        await plant(keys.slice(i, i + 5000).map((key) => ({ key })));
      const [victim] = await masterServers();
      if (!victim) throw new Error("no master");
      const started = await act({ action: "delete-pattern", match: "tmp:kill:*", reason: "kill test" });
      expect(started.status).toBe(202);
      await pollUntil("job under way", 30_000, async () => {
        const res = await jobRoute.GET(authedRequest(`http://localhost/api/actions/${started.body.id}`), {
          params: Promise.resolve({ jobId: started.body.id }),
        });
        const job = (await res.json()) as ActionJob;
        return job.progress.affected > 0 || job.status !== "running"
          ? true
          : { notYet: "no key deleted yet" };
      });
      await cluster.kill(victim.server);
      const done = await waitJob(started.body.id);
      expect(done.status).toBe("failed");
      expect(done.error).toContain(addressOf(victim.server));
      expect(done.nodes).toHaveLength(3);
      const failed = done.nodes?.filter((n) => n.error) ?? [];
      expect(
        failed.map((n) => n.node),
        JSON.stringify(done),
      ).toEqual([addressOf(victim.server)]);
      const counted = done.nodes?.reduce((n, x) => n + x.affected, 0) ?? 0;
      expect(done.progress.affected).toBe(counted);
      // What the surviving masters lost is exactly what the job counted for them.
      const survivors = (await masterServers()).filter((m) => m.server !== victim.server);
      for (const m of survivors) {
        const share = done.nodes?.find((n) => n.node === addressOf(m.server));
        if (!share) continue; // a replica promoted meanwhile: not one the job walked
        const left = (await onMaster(m.server, "tmp:kill:*")).size;
        const planted = keys.filter((k) => {
          const slot = keySlot(k);
          return m.slots.some(([a, b]) => slot >= a && slot <= b);
        }).length;
        expect(planted - left, share.node).toBe(share.affected);
      }
      const [outcome] = await audit({ action: "delete-pattern", limit: "1" });
      expect(outcome).toMatchObject({ intentId: started.body.auditId, outcome: "error", affected: counted });
      expect(outcome?.detail).toContain(addressOf(victim.server));
    },
    TIMEOUT_MS,
  );
});
