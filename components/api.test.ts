import { QueryClient, type QueryKey } from "@tanstack/react-query";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { ApiClientError } from "@/lib/http/fetch-json";
import { apiUrl, deleteJson, postJson, queryKeys } from "./api";

// ("." and ".." cannot be path segments at all: the URL parser resolves them, encoded or not; no id
// the console makes or accepts is one.)
const ODD_IDS = ["a b", "a/b", "ünïcödé-☃", "100%", "a?b#c", "%2F"];

/** The URL's path segments, decoded; an id that leaked a "/" or a "?" would show up as extra ones. */
function segments(url: string): string[] {
  return new URL(url, "http://console.test").pathname.split("/").slice(1).map(decodeURIComponent);
}

function params(url: string): Record<string, string> {
  return Object.fromEntries(new URL(url, "http://console.test").searchParams);
}

describe("API URLs", () => {
  it.each(ODD_IDS)("an instance id like %j stays one path segment", (id) => {
    expect(segments(apiUrl.instance(id).overview())).toEqual(["api", "instances", id, "overview"]);
    expect(segments(apiUrl.instance(id).resetSlowlog())).toEqual([
      "api",
      "instances",
      id,
      "slowlog",
      "reset",
    ]);
    expect(segments(apiUrl.instance(id).latestScan("any"))).toEqual([
      "api",
      "instances",
      id,
      "scans",
      "latest",
    ]);
  });

  it.each(ODD_IDS)("a scan, job or key id like %j stays one path segment", (id) => {
    expect(segments(apiUrl.scan(id))).toEqual(["api", "scans", id]);
    expect(segments(apiUrl.scanKeys(id, { list: "noTtl" }))).toEqual(["api", "scans", id, "keys"]);
    expect(segments(apiUrl.actionJob(id))).toEqual(["api", "actions", id]);
    expect(segments(apiUrl.instance("demo").key(id))).toEqual(["api", "instances", "demo", "keys", id]);
  });

  it("percent-encodes the characters a path segment cannot hold", () => {
    expect(apiUrl.instance("a b/c%").overview()).toBe("/api/instances/a%20b%2Fc%25/overview");
    expect(apiUrl.actionJob("é")).toBe("/api/actions/%C3%A9");
    // A base64url key name is already URL-safe: it goes through unchanged.
    expect(apiUrl.instance("demo").key("aXNsOnJlc3VsdDox-_")).toBe(
      "/api/instances/demo/keys/aXNsOnJlc3VsdDox-_",
    );
  });

  it("encodes query values and leaves out the empty ones", () => {
    const url = apiUrl
      .instance("demo")
      .keys({ match: "isl:* &x=1%", type: "", cursor: "0", count: undefined });
    expect(params(url)).toEqual({ match: "isl:* &x=1%", cursor: "0" });
    expect(apiUrl.instance("demo").keys({})).toBe("/api/instances/demo/keys");
    expect(
      params(apiUrl.scanKeys("s1", { list: "aboveStandard", pattern: "", q: "ü/?", offset: 0, limit: 50 })),
    ).toEqual({ list: "aboveStandard", q: "ü/?", offset: "0", limit: "50" });
  });

  it("asks for a scan without its key lists, and the newest finished one only when told", () => {
    expect(params(apiUrl.scan("s1"))).toEqual({ lists: "0" });
    expect(params(apiUrl.instance("demo").latestScan())).toEqual({ lists: "0" });
    expect(params(apiUrl.instance("demo").latestScan("any"))).toEqual({ lists: "0", status: "any" });
  });

  it("builds the flags and options of the feature routes", () => {
    const demo = apiUrl.instance("demo");
    expect(demo.capabilities()).toBe("/api/instances/demo/capabilities");
    expect(params(demo.capabilities({ refresh: true }))).toEqual({ refresh: "1" });
    expect(demo.slowlog()).toBe("/api/instances/demo/slowlog");
    expect(params(demo.slowlog({ reveal: true }))).toEqual({ reveal: "1" });
    expect(params(demo.latency(15))).toEqual({ minutes: "15" });
    expect(params(demo.metrics({ range: "24h" }))).toEqual({ range: "24h" });
    expect(params(demo.watchFindings("noTtl"))).toEqual({ class: "noTtl", limit: "200" });
    expect(demo.review()).toBe("/api/instances/demo/review");
    expect(params(demo.review({ format: "csv", download: true }))).toEqual({ format: "csv", download: "1" });
    expect(params(demo.scans({ limit: 1 }))).toEqual({ limit: "1" });
    expect(params(demo.key("a2V5", { from: "", limit: 0 }))).toEqual({});
    expect(params(demo.key("a2V5", { from: "12", limit: 100 }))).toEqual({ from: "12", limit: "100" });
  });

  it("sends the audit filters that are set, with the paging and format options", () => {
    const url = apiUrl.audit({
      instance: "a b",
      actor: "",
      action: "fix-ttl",
      limit: 100,
      before: undefined,
    });
    expect(url.startsWith("/api/audit?")).toBe(true);
    expect(params(url)).toEqual({ instance: "a b", action: "fix-ttl", limit: "100" });
    expect(params(apiUrl.audit({ outcome: "denied", format: "csv", limit: 1000 }))).toEqual({
      outcome: "denied",
      format: "csv",
      limit: "1000",
    });
  });
});

describe("query keys", () => {
  const a = queryKeys.instance("a");
  const b = queryKeys.instance("a b");
  /** One key of every feature of an instance. */
  const featureKeys = (k: typeof a): QueryKey[] => [
    k.overview(),
    k.metrics({ range: "1h" }),
    k.review(),
    k.flushPreview(),
    k.actionJob("j1"),
    k.ops.capabilities(),
    k.ops.clients(),
    k.ops.config(),
    k.ops.latency(15),
    k.ops.slowlog(),
    k.watch.status(),
    k.watch.findings("noTtl"),
    k.keys.list({ match: "*" }),
    k.keys.detail("a2V5", {}),
    k.scans.latest("done"),
    k.scans.latest("any"),
    k.scans.running(),
    k.scans.job("s1"),
    k.scans.nodes("s1"),
    k.scans.list("s1", { list: "noTtl" }),
  ];
  const everyKey: QueryKey[] = [
    ...featureKeys(a),
    ...featureKeys(b),
    queryKeys.me(),
    queryKeys.instances(),
    queryKeys.audit.list({ instance: "a" }),
  ];

  /** The keys an invalidation with `prefix` marks stale, as react-query matches them. */
  function invalidated(prefix: QueryKey): QueryKey[] {
    const client = new QueryClient();
    for (const key of everyKey) client.setQueryData(key, 1);
    void client.invalidateQueries({ queryKey: prefix });
    return everyKey.filter((key) => client.getQueryState(key)?.isInvalidated);
  }

  it("gives every query its own key", () => {
    expect(new Set(everyKey.map((k) => JSON.stringify(k))).size).toBe(everyKey.length);
  });

  it("an instance's key prefixes every key of that instance and of no other", () => {
    expect(invalidated(a.all())).toEqual(featureKeys(a));
    expect(invalidated(b.all())).toEqual(featureKeys(b));
  });

  it("a feature's key prefixes its own keys only", () => {
    expect(invalidated(a.ops.all())).toEqual([
      a.ops.capabilities(),
      a.ops.clients(),
      a.ops.config(),
      a.ops.latency(15),
      a.ops.slowlog(),
    ]);
    expect(invalidated(a.watch.all())).toEqual([a.watch.status(), a.watch.findings("noTtl")]);
    // What an action may have changed: key pages and key details, not the scan's lists.
    expect(invalidated(a.keys.all())).toEqual([a.keys.list({ match: "*" }), a.keys.detail("a2V5", {})]);
    expect(invalidated(a.scans.all())).toEqual([
      a.scans.latest("done"),
      a.scans.latest("any"),
      a.scans.running(),
      a.scans.job("s1"),
      a.scans.nodes("s1"),
      a.scans.list("s1", { list: "noTtl" }),
    ]);
  });

  it("the latest-scan prefix reaches both latest-scan queries, the lists prefix every list page", () => {
    expect(invalidated(a.scans.latest())).toEqual([a.scans.latest("done"), a.scans.latest("any")]);
    expect(invalidated(a.scans.lists())).toEqual([a.scans.list("s1", { list: "noTtl" })]);
  });

  it("the audit prefix reaches every audit page and nothing of an instance", () => {
    expect(invalidated(queryKeys.audit.all())).toEqual([queryKeys.audit.list({ instance: "a" })]);
  });

  it("the instance list and the caller are not prefixes of an instance's keys", () => {
    expect(invalidated(queryKeys.instances())).toEqual([queryKeys.instances()]);
    expect(invalidated(queryKeys.me())).toEqual([queryKeys.me()]);
  });
});

describe("JSON mutations", () => {
  const okSchema = z.object({ ok: z.literal(true) });

  afterEach(() => {
    vi.unstubAllGlobals();
  });

  function answer(status: number, body: unknown) {
    const fetchMock = vi.fn(async (_url: string, _init?: RequestInit) => Response.json(body, { status }));
    vi.stubGlobal("fetch", fetchMock);
    return fetchMock;
  }

  it("POSTs the body as JSON and answers the validated reply", async () => {
    const fetchMock = answer(200, { ok: true });
    const signal = new AbortController().signal;
    await expect(postJson("/api/x", { reason: "ä" }, okSchema, { signal })).resolves.toEqual({ ok: true });
    const [url, init] = fetchMock.mock.calls[0] ?? [];
    expect(url).toBe("/api/x");
    expect(init?.method).toBe("POST");
    expect(init?.body).toBe('{"reason":"ä"}');
    expect(init?.signal).toBe(signal);
    expect(new Headers(init?.headers).get("content-type")).toBe("application/json");
    expect(new Headers(init?.headers).get("accept")).toBe("application/json");
  });

  it("turns an error answer into an ApiClientError with its status, code and message", async () => {
    answer(401, { error: { code: "unauthenticated", message: "sign in" } });
    const err = await postJson("/api/x", {}, okSchema).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiClientError);
    expect(err).toMatchObject({ status: 401, code: "unauthenticated", message: "sign in" });
  });

  it("refuses a reply that does not match the schema", async () => {
    answer(200, { ok: "yes" });
    await expect(postJson("/api/x", {}, okSchema)).rejects.toBeInstanceOf(z.ZodError);
  });

  it("sends nothing once requests are stopped (signing out); the request already sent still answers", async () => {
    vi.resetModules();
    const api = await import("./api");
    const fetchMock = answer(200, { ok: true });
    const signOut = api.postJson("/api/auth/logout", {}, okSchema);
    api.stopRequests();
    await expect(signOut).resolves.toEqual({ ok: true });
    let settled = false;
    void api.postJson("/api/x", {}, okSchema).finally(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it("DELETEs without a body", async () => {
    const fetchMock = answer(200, { ok: true });
    await expect(deleteJson("/api/actions/j1", okSchema)).resolves.toEqual({ ok: true });
    const [, init] = fetchMock.mock.calls[0] ?? [];
    expect(init?.method).toBe("DELETE");
    expect(init?.body).toBeUndefined();
  });
});
