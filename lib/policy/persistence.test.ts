import { describe, expect, it } from "vitest";
import { parseInfo, parsePersistence } from "@/lib/redis/info";
import { persistenceAlerts } from "./alerts";
import type { PersistenceInfo } from "@/lib/server-facts";
import { judgePersistence, overdueRule, parseSaveSchedule } from "./persistence";

const NOW = Date.parse("2026-12-02T12:00:00Z");
const secondsAgo = (s: number) => NOW / 1000 - s;

const healthy: PersistenceInfo = {
  loading: false,
  rdbChangesSinceLastSave: 0,
  rdbBgsaveInProgress: false,
  rdbLastSaveTime: secondsAgo(120),
  rdbLastBgsaveStatus: "ok",
  rdbLastBgsaveTimeSec: 0,
  rdbCurrentBgsaveTimeSec: -1,
  aofEnabled: false,
  aofRewriteInProgress: false,
  aofLastBgrewriteStatus: "ok",
  aofLastWriteStatus: "ok",
};
const GUIDE = "900 1 300 10 60 10000";
const judge = (info: Partial<PersistenceInfo> | null, save: string | null = GUIDE) =>
  judgePersistence({ info: info === null ? null : { ...healthy, ...info }, save, now: NOW });

describe("parseSaveSchedule", () => {
  it("reads the guide's schedule as three rules", () => {
    expect(parseSaveSchedule("900 1 300 10 60 10000")).toEqual([
      { seconds: 900, changes: 1 },
      { seconds: 300, changes: 10 },
      { seconds: 60, changes: 10000 },
    ]);
  });
  it('reads "" (and blanks) as snapshots off', () => {
    expect(parseSaveSchedule("")).toEqual([]);
    expect(parseSaveSchedule("   ")).toEqual([]);
  });
  it("tolerates extra whitespace", () => {
    expect(parseSaveSchedule("  3600  1 ")).toEqual([{ seconds: 3600, changes: 1 }]);
  });
  it("refuses what is not pairs of positive integers", () => {
    expect(parseSaveSchedule("900")).toBeNull();
    expect(parseSaveSchedule("900 x")).toBeNull();
    expect(parseSaveSchedule("900 0")).toBeNull();
    expect(parseSaveSchedule("-1 1")).toBeNull();
    expect(parseSaveSchedule("1.5 1")).toBeNull();
  });
});

describe("overdueRule", () => {
  const rules = parseSaveSchedule(GUIDE) ?? [];
  it("is due only when a rule's change count is reached and its period plus slack has passed", () => {
    expect(overdueRule(rules, 1, 900 + 60, 60)).toBeNull();
    expect(overdueRule(rules, 1, 900 + 61, 60)).toEqual({ seconds: 900, changes: 1 });
    expect(overdueRule(rules, 0, 100_000, 60)).toBeNull();
    expect(overdueRule(rules, 10, 400, 60)).toEqual({ seconds: 300, changes: 10 });
    expect(overdueRule(rules, 20_000, 200, 60)).toEqual({ seconds: 60, changes: 10000 });
  });
});

describe("judgePersistence", () => {
  it("passes a server that saved recently with no changes pending", () => {
    const v = judge({});
    expect(v.status).toBe("ok");
    expect(v.problems).toEqual([]);
    expect(v.judged).toMatch(/last save 2 min ago, status ok/);
    expect(v.lastSaveAgeSeconds).toBe(120);
  });
  it("fails when the last background save failed", () => {
    const v = judge({ rdbLastBgsaveStatus: "err" });
    expect(v.status).toBe("fail");
    expect(v.problems[0]).toMatch(/rdb_last_bgsave_status:err/);
  });
  it("fails when changes are pending past the schedule's period plus slack", () => {
    const v = judge({ rdbChangesSinceLastSave: 5, rdbLastSaveTime: secondsAgo(3 * 3600) });
    expect(v.status).toBe("fail");
    expect(v.problems[0]).toMatch(/no successful save for 3\.0 h with 5 changes pending/);
  });
  it("does not fail an old save without changes (nothing to save)", () => {
    expect(judge({ rdbChangesSinceLastSave: 0, rdbLastSaveTime: secondsAgo(7 * 86_400) }).status).toBe("ok");
  });
  it("allows a running background save its time", () => {
    const running = {
      rdbChangesSinceLastSave: 1,
      rdbLastSaveTime: secondsAgo(1000),
      rdbBgsaveInProgress: true,
    };
    expect(judge({ ...running, rdbCurrentBgsaveTimeSec: 90 }).status).toBe("ok");
    expect(judge({ ...running, rdbCurrentBgsaveTimeSec: 10 }).status).toBe("fail");
  });
  it('with snapshots off (save "") no save is due, but a failed manual BGSAVE still fails', () => {
    const old = { rdbChangesSinceLastSave: 100, rdbLastSaveTime: secondsAgo(86_400) };
    expect(judge(old, "")).toMatchObject({ status: "ok" });
    expect(judge(old, "").judged).toMatch(/snapshots off/);
    expect(judge({ ...old, rdbLastBgsaveStatus: "err" }, "").status).toBe("fail");
  });
  it("judges only the statuses when the schedule is unknown or not understood", () => {
    const old = { rdbChangesSinceLastSave: 100, rdbLastSaveTime: secondsAgo(86_400) };
    expect(judge(old, null)).toMatchObject({ status: "ok" });
    expect(judge(old, null).judged).toMatch(/save schedule unknown/);
    expect(judge(old, "900").judged).toMatch(/not understood/);
  });
  it("fails AOF write or rewrite errors only when AOF is on", () => {
    expect(judge({ aofLastWriteStatus: "err" }).status).toBe("ok");
    expect(judge({ aofEnabled: true, aofLastWriteStatus: "err" }).problems[0]).toMatch(
      /aof_last_write_status:err/,
    );
    expect(judge({ aofEnabled: true, aofLastBgrewriteStatus: "err" }).problems[0]).toMatch(
      /aof_last_bgrewrite_status:err/,
    );
  });
  it("is unknown, never ok, when INFO persistence could not be read", () => {
    expect(judge(null)).toMatchObject({ status: "unknown", lastSaveAgeSeconds: null });
  });
});

describe("persistenceAlerts", () => {
  const point = (t: number, info: Partial<PersistenceInfo>, writesRefused = false) => ({
    t,
    info: { ...healthy, rdbLastSaveTime: t / 1000 - 60, ...info },
    save: GUIDE,
    ...(writesRefused ? { writesRefused } : {}),
  });

  it("fires at once from the first failing sample of the run, naming the node", () => {
    const [a] = persistenceAlerts("prod", [
      {
        node: { address: "10.0.0.1:6379", role: "master" },
        points: [
          point(NOW - 20_000, {}),
          point(NOW - 10_000, { rdbLastBgsaveStatus: "err" }),
          point(NOW, { rdbLastBgsaveStatus: "err" }),
        ],
      },
    ]);
    expect(a).toMatchObject({
      rule: "persistence",
      node: "10.0.0.1:6379",
      state: "firing",
      severity: "warning",
      forSeconds: 0,
      since: new Date(NOW - 10_000).toISOString(),
    });
    expect(a?.summary).toMatch(/^node 10\.0\.0\.1:6379 \(master\): the last background save failed/);
    expect(a?.runbook.check.map((s) => s.text).join(" ")).toMatch(/CONFIG GET dir/);
  });

  it("is critical when Redis refuses writes because of it (MISCONF)", () => {
    const [a] = persistenceAlerts("prod", [{ points: [point(NOW, { rdbLastBgsaveStatus: "err" }, true)] }]);
    expect(a).toMatchObject({ severity: "critical" });
    expect(a?.summary).toMatch(/^Redis refuses writes \(MISCONF/);
  });

  it("clears once a save succeeds, and says nothing when INFO persistence was unread", () => {
    expect(
      persistenceAlerts("prod", [
        { points: [point(NOW - 10_000, { rdbLastBgsaveStatus: "err" }), point(NOW, {})] },
      ]),
    ).toEqual([]);
    expect(persistenceAlerts("prod", [{ points: [{ t: NOW, info: null, save: GUIDE }] }])).toEqual([]);
  });
});

describe("parsePersistence", () => {
  it("reads INFO persistence, and gives null where the section or its RDB fields are missing", () => {
    const text = [
      "# Persistence",
      "loading:0",
      "rdb_changes_since_last_save:7",
      "rdb_bgsave_in_progress:0",
      "rdb_last_save_time:1796211390",
      "rdb_last_bgsave_status:err",
      "rdb_last_bgsave_time_sec:-1",
      "rdb_current_bgsave_time_sec:-1",
      "aof_enabled:1",
      "aof_rewrite_in_progress:0",
      "aof_last_bgrewrite_status:ok",
      "aof_last_write_status:err",
    ].join("\r\n");
    expect(parsePersistence(parseInfo(text))).toEqual({
      loading: false,
      rdbChangesSinceLastSave: 7,
      rdbBgsaveInProgress: false,
      rdbLastSaveTime: 1796211390,
      rdbLastBgsaveStatus: "err",
      rdbLastBgsaveTimeSec: -1,
      rdbCurrentBgsaveTimeSec: -1,
      aofEnabled: true,
      aofRewriteInProgress: false,
      aofLastBgrewriteStatus: "ok",
      aofLastWriteStatus: "err",
    });
    expect(parsePersistence(parseInfo("# Server\r\nredis_version:7.0.15"))).toBeNull();
    expect(parsePersistence(parseInfo("# Persistence\r\nloading:0"))).toBeNull();
  });
});
