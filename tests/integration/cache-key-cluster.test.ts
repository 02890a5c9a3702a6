// The cache-key calculator on a real 3-master Redis Cluster: the computed keys live on different
// masters, and each (and a pair compared in one call, one pipeline per node) is found with its
// TTL and size, or said missing, through the slot-routing client.
import type { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalize } from "@/lib/policy/cache-key";
import type { CacheKeyResponse } from "@/lib/schemas/cache-key";
import { authedRequest } from "../helpers/auth";
import { consoleEnvWithInstances, type ConsoleEnv } from "../helpers/console-env";
import { startRedisCluster, type RedisCluster } from "../helpers/redis-cluster";
import { teardown } from "../helpers/teardown";

type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

const ID = "calc-cl";
const TIMEOUT_MS = 180_000;
/** The guide's kind of request; its key comes from CPython 3.11.7 json.dumps + sha256. */
const REQUEST = '{"scenario": "baseline", "interventions": {"price": 10, "marketing": 0.5}, "samples": 1000}';
const KEY = "isl:result:6e519c90b1a54a71";

let cluster: RedisCluster;
let env: ConsoleEnv | undefined;
let post: Handler;

const requestN = (n: number) => JSON.stringify({ scenario: `cluster-${n}`, samples: 100 * n });
const keyOf = (text: string) => `isl:result:${canonicalize(text).hash}`;

async function call(body: unknown) {
  const req = authedRequest(`http://localhost/api/instances/${ID}/cache-key`, { method: "POST", body });
  const res = await post(req, { params: Promise.resolve({ id: ID }) });
  return { status: res.status, json: (await res.json()) as CacheKeyResponse };
}

beforeAll(async () => {
  cluster = await startRedisCluster({ masters: 3, replicasPerMaster: 0 });
  env = await consoleEnvWithInstances("cache-key-cluster", [
    { id: ID, kind: "cluster", name: "Cluster", environment: "staging", nodes: cluster.seeds.slice(0, 2) },
  ]);
  post = (await import("@/app/api/instances/[id]/cache-key/route")).POST as Handler;
}, TIMEOUT_MS);

afterAll(() => teardown(env, cluster), TIMEOUT_MS);

describe("cache-key calculator over a cluster", () => {
  it("finds keys on every master, alone and compared in one call", async () => {
    const texts = [REQUEST, ...Array.from({ length: 8 }, (_, i) => requestN(i + 1))];
    expect(keyOf(REQUEST)).toBe(KEY);
    const owners = new Set<number>();
    for (const [i, text] of texts.entries()) {
      const key = keyOf(text);
      const node = await cluster.nodeForKey(key);
      owners.add(node.port);
      // Every other request is left unwritten: "missing" must come from the right master too.
      if (i % 2 === 0) await cluster.cli(node, "SET", key, "v".repeat(100 + i), "EX", String(3600 + i));
    }
    expect(owners.size, "the keys should spread over several masters").toBeGreaterThan(1);

    for (const [i, text] of texts.entries()) {
      const res = await call({ pattern: "result", request: text });
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      expect(res.json.key).toBe(keyOf(text));
      if (i % 2 === 0) {
        expect(res.json).toMatchObject({ exists: true, type: "string" });
        expect(res.json.ttl).toBeGreaterThan(3500);
        expect(res.json.ttl).toBeLessThanOrEqual(3600 + i);
        expect(res.json.bytes).toBeGreaterThan(100);
      } else {
        expect(res.json).toMatchObject({ exists: false, ttl: null });
      }
    }

    // Pairs whose keys sit on different masters: one call reads both, each from its own node.
    let pairs = 0;
    for (let i = 0; i + 2 < texts.length; i += 2) {
      const a = texts[i] as string;
      const b = texts[i + 2] as string;
      if ((await cluster.nodeForKey(keyOf(a))).port === (await cluster.nodeForKey(keyOf(b))).port) continue;
      const res = await call({ pattern: "result", request: a, compare: b });
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      expect(res.json).toMatchObject({
        exists: true,
        comparison: { sameKey: false, other: { exists: true } },
      });
      pairs++;
    }
    expect(pairs).toBeGreaterThan(0);
  });
});
