import { describe, expect, it } from "vitest";
import { reviewSchema } from "@/lib/schemas/review";
import { biggest, entry, histogram, pattern, result, scan } from "@/tests/helpers/review-fixture";
import {
  DEFAULT_REVIEW_OPTIONS,
  baselineTarget,
  buildReview,
  isDoneScan,
  judgeBaseline,
  keysStatus,
  labelTtlHistogram,
  sizeFlag,
} from "./build";

const NOW = Date.parse("2026-11-29T12:00:00Z");
const instance = { id: "demo", name: "Demo", environment: "development" as const };
const noMemory = { points: [], maxBytes: null };

describe("keysStatus", () => {
  const expected = { min: 50, max: 100 };
  it("is below under the minimum, within on both bounds, above over the maximum", () => {
    expect(keysStatus(0, expected)).toBe("below");
    expect(keysStatus(49, expected)).toBe("below");
    expect(keysStatus(50, expected)).toBe("within");
    expect(keysStatus(100, expected)).toBe("within");
    expect(keysStatus(101, expected)).toBe("above");
  });
});

describe("sizeFlag", () => {
  it("flags an average more than twice the typical size as large", () => {
    expect(sizeFlag(1001, 500)).toEqual({ ratio: 2.002, flag: "large" });
  });
  it("exactly twice or half the typical size is still typical", () => {
    expect(sizeFlag(1000, 500).flag).toBe("typical");
    expect(sizeFlag(250, 500).flag).toBe("typical");
  });
  it("flags an average under half the typical size as small", () => {
    expect(sizeFlag(249, 500).flag).toBe("small");
  });
  it("has no verdict without a typical size", () => {
    expect(sizeFlag(100, 0)).toEqual({ ratio: null, flag: null });
  });
});

describe("labelTtlHistogram", () => {
  it("labels non-cumulative buckets and marks those wholly above the standard TTL", () => {
    const labelled = labelTtlHistogram(histogram({ 60: 1, 7200: 2, 14400: 3, inf: 4 }), 7200);
    expect(labelled[0]).toEqual({ le: 60, count: 1, label: "≤ 1 min", overStandard: false });
    expect(labelled[1]).toMatchObject({ le: 300, label: "1 min – 5 min", overStandard: false });
    expect(labelled.find((b) => b.le === 7200)).toMatchObject({
      count: 2,
      label: "1 h – 2 h",
      overStandard: false,
    });
    expect(labelled.find((b) => b.le === 14400)).toMatchObject({
      count: 3,
      label: "2 h – 4 h",
      overStandard: true,
    });
    expect(labelled.at(-1)).toEqual({ le: null, count: 4, label: "> 7 d", overStandard: true });
  });
});

describe("baseline", () => {
  const current = scan("now", "2026-11-29T10:00:00.000Z");

  it("the target is 7 days before the scan started", () => {
    expect(baselineTarget(current)).toBe("2026-11-22T10:00:00.000Z");
  });

  it("a scan about a week earlier is the baseline", () => {
    const v = judgeBaseline(current, scan("then", "2026-11-22T09:00:00.000Z"), DEFAULT_REVIEW_OPTIONS);
    expect(v.baseline?.id).toBe("then");
    expect(v.note).toMatch(/compared with the scan of 2026-11-22 09:00:00 UTC \(7 d 1 h earlier\)/);
  });

  it("no stored scan, or only this one, gives no baseline", () => {
    expect(judgeBaseline(current, undefined, DEFAULT_REVIEW_OPTIONS).baseline).toBeNull();
    expect(judgeBaseline(current, current, DEFAULT_REVIEW_OPTIONS).note).toMatch(/no earlier scan stored/);
  });

  it("a scan an hour old is no week-over-week baseline", () => {
    const v = judgeBaseline(current, scan("recent", "2026-11-29T09:00:00.000Z"), DEFAULT_REVIEW_OPTIONS);
    expect(v.baseline).toBeNull();
    expect(v.note).toMatch(/too far from 2026-11-22 10:00:00 UTC/);
  });

  it("accepts 4 to 10 days earlier with the default 3-day tolerance", () => {
    expect(
      judgeBaseline(current, scan("a", "2026-11-25T10:00:00.000Z"), DEFAULT_REVIEW_OPTIONS).baseline,
    ).not.toBeNull();
    expect(
      judgeBaseline(current, scan("b", "2026-11-19T10:00:00.000Z"), DEFAULT_REVIEW_OPTIONS).baseline,
    ).not.toBeNull();
    expect(
      judgeBaseline(current, scan("c", "2026-11-25T10:00:01.000Z"), DEFAULT_REVIEW_OPTIONS).baseline,
    ).toBeNull();
    const tight = { ...DEFAULT_REVIEW_OPTIONS, baselineToleranceMs: 1000 };
    expect(judgeBaseline(current, scan("d", "2026-11-22T10:00:01.000Z"), tight).baseline).not.toBeNull();
    expect(judgeBaseline(current, scan("d", "2026-11-22T10:00:01.001Z"), tight).baseline).toBeNull();
    expect(
      judgeBaseline(current, scan("e", "2026-11-18T10:00:00.000Z"), DEFAULT_REVIEW_OPTIONS).baseline,
    ).toBeNull();
  });

  it("a scan with a different match is not comparable", () => {
    const v = judgeBaseline(
      current,
      scan("then", "2026-11-22T10:00:00.000Z", result(), { match: "isl:result:*" }),
      DEFAULT_REVIEW_OPTIONS,
    );
    expect(v.baseline).toBeNull();
    expect(v.note).toMatch(/not comparable/);
  });

  it("a failed scan is not a baseline", () => {
    const failed = { ...scan("f", "2026-11-22T10:00:00.000Z"), status: "failed" as const, result: undefined };
    expect(isDoneScan(failed)).toBe(false);
    expect(judgeBaseline(current, failed, DEFAULT_REVIEW_OPTIONS).baseline).toBeNull();
  });
});

describe("buildReview", () => {
  const current = result({
    patterns: [
      pattern("beliefs", {
        keys: 40,
        bytes: 40 * 480,
        noTtl: 2,
        possiblePii: 1,
        ttlHistogram: histogram({ 86400: 38 }),
      }),
      pattern("ident", { keys: 25, bytes: 25 * 3000 }),
      pattern("result", { keys: 250, bytes: 250 * 3000, aboveStandard: 5 }),
      pattern("sensitivity", { keys: 0, bytes: 0 }),
    ],
    classes: { ok: 306, noTtl: 2, aboveStandard: 5, unknownPattern: 3, foreign: 2, possiblePii: 1 },
    lists: {
      noTtl: [],
      aboveStandard: [],
      unknownPattern: [entry("isl:tmp:1"), entry("isl:tmp:2"), entry("isl:other:x")],
      foreign: [entry("sess:1"), entry("plot:\\xff")],
      possiblePii: [],
      unknown: [],
    },
    listTotals: { noTtl: 2, aboveStandard: 5, unknownPattern: 3, foreign: 2, possiblePii: 1, unknown: 0 },
    prefixes: {
      unknownPattern: [
        { prefix: "isl:tmp:", keys: 2, bytes: 128 },
        { prefix: "isl:other:", keys: 1, bytes: 64 },
      ],
      foreign: [
        { prefix: "sess:", keys: 1, bytes: 64 },
        { prefix: "plot:", keys: 1, bytes: 64 },
      ],
    },
    biggest: {
      byMemory: Array.from({ length: 30 }, (_, i) => biggest(`isl:result:${i}`, { bytes: 10_000 - i })),
      byLength: [biggest("isl:ident:list", { type: "list", length: 5000 })],
    },
  });
  const then = result({
    patterns: [
      pattern("beliefs", { keys: 30, bytes: 30 * 480 }),
      pattern("ident", { keys: 25, bytes: 25 * 3000 }),
      pattern("result", { keys: 150, bytes: 150 * 3000 }),
    ],
    classes: { ok: 205, noTtl: 0, aboveStandard: 0, unknownPattern: 0, foreign: 5, possiblePii: 0 },
  });
  const review = buildReview({
    instance,
    scan: scan("s2", "2026-11-29T10:00:00.000Z", current),
    baseline: scan("s1", "2026-11-22T10:05:00.000Z", then),
    memory: noMemory,
    now: NOW,
  });
  const byName = (name: string) => review.patterns.find((p) => p.name === name);

  it("fits the API schema", () => {
    expect(() => reviewSchema.parse(review)).not.toThrow();
    expect(review.generatedAt).toBe("2026-11-29T12:00:00.000Z");
  });

  it("compares each pattern's keys with its expected range", () => {
    expect(review.patterns.map((p) => [p.name, p.keys, p.keysStatus])).toEqual([
      ["beliefs", 40, "below"],
      ["ident", 25, "within"],
      ["result", 250, "above"],
      ["sensitivity", 0, "below"],
    ]);
  });

  it("computes average size against typical, flagging over 2x", () => {
    expect(byName("beliefs")).toMatchObject({ avgBytes: 480, sizeFlag: "typical" });
    expect(byName("ident")).toMatchObject({ avgBytes: 3000, sizeFlag: "large" });
    expect(byName("ident")?.sizeRatio).toBeCloseTo(3000 / 1024, 9);
    expect(byName("result")).toMatchObject({ avgBytes: 3000, sizeFlag: "small" });
    expect(byName("sensitivity")).toMatchObject({ avgBytes: null, sizeRatio: null, sizeFlag: null });
  });

  it("reports memory per pattern and its share of the total", () => {
    expect(byName("result")?.bytes).toBe(750_000);
    const total = 40 * 480 + 25 * 3000 + 250 * 3000;
    expect(byName("result")?.shareOfBytes).toBeCloseTo(750_000 / total, 9);
    expect(review.patterns.reduce((s, p) => s + p.shareOfBytes, 0)).toBeCloseTo(1, 9);
  });

  it("keeps the violation counts and the labelled TTL histogram per pattern", () => {
    expect(byName("beliefs")).toMatchObject({ noTtl: 2, possiblePii: 1, standardTtlSeconds: 86400 });
    expect(byName("beliefs")?.ttlHistogram.find((b) => b.le === 86400)).toMatchObject({
      count: 38,
      label: "12 h – 1 d",
    });
    expect(byName("result")?.aboveStandard).toBe(5);
  });

  it("computes week-over-week deltas per pattern and overall", () => {
    expect(review.change).toEqual({
      baseline: { scanId: "s1", startedAt: "2026-11-22T10:05:00.000Z", ageSeconds: 7 * 86400 - 300 },
      keys: 315 - 205,
      bytes: current.bytes - then.bytes,
      classes: { noTtl: 2, aboveStandard: 5, unknownPattern: 3, foreign: -3, possiblePii: 1 },
    });
    expect(byName("beliefs")?.change).toEqual({ keys: 10, bytes: 10 * 480 });
    expect(byName("ident")?.change).toEqual({ keys: 0, bytes: 0 });
    expect(byName("result")?.change).toEqual({ keys: 100, bytes: 100 * 3000 });
  });

  it("a pattern missing from the baseline counts from zero", () => {
    expect(byName("sensitivity")?.change).toEqual({ keys: 0, bytes: 0 });
  });

  it("lists unknown patterns and foreign keys with exact totals, groups and a sample", () => {
    expect(review.unknownPattern.total).toBe(3);
    expect(review.unknownPattern.prefixes.map((p) => p.prefix)).toEqual(["isl:tmp:", "isl:other:"]);
    expect(review.unknownPattern.sample.map((e) => e.key)).toEqual(["isl:tmp:1", "isl:tmp:2", "isl:other:x"]);
    expect(review.foreign.total).toBe(2);
    expect(review.foreign.sample[1]?.key).toBe("plot:\\xff");
  });

  it("keeps the 20 biggest keys by memory and by length", () => {
    expect(review.biggest.byMemory).toHaveLength(20);
    expect(review.biggest.byMemory[0]?.key).toBe("isl:result:0");
    expect(review.biggest.byLength[0]).toMatchObject({ key: "isl:ident:list", length: 5000 });
  });

  it("carries the scan's identity and headline figures", () => {
    expect(review.scan).toMatchObject({ id: "s2", match: "*", keys: 315, classes: { noTtl: 2, foreign: 2 } });
  });

  it("without a baseline, change is null everywhere and the note says why", () => {
    const alone = buildReview({
      instance,
      scan: scan("s2", "2026-11-29T10:00:00.000Z", current),
      baseline: null,
      memory: noMemory,
      now: NOW,
    });
    expect(alone.change).toBeNull();
    expect(alone.patterns.every((p) => p.change === null)).toBe(true);
    expect(alone.changeNote).toMatch(/no earlier scan stored/);
  });

  it("an empty keyspace gives a valid review with every pattern below its range", () => {
    const empty = buildReview({
      instance,
      scan: scan("e", "2026-11-29T10:00:00.000Z"),
      baseline: null,
      memory: noMemory,
      now: NOW,
    });
    expect(() => reviewSchema.parse(empty)).not.toThrow();
    expect(
      empty.patterns.every((p) => p.keysStatus === "below" && p.shareOfBytes === 0 && p.sizeFlag === null),
    ).toBe(true);
    expect(empty.capacity.status).toBe("insufficient-history");
  });

  it("projects capacity from the memory history it is given", () => {
    const points = Array.from({ length: 48 }, (_, h) => ({
      t: NOW - (47 - h) * 3600_000,
      usedBytes: 1e9 + h * 1e6,
    }));
    const withMemory = buildReview({
      instance,
      scan: scan("s2", "2026-11-29T10:00:00.000Z", current),
      baseline: null,
      memory: { points, maxBytes: 4e9 },
      now: NOW,
    });
    expect(withMemory.capacity.status).toBe("ok");
    expect(withMemory.capacity.fit?.slopeBytesPerDay).toBeCloseTo(24e6, 0);
    expect(withMemory.capacity.crosses80At).not.toBeNull();
  });
});
