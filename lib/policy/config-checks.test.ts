import { describe, expect, it } from "vitest";
import { checkConfig, combineNodeChecks, recommendedSettings, type ConfigCheckId } from "./config-checks";
import { versionAtLeast, type ConfigFacts } from "@/lib/server-facts";

const GB = 1024 ** 3;

const compliant: ConfigFacts = {
  maxmemory: 2 * GB,
  maxmemoryPolicy: "volatile-lru",
  save: "900 1 300 10 60 10000",
  maxclients: 10000,
  connectedClients: 12,
  tls: true,
  auth: "required",
  authSource: "requirepass",
  version: "7.0.15",
  configDisabled: false,
  notifyKeyspaceEvents: "Eg$lshz",
  latencyTracking: "yes",
  latencyPercentiles: "50 95 99 99.9",
  persistence: {
    loading: false,
    rdbChangesSinceLastSave: 3,
    rdbBgsaveInProgress: false,
    rdbLastSaveTime: Date.parse("2026-12-02T11:55:00Z") / 1000,
    rdbLastBgsaveStatus: "ok",
    rdbLastBgsaveTimeSec: 0,
    rdbCurrentBgsaveTimeSec: -1,
    aofEnabled: false,
    aofRewriteInProgress: false,
    aofLastBgrewriteStatus: "ok",
    aofLastWriteStatus: "ok",
  },
  readAt: Date.parse("2026-12-02T12:00:00Z"),
};

function status(facts: Partial<ConfigFacts>, env: "development" | "staging" | "production" = "staging") {
  const checks = checkConfig({ ...compliant, ...facts }, env);
  return Object.fromEntries(checks.map((c) => [c.id, c.status])) as Record<ConfigCheckId, string>;
}

function check(
  id: ConfigCheckId,
  facts: Partial<ConfigFacts>,
  env: "development" | "staging" | "production" = "staging",
) {
  const found = checkConfig({ ...compliant, ...facts }, env).find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id}`);
  return found;
}

describe("checkConfig", () => {
  it("passes every check of a staging instance provisioned by the guide", () => {
    expect(status({})).toEqual({
      maxmemory: "pass",
      "maxmemory-policy": "pass",
      save: "pass",
      maxclients: "pass",
      tls: "pass",
      auth: "pass",
      version: "pass",
      "notify-keyspace-events": "pass",
      "latency-tracking": "pass",
      persistence: "pass",
    });
  });

  it("returns the checks in the guide's order with their ids", () => {
    expect(checkConfig(compliant, "staging").map((c) => c.id)).toEqual([
      "maxmemory",
      "maxmemory-policy",
      "save",
      "maxclients",
      "tls",
      "auth",
      "version",
      "notify-keyspace-events",
      "latency-tracking",
      "persistence",
    ]);
  });

  it("wants 2 GB in staging, 4 GB in production and any limit in development", () => {
    expect(check("maxmemory", { maxmemory: 2 * GB }, "staging").status).toBe("pass");
    expect(check("maxmemory", { maxmemory: 2 * GB }, "production").status).toBe("fail");
    expect(check("maxmemory", { maxmemory: 4 * GB }, "production").status).toBe("pass");
    expect(check("maxmemory", { maxmemory: 20 * 1024 ** 2 }, "development").status).toBe("pass");
    expect(check("maxmemory", { maxmemory: 0 }, "development")).toMatchObject({
      status: "fail",
      actual: "0 (no limit)",
    });
  });

  it("gives the guide's exact CONFIG SET lines as fixes", () => {
    expect(check("maxmemory", {}, "staging").fix).toBe("redis-cli CONFIG SET maxmemory 2gb");
    expect(check("maxmemory", {}, "production").fix).toBe("redis-cli CONFIG SET maxmemory 4gb");
    expect(check("maxmemory-policy", {}).fix).toBe("redis-cli CONFIG SET maxmemory-policy volatile-lru");
    expect(check("save", {}).fix).toBe('redis-cli CONFIG SET save "900 1 300 10 60 10000"');
    expect(check("tls", {}).fix).toBeNull();
  });

  it("fails a policy other than volatile-lru, and the default noeviction", () => {
    expect(check("maxmemory-policy", { maxmemoryPolicy: "noeviction" })).toMatchObject({
      status: "fail",
      actual: "noeviction",
      expected: "volatile-lru",
    });
    expect(check("maxmemory-policy", { maxmemoryPolicy: "allkeys-lru" }).status).toBe("fail");
  });

  it("compares save ignoring spacing; snapshots off is a failure", () => {
    expect(check("save", { save: "900 1  300 10 60 10000 " }).status).toBe("pass");
    expect(check("save", { save: "3600 1 300 100 60 10000" }).status).toBe("fail");
    expect(check("save", { save: "" })).toMatchObject({ status: "fail", actual: '"" (snapshots off)' });
  });

  it("marks unreadable settings unknown, saying CONFIG is disabled", () => {
    const checks = checkConfig(
      {
        ...compliant,
        save: null,
        maxclients: null,
        maxmemory: null,
        maxmemoryPolicy: null,
        configDisabled: true,
        notifyKeyspaceEvents: null,
      },
      "staging",
    );
    const save = checks.find((c) => c.id === "save");
    expect(save).toMatchObject({ status: "unknown", actual: "unknown" });
    expect(save?.advice).toMatch(/CONFIG is disabled/);
    expect(checks.filter((c) => c.status === "unknown").map((c) => c.id)).toEqual([
      "maxmemory",
      "maxmemory-policy",
      "save",
      "maxclients",
      "notify-keyspace-events",
    ]);
  });

  it("fails a client limit under 100 or over 90 % in use", () => {
    expect(check("maxclients", { maxclients: 50 }).status).toBe("fail");
    expect(check("maxclients", { maxclients: 100, connectedClients: 95 }).status).toBe("fail");
    expect(check("maxclients", { maxclients: 100, connectedClients: 90 }).status).toBe("pass");
    expect(check("maxclients", { maxclients: 100, connectedClients: null }).status).toBe("pass");
  });

  it("requires TLS and authentication in staging and production, not in development", () => {
    expect(status({ tls: false, auth: "open" }, "production")).toMatchObject({ tls: "fail", auth: "fail" });
    expect(status({ tls: false, auth: "open" }, "staging")).toMatchObject({ tls: "fail", auth: "fail" });
    expect(status({ tls: false, auth: "open" }, "development")).toMatchObject({ tls: "pass", auth: "pass" });
    expect(check("auth", { auth: null }, "production").status).toBe("unknown");
    expect(check("auth", { auth: "required", authSource: "acl" }, "production").actual).toMatch(/ACL/);
  });

  it("wants Redis 6.0 or later", () => {
    expect(check("version", { version: "5.0.14" }).status).toBe("fail");
    expect(check("version", { version: "6.0.0" }).status).toBe("pass");
    expect(check("version", { version: null }).status).toBe("unknown");
    expect(versionAtLeast("7.2.4", "6.0.0")).toBe(true);
    expect(versionAtLeast("6", "6.0.0")).toBe(true);
    expect(versionAtLeast("10.0.0", "6.0.0")).toBe(true);
  });
});

describe("recommendedSettings", () => {
  it("lists the CONFIG SET arguments of the failing settable checks only", () => {
    const checks = checkConfig(
      { ...compliant, maxmemory: 0, maxmemoryPolicy: "noeviction", save: "", tls: false },
      "production",
    );
    expect(recommendedSettings(checks, "production")).toEqual([
      ["maxmemory", "4gb"],
      ["maxmemory-policy", "volatile-lru"],
      ["save", "900 1 300 10 60 10000"],
    ]);
    expect(recommendedSettings(checkConfig(compliant, "staging"), "staging")).toEqual([]);
  });
});

describe("combineNodeChecks", () => {
  const node = (address: string, facts: Partial<ConfigFacts>, role: "master" | "replica" = "master") => ({
    address,
    role,
    checks: checkConfig({ ...compliant, ...facts }, "staging"),
  });
  const byId = (checks: ReturnType<typeof combineNodeChecks>, id: ConfigCheckId) => {
    const found = checks.find((c) => c.id === id);
    if (!found) throw new Error(`no check ${id}`);
    return found;
  };

  it("is the node's own checklist for one server, with its verdict listed once", () => {
    const [single] = [node("10.0.0.1:6379", { maxmemoryPolicy: "noeviction" })];
    const combined = combineNodeChecks([single as NonNullable<typeof single>]);
    expect(combined.map(({ nodes: _n, ...c }) => c)).toEqual(
      checkConfig({ ...compliant, maxmemoryPolicy: "noeviction" }, "staging"),
    );
    expect(byId(combined, "maxmemory-policy").nodes).toEqual([
      { address: "10.0.0.1:6379", role: "master", status: "fail", actual: "noeviction" },
    ]);
  });

  it("fails a check that fails on one node of several, and names that node", () => {
    const combined = combineNodeChecks([
      node("a:1", {}),
      node("b:2", { maxmemoryPolicy: "allkeys-lru" }),
      node("c:3", {}, "replica"),
    ]);
    const policy = byId(combined, "maxmemory-policy");
    expect(policy.status).toBe("fail");
    expect(policy.actual).toBe("allkeys-lru on b:2; volatile-lru on 2 other nodes");
    expect(policy.nodes?.map((n) => n.status)).toEqual(["pass", "fail", "pass"]);
    expect(byId(combined, "save")).toMatchObject({
      status: "pass",
      actual: '"900 1 300 10 60 10000" (all 3 nodes)',
    });
  });

  it("never counts a node whose CONFIG is refused, or that could not be read, as compliant", () => {
    const combined = combineNodeChecks([
      node("a:1", {}),
      node("b:2", { save: null, configDisabled: true, configRefusal: "permission" }),
      { address: "c:3", role: "replica", checks: null, error: "connection refused" },
    ]);
    const save = byId(combined, "save");
    expect(save.status).toBe("unknown");
    expect(save.actual).toBe('unknown on b:2, c:3; "900 1 300 10 60 10000" on 1 other node');
    expect(save.advice).toContain(
      "b:2: the console's Redis user may not run CONFIG GET (ACL rule +config|get)",
    );
    expect(save.advice).toContain("node c:3 could not be read: connection refused");
    expect(save.nodes?.map((n) => n.status)).toEqual(["pass", "unknown", "unknown"]);
    // A failure elsewhere still wins over an unknown.
    const failing = combineNodeChecks([
      node("a:1", { save: "" }),
      { address: "c:3", role: "master", checks: null },
    ]);
    expect(byId(failing, "save").status).toBe("fail");
  });

  it("says CONFIG is disabled in the guide's words when every node refuses it", () => {
    const combined = combineNodeChecks([
      node("a:1", { save: null, configDisabled: true }),
      node("b:2", { save: null, configDisabled: true }),
    ]);
    expect(byId(combined, "save")).toMatchObject({
      status: "unknown",
      actual: "unknown (all 2 nodes)",
      advice: expect.stringMatching(/^CONFIG is disabled on this instance/),
    });
  });
});

describe("notify-keyspace-events (the live TTL watch)", () => {
  it("fails when off or missing a class, recommending the current flags plus the missing ones", () => {
    const off = check("notify-keyspace-events", { notifyKeyspaceEvents: "" });
    expect(off).toMatchObject({
      status: "fail",
      actual: '"" (off)',
      setting: ["notify-keyspace-events", "Eg$lhsz"],
    });
    const partial = check("notify-keyspace-events", { notifyKeyspaceEvents: "Kx" });
    expect(partial.setting).toEqual(["notify-keyspace-events", "Eg$lhszKx"]);
    expect(partial.advice).toMatch(/Missing E g \$ l h s z/);
  });

  it("passes with A (all classes) and E; unknown, never compliant, when CONFIG is refused", () => {
    expect(check("notify-keyspace-events", { notifyKeyspaceEvents: "AKE" }).status).toBe("pass");
    expect(check("notify-keyspace-events", { notifyKeyspaceEvents: "AK" }).status).toBe("fail");
    const refused = check("notify-keyspace-events", { notifyKeyspaceEvents: null, configDisabled: true });
    expect(refused.status).toBe("unknown");
    expect(refused.advice).toMatch(/live TTL watch is off/);
  });

  it("recommends a per-node value through recommendedSettings", () => {
    const checks = checkConfig({ ...compliant, notifyKeyspaceEvents: "Ex" }, "staging");
    expect(recommendedSettings(checks, "staging")).toEqual([["notify-keyspace-events", "Exg$lhsz"]]);
  });
});
