import { describe, expect, it } from "vitest";
import { compilePolicy } from "@/lib/policy/classify";
import { defaultPolicy } from "@/lib/policy/default-policy";
import { policySchema } from "@/lib/policy/types";
import { scanResultSchema } from "@/lib/schemas/scans";
import { ScanAggregator } from "./aggregate";
import { ACCESS_TOLERANCE_SECONDS, EffectivenessCounter, judgeAccess, LFU_INIT_VAL } from "./effectiveness";

const STD = 7200;

describe("judgeAccess (idle time)", () => {
  it("a key idle for as long as it lived was never read", () => {
    // Written 100 s ago with the standard TTL, idle 100 s (within the 1 s clocks).
    expect(judgeAccess("string", STD - 100, STD, 100, "idle")).toEqual({
      judged: true,
      read: false,
      bucket: null,
    });
    expect(judgeAccess("string", STD - 100, STD, 99, "idle")).toMatchObject({ read: false });
    expect(judgeAccess("string", STD - 100, STD, 101, "idle")).toMatchObject({ read: false });
  });

  it("idle well under the age means read since written, bucketed by when", () => {
    // Age 3600 s, idle 0: last read at 50 % of the TTL.
    expect(judgeAccess("string", STD - 3600, STD, 0, "idle")).toEqual({
      judged: true,
      read: true,
      bucket: 5,
    });
    // Age 7150 s, read 10 s ago: 99 % of the TTL, the last bucket.
    expect(judgeAccess("string", 50, STD, 10, "idle")).toEqual({ judged: true, read: true, bucket: 9 });
    // Read exactly the tolerance after the write.
    expect(judgeAccess("string", STD - 10, STD, 10 - ACCESS_TOLERANCE_SECONDS, "idle")).toMatchObject({
      read: true,
      bucket: 0,
    });
  });

  it("does not judge what the figures cannot tell", () => {
    expect(judgeAccess("hash", STD - 100, STD, 0, "idle")).toEqual({ judged: false, why: "notString" });
    expect(judgeAccess("string", -1, STD, 0, "idle")).toEqual({ judged: false, why: "ttlOutside" });
    expect(judgeAccess("string", STD + 1, STD, 0, "idle")).toEqual({ judged: false, why: "ttlOutside" });
    expect(judgeAccess("string", STD - 1, STD, 0, "idle")).toEqual({ judged: false, why: "tooYoung" });
    expect(judgeAccess("string", STD - 100, STD, null, "idle")).toEqual({ judged: false, why: "unknown" });
    expect(judgeAccess("string", STD - 100, STD, 5, "none")).toEqual({ judged: false, why: "unknown" });
    // Idle 1000 s but only 100 s old: the TTL was set after the write.
    expect(judgeAccess("string", STD - 100, STD, 1000, "idle")).toEqual({
      judged: false,
      why: "inconsistent",
    });
  });
});

describe("judgeAccess (LFU counter)", () => {
  it("a counter above its initial value means read; no time of the read", () => {
    expect(judgeAccess("string", STD - 100, STD, LFU_INIT_VAL + 1, "freq")).toEqual({
      judged: true,
      read: true,
      bucket: null,
    });
    expect(judgeAccess("string", STD - 100, STD, LFU_INIT_VAL, "freq")).toEqual({
      judged: true,
      read: false,
      bucket: null,
    });
    expect(judgeAccess("string", STD - 100, STD, 0, "freq")).toMatchObject({ read: false });
  });
});

describe("EffectivenessCounter", () => {
  it("gives shares and a histogram of the read keys", () => {
    const c = new EffectivenessCounter();
    for (let i = 0; i < 3; i++) c.add("string", STD - 3600, STD, 0, "idle");
    c.add("string", STD - 100, STD, 100, "idle");
    c.add("hash", STD - 100, STD, 0, "idle");
    const r = c.result();
    expect(r).toMatchObject({
      mode: "idle",
      judged: 4,
      read: 3,
      neverRead: 1,
      readShare: 0.75,
      neverReadShare: 0.25,
    });
    expect(r.lastReadHistogram?.[5]).toEqual({ from: 0.5, to: 0.6, count: 3 });
    expect(r.notJudged.notString).toBe(1);
    expect(r.reason).toBeUndefined();
  });

  it("shows nothing, with a reason, when no key could be judged", () => {
    const c = new EffectivenessCounter();
    c.add("string", STD - 100, STD, null, "idle");
    const r = c.result();
    expect(r).toMatchObject({
      mode: null,
      judged: 0,
      readShare: null,
      neverReadShare: null,
      lastReadHistogram: null,
    });
    expect(r.reason).toMatch(/was not read/);
  });

  it("under LFU has no time of last read and says why", () => {
    const c = new EffectivenessCounter();
    c.add("string", STD - 100, STD, 9, "freq");
    c.add("string", STD - 100, STD, 2, "freq");
    const r = c.result();
    expect(r).toMatchObject({ mode: "freq", judged: 2, read: 1, lastReadHistogram: null });
    expect(r.reason).toMatch(/LFU/);
  });

  it("merges nodes by adding; nodes of both kinds are mixed, without a histogram", () => {
    const a = new EffectivenessCounter();
    const b = new EffectivenessCounter();
    a.add("string", STD - 3600, STD, 0, "idle");
    b.add("string", STD - 3600, STD, 0, "idle");
    b.add("string", STD - 100, STD, 100, "idle");
    a.merge(b);
    expect(a.result()).toMatchObject({ mode: "idle", judged: 3, read: 2 });
    expect(a.result().lastReadHistogram?.[5]?.count).toBe(2);
    const f = new EffectivenessCounter();
    f.add("string", STD - 100, STD, 7, "freq");
    a.merge(f);
    expect(a.result()).toMatchObject({ mode: "mixed", judged: 4, read: 3, lastReadHistogram: null });
  });
});

describe("ScanAggregator with access figures", () => {
  const compiled = compilePolicy(policySchema.parse(defaultPolicy));
  const hex = (i: number) => i.toString(16).padStart(16, "0");

  it("judges each pattern's keys with its own standard TTL and merges across nodes", () => {
    const one = new ScanAggregator(compiled);
    const two = new ScanAggregator(compiled);
    // result: standard 2 h; beliefs: 24 h.
    one.add(Buffer.from(`isl:result:${hex(1)}`), "string", 7200 - 600, 100, 0, 0, "idle");
    two.add(Buffer.from(`isl:result:${hex(2)}`), "string", 7200 - 600, 100, 0, 600, "idle");
    two.add(Buffer.from(`isl:beliefs:${hex(3)}`), "string", 86400 - 600, 100, 0, 600, "idle");
    one.merge(two);
    const r = one.result(1);
    expect(scanResultSchema.parse(r)).toBeTruthy();
    const byName = Object.fromEntries(r.patterns.map((p) => [p.name, p.effectiveness]));
    expect(byName.result).toMatchObject({ judged: 2, read: 1, neverRead: 1 });
    expect(byName.beliefs).toMatchObject({ judged: 1, read: 0, neverRead: 1 });
  });

  it("counts keys whose figure was wanted but not read for the access problem", () => {
    const agg = new ScanAggregator(compiled);
    agg.add(Buffer.from(`isl:result:${hex(1)}`), "string", 100, 100, 0, null, "idle");
    agg.problem({ kind: "permission", command: "object|idletime", message: "no" }, "access");
    const r = agg.result(1);
    expect(r.problems).toEqual([expect.objectContaining({ affects: "access", keys: 1 })]);
  });

  it("an old stored scan without the figures still parses", () => {
    const r = new ScanAggregator(compiled).result(1);
    const old = { ...r, patterns: r.patterns.map(({ effectiveness: _e, ...p }) => p) };
    expect(scanResultSchema.parse(old).patterns[0]?.effectiveness).toBeUndefined();
  });
});
