import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InstanceConfig } from "@/lib/config";
import { classifyKey, compilePolicy } from "@/lib/policy/classify";
import { defaultPolicy } from "@/lib/policy/default-policy";
import { policySchema } from "@/lib/policy/types";
import { closeAllConnections, withRedis } from "@/lib/redis/connection";
import { displayKey } from "@/lib/keys/encoding";
import { SeedRefusedError, seedDemo } from "@/lib/seed/seed";
import { startRedisServer, type RedisServer } from "../helpers/redis-server";

const root = path.resolve(__dirname, "../..");
const compiled = compilePolicy(policySchema.parse(defaultPolicy));

function instance(
  id: string,
  server: RedisServer,
  environment: InstanceConfig["environment"] = "development",
): InstanceConfig {
  return { id, name: id, environment, url: server.url, readOnly: false };
}

interface Entry {
  type: string;
  ttl: number;
  dump: string;
}

/** Every key of a server (base64 name) with its type, TTL and DUMP bytes. */
function snapshot(target: InstanceConfig): Promise<Map<string, Entry>> {
  return withRedis(target, async (redis) => {
    const keys: Buffer[] = [];
    let cursor = "0";
    do {
      const [next, batch] = await redis.scanBuffer(cursor, "COUNT", 1000);
      cursor = next.toString();
      keys.push(...batch);
    } while (cursor !== "0");
    const pipeline = redis.pipeline();
    for (const k of keys) pipeline.type(k).ttl(k).dumpBuffer(k);
    const results = (await pipeline.exec()) ?? [];
    const out = new Map<string, Entry>();
    keys.forEach((k, i) => {
      const [type, ttl, dump] = results.slice(i * 3, i * 3 + 3).map(([, value]) => value);
      out.set(k.toString("base64"), {
        type: String(type),
        ttl: Number(ttl),
        dump: (dump as Buffer).toString("base64"),
      });
    });
    return out;
  });
}

function countByPrefix(snap: Map<string, Entry>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const k of snap.keys()) {
    const name = Buffer.from(k, "base64").toString("latin1");
    const prefix = name.split(":").slice(0, 2).join(":");
    counts[prefix] = (counts[prefix] ?? 0) + 1;
  }
  return counts;
}

function runScript(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "test" };
  delete env.ISL_INSTANCES_FILE;
  delete env.REDIS_ENVIRONMENT;
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ["node_modules/tsx/dist/cli.mjs", "--conditions=react-server", "scripts/seed-demo.ts", ...args],
      { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("seeding demo data", () => {
  let a: RedisServer;
  let b: RedisServer;
  let c: RedisServer;
  let snapA: Map<string, Entry>;

  beforeAll(async () => {
    [a, b, c] = await Promise.all([startRedisServer(), startRedisServer(), startRedisServer()]);
    await Promise.all([
      seedDemo(instance("a", a), { seed: "alpha" }),
      seedDemo(instance("b", b), { seed: "alpha" }),
      seedDemo(instance("c", c), { seed: "beta", scale: 2 }),
    ]);
    snapA = await snapshot(instance("a", a));
  });

  afterAll(async () => {
    await closeAllConnections();
    await Promise.all([a?.stop(), b?.stop(), c?.stop()]);
  });

  it("writes the pilot count of each pattern plus the planted keys", () => {
    expect(countByPrefix(snapA)).toEqual({
      "isl:beliefs": 75 + 2,
      "isl:ident": 25 + 3,
      "isl:result": 150 + 3,
      "isl:sensitivity": 40 + 2,
      "isl:scratch": 1,
      "plot:session": 1,
    });
  });

  it("multiplies the counts by --scale", async () => {
    const counts = countByPrefix(await snapshot(instance("c", c)));
    expect(counts).toMatchObject({
      "isl:beliefs": 152,
      "isl:ident": 53,
      "isl:result": 303,
      "isl:sensitivity": 82,
    });
  });

  it("plants exactly the problems the policy should find, with the right TTL state", () => {
    const classes: Record<string, string[]> = {};
    const pii: string[] = [];
    for (const [k, entry] of snapA) {
      const bytes = Buffer.from(k, "base64");
      const verdict = classifyKey(compiled, bytes, entry.ttl);
      (classes[verdict.class] ??= []).push(displayKey(bytes));
      if (verdict.possiblePii) pii.push(displayKey(bytes));
    }
    expect(classes.noTtl).toHaveLength(3);
    expect(classes.noTtl?.every((k) => /^isl:ident:[0-9a-f]{16}$/.test(k))).toBe(true);
    expect(classes.aboveStandard?.map((k) => k.split(":")[1]).sort()).toEqual([
      "beliefs",
      "result",
      "sensitivity",
    ]);
    expect(classes.unknownPattern).toEqual([expect.stringMatching(/^isl:scratch:[0-9a-f]{16}$/)]);
    expect(classes.foreign).toEqual(["plot:session:42"]);
    expect(pii.sort()).toEqual(["isl:beliefs:user_123", "isl:result:\\xff\\xfe\\x00\\x01"]);
    expect(classes.ok).toHaveLength(302 - 3 - 3 - 1 - 1);
    for (const [k, entry] of snapA) {
      if (!classes.noTtl?.includes(displayKey(Buffer.from(k, "base64"))))
        expect(entry.ttl).toBeGreaterThan(0);
    }
  });

  it("plants a hash and a list under patterns, and a binary key name", () => {
    const types = [...snapA.entries()]
      .filter(([, e]) => e.type !== "string")
      .map(([k, e]) => [Buffer.from(k, "base64").toString().split(":")[1], e.type]);
    expect(types.sort()).toEqual([
      ["result", "list"],
      ["sensitivity", "hash"],
    ]);
    const binary = Buffer.concat([
      Buffer.from("isl:result:"),
      Buffer.from([0xff, 0xfe, 0x00, 0x01]),
    ]).toString("base64");
    expect(snapA.get(binary)?.type).toBe("string");
  });

  it("writes JSON values shaped as the ops guide, near the typical sizes", async () => {
    const sizes = await withRedis(instance("a", a), async (redis) => {
      const out: Record<string, number[]> = {};
      for (const pattern of ["beliefs", "ident", "result", "sensitivity"]) {
        const [, keys] = await redis.scan("0", "MATCH", `isl:${pattern}:*`, "COUNT", 1000);
        for (const k of keys) {
          if ((await redis.type(k)) !== "string" || k.endsWith("user_123")) continue;
          const text = (await redis.get(k)) ?? "";
          const value = JSON.parse(text) as Record<string, unknown>;
          const id = k.split(":")[2];
          const idField = {
            beliefs: "user_id",
            ident: "dag_hash",
            result: "request_hash",
            sensitivity: "model_hash",
          }[pattern] as string;
          expect(value[idField]).toBe(id);
          (out[pattern] ??= []).push(Buffer.byteLength(text));
        }
      }
      return out;
    });
    const avg = (xs: number[] = []) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(avg(sizes.beliefs)).toBeGreaterThan(400);
    expect(avg(sizes.beliefs)).toBeLessThan(600);
    expect(avg(sizes.ident)).toBeGreaterThan(850);
    expect(avg(sizes.ident)).toBeLessThan(1200);
    expect(Math.min(...(sizes.result ?? []))).toBeGreaterThanOrEqual(4900);
    expect(Math.max(...(sizes.result ?? []))).toBeLessThanOrEqual(10240);
    expect(avg(sizes.sensitivity)).toBeGreaterThan(1700);
    expect(avg(sizes.sensitivity)).toBeLessThan(2400);
  });

  it("is deterministic: the same seed gives the same keys, values and TTLs", async () => {
    const snapB = await snapshot(instance("b", b));
    expect([...snapB.keys()].sort()).toEqual([...snapA.keys()].sort());
    for (const [k, entry] of snapA) {
      const other = snapB.get(k);
      expect(other?.dump).toBe(entry.dump);
      expect(Math.abs((other?.ttl ?? 0) - entry.ttl)).toBeLessThanOrEqual(3);
    }
  });

  it("gives other keys for another seed; only the fixed planted names coincide", async () => {
    const snapC = await snapshot(instance("c", c));
    const shared = [...snapA.keys()]
      .filter((k) => snapC.has(k))
      .map((k) => displayKey(Buffer.from(k, "base64")));
    expect(shared.sort()).toEqual([
      "isl:beliefs:user_123",
      "isl:result:\\xff\\xfe\\x00\\x01",
      "plot:session:42",
    ]);
  });

  it("refuses a non-empty database without force; with force adds its keys and deletes nothing", async () => {
    const target = instance("b", b);
    await b.cli("SET", "ops:note", "keep me");
    await expect(seedDemo(target, { seed: "alpha" })).rejects.toMatchObject({
      name: "SeedRefusedError",
      reason: "not-empty",
    });
    const summary = await seedDemo(target, { seed: "alpha", force: true });
    expect(summary.dbsizeBefore).toBe(303);
    expect(summary.dbsizeAfter).toBe(303);
    expect(await b.cli("GET", "ops:note")).toBe("keep me\n");
    const hashKey = summary.planted.find((p) => p.type === "hash")?.key ?? "";
    expect((await b.cli("TYPE", hashKey)).trim()).toBe("hash");
  });

  it("refuses a production instance without touching it", async () => {
    const empty = await startRedisServer();
    try {
      const err = await seedDemo(instance("prod", empty, "production")).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SeedRefusedError);
      expect((err as SeedRefusedError).reason).toBe("production");
      expect((await empty.cli("DBSIZE")).trim()).toBe("0");
    } finally {
      await empty.stop();
    }
  });

  describe("the seed:demo script", () => {
    let d: RedisServer;
    beforeAll(async () => {
      d = await startRedisServer();
    });
    afterAll(async () => {
      await d?.stop();
    });

    it("seeds, then refuses the now non-empty database, production, and bad arguments with distinct exit codes", async () => {
      const first = await runScript(["--url", d.url, "--seed", "cli"]);
      expect(first.code).toBe(0);
      expect(first.stdout).toContain("Wrote 302 keys");
      for (const planted of [
        "isl:beliefs:user_123",
        "plot:session:42",
        "isl:result:\\xff\\xfe\\x00\\x01",
        "isl:scratch:",
        "no TTL",
      ]) {
        expect(first.stdout).toContain(planted);
      }

      const again = await runScript(["--url", d.url, "--seed", "cli"]);
      expect(again.code).toBe(3);
      expect(again.stderr).toMatch(/already holds 302 keys.*--force/);

      const production = await runScript(["--url", d.url, "--environment", "production", "--force"]);
      expect(production.code).toBe(3);
      expect(production.stderr).toMatch(/production/);

      const bad = await runScript(["--url", d.url, "--scale", "zero"]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/--scale/);
    });
  });
});
