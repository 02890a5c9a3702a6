// The `latency-tracking` and `persistence` config checks (lib/policy/config-checks.ts).
import { describe, expect, it } from "vitest";
import { checkConfig, recommendedSettings, withP95 } from "@/lib/policy/config-checks";
import type { ConfigFacts } from "@/lib/server-facts";

const NOW = Date.parse("2026-12-02T12:00:00Z");
const facts: ConfigFacts = {
  maxmemory: 2 * 1024 ** 3,
  maxmemoryPolicy: "volatile-lru",
  save: "900 1 300 10 60 10000",
  maxclients: 10000,
  connectedClients: 12,
  tls: true,
  auth: "required",
  version: "7.0.15",
  configDisabled: false,
  latencyTracking: "yes",
  latencyPercentiles: "50 99 99.9",
  persistence: {
    loading: false,
    rdbChangesSinceLastSave: 0,
    rdbBgsaveInProgress: false,
    rdbLastSaveTime: NOW / 1000 - 60,
    rdbLastBgsaveStatus: "ok",
    rdbLastBgsaveTimeSec: 0,
    rdbCurrentBgsaveTimeSec: -1,
    aofEnabled: false,
    aofRewriteInProgress: false,
    aofLastBgrewriteStatus: "ok",
    aofLastWriteStatus: "ok",
  },
  readAt: NOW,
};
const check = (id: string, over: Partial<ConfigFacts> = {}) => {
  const found = checkConfig({ ...facts, ...over }, "staging").find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id}`);
  return found;
};

describe("latency-tracking check", () => {
  it("fails Redis's default percentiles (no p95) and recommends them with 95 added, kept otherwise", () => {
    const c = check("latency-tracking");
    expect(c).toMatchObject({
      status: "fail",
      setting: ["latency-tracking-info-percentiles", "50 95 99 99.9"],
      fix: 'redis-cli CONFIG SET latency-tracking-info-percentiles "50 95 99 99.9"',
    });
    expect(withP95("99 50")).toBe("50 95 99");
    expect(recommendedSettings([c], "staging")).toEqual([
      ["latency-tracking-info-percentiles", "50 95 99 99.9"],
    ]);
  });
  it("passes percentiles that include 95", () => {
    expect(check("latency-tracking", { latencyPercentiles: "50 95 99 99.9" }).status).toBe("pass");
    expect(check("latency-tracking", { latencyPercentiles: "95" }).status).toBe("pass");
  });
  it("fails tracking off first", () => {
    expect(check("latency-tracking", { latencyTracking: "no" })).toMatchObject({
      status: "fail",
      setting: ["latency-tracking", "yes"],
    });
  });
  it("is unknown when CONFIG is refused, and passes servers before 7.0 (averages instead)", () => {
    expect(check("latency-tracking", { latencyTracking: null, configDisabled: true }).status).toBe("unknown");
    expect(check("latency-tracking", { version: "6.2.14", latencyTracking: null })).toMatchObject({
      status: "pass",
      actual: "Redis 6.2.14: no latency tracking before 7.0",
    });
  });
});

describe("persistence check", () => {
  it("passes a recent successful save and says what it judged", () => {
    const c = check("persistence");
    expect(c.status).toBe("pass");
    expect(c.actual).toBe('last save status ok, none overdue; save "900 1 300 10 60 10000"; AOF off');
    expect(recommendedSettings([c], "staging")).toEqual([]);
  });
  it("fails a failed bgsave with the advice to check dir and the log", () => {
    const base = facts.persistence;
    if (!base) throw new Error("fixture without persistence");
    const c = check("persistence", { persistence: { ...base, rdbLastBgsaveStatus: "err" } });
    expect(c.status).toBe("fail");
    expect(c.advice).toMatch(/rdb_last_bgsave_status:err.*CONFIG GET dir/);
  });
  it("is unknown (never pass) when INFO persistence was not read", () => {
    expect(check("persistence", { persistence: null }).status).toBe("unknown");
    expect(check("persistence", { persistence: undefined }).status).toBe("unknown");
  });
});
