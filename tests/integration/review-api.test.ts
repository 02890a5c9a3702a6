// GET /api/instances/{id}/review against a spawned redis-server and a temporary store: 404 for an
// unknown instance, 409 before the first scan, then JSON, CSV and Markdown with download headers.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getConfig, resetConfigForTests } from "@/lib/config";
import { closeAllConnections } from "@/lib/redis/connection";
import { runReview } from "@/lib/review/cli";
import { reviewSchema } from "@/lib/schemas/review";
import { authedRequest } from "../helpers/auth";
import { startRedisServer, type RedisServer } from "../helpers/redis-server";

type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

const savedEnv = { ...process.env };
const dataDir = mkdtempSync(path.join(os.tmpdir(), "isl-review-api-"));
let server: RedisServer;
let get: Handler;

function call(id: string, query = ""): Promise<Response> {
  const req = authedRequest(`http://localhost/api/instances/${id}/review${query}`);
  return get(req, { params: Promise.resolve({ id }) });
}

beforeAll(async () => {
  server = await startRedisServer({ config: { maxmemory: "32mb" } });
  for (let i = 0; i < 30; i++)
    await server.cli("SET", `isl:ident:${i.toString(16).padStart(16, "0")}`, "v", "EX", "600");
  await server.cli("SET", "isl:ident:forever", "v");
  for (const name of Object.keys(process.env))
    if (/^(REDIS_|ISL_|CONSOLE_)/.test(name)) delete process.env[name];
  Object.assign(process.env, {
    REDIS_URL: server.url,
    REDIS_INSTANCE_ID: "rev1",
    REDIS_INSTANCE_NAME: "Review API",
    CONSOLE_DATA_DIR: dataDir,
  });
  resetConfigForTests();
  ({ GET: get } = (await import("@/app/api/instances/[id]/review/route")) as unknown as { GET: Handler });
});

afterAll(async () => {
  await closeAllConnections();
  await server?.stop();
  process.env = savedEnv;
  resetConfigForTests();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("GET /api/instances/{id}/review", () => {
  it("is 404 for an unknown instance", async () => {
    const res = await call("nope");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: "not_found", message: 'unknown instance "nope"' } });
  });

  it("is 409 with a clear message before the first scan", async () => {
    const res = await call("rev1");
    expect(res.status).toBe(409);
    const body = (await res.json()) as { error: { code: string; message: string; details: unknown } };
    expect(body.error.code).toBe("conflict");
    expect(body.error.message).toMatch(
      /has no finished scan yet: start one with POST \/api\/instances\/rev1\/scans/,
    );
    expect(body.error.details).toEqual({ reason: "no_scan" });
  });

  it("serves the review of the latest scan as JSON, CSV and Markdown", async () => {
    const config = getConfig();
    const instance = config.instances[0];
    if (!instance) throw new Error("no instance");
    await runReview({ instance, policy: config.policy, match: "*", mode: "fast", dataDir, save: true });

    const json = await call("rev1");
    expect(json.status).toBe(200);
    expect(json.headers.get("content-disposition")).toBeNull();
    const review = reviewSchema.parse(await json.json());
    expect(review.instance).toEqual({ id: "rev1", name: "Review API", environment: "development" });
    expect(review.patterns.find((p) => p.name === "ident")).toMatchObject({
      keys: 31,
      keysStatus: "above",
      noTtl: 1,
    });
    expect(review.capacity.maxBytes).toBe(32 * 1024 * 1024);

    const csv = await call("rev1", "?format=csv&download=1");
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("content-disposition")).toMatch(
      /^attachment; filename="isl-review-rev1-\d{4}-\d\d-\d\d\.csv"$/,
    );
    expect(await csv.text()).toMatch(/^patterns,ident,isl:ident:\{dag_hash\},31,20,30,above,/m);

    const md = await call("rev1", "?format=md");
    expect(md.headers.get("content-type")).toBe("text/markdown; charset=utf-8");
    expect(md.headers.get("content-disposition")).toBeNull();
    expect(await md.text()).toMatch(
      /^\| ident `isl:ident:\{dag_hash\}` \| 31 \| 20–30 \| \*\*above range\*\* \|/m,
    );

    const jsonDownload = await call("rev1", "?download=1");
    expect(jsonDownload.headers.get("content-disposition")).toMatch(/filename="isl-review-rev1-.*\.json"/);
  });

  it("still answers from the store while Redis is down, saying maxmemory is unknown", async () => {
    await server.stop();
    const started = Date.now();
    const res = await call("rev1");
    expect(res.status).toBe(200);
    const review = reviewSchema.parse(await res.json());
    expect(review.patterns.find((p) => p.name === "ident")?.keys).toBe(31);
    expect(review.capacity.maxBytes).toBeNull();
    expect(review.capacity.note).toMatch(/^Too little history|^Maxmemory is unknown/);
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it("rejects an unknown format with 400", async () => {
    const res = await call("rev1", "?format=xml");
    expect(res.status).toBe(400);
  });
});
