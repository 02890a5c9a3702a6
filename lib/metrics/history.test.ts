import { describe, expect, it } from "vitest";
import type { StoredSample } from "@/lib/store/samples";
import { storedSample } from "@/tests/helpers/samples";
import { buildPoints, stepFor } from "./history";

function s(t: number, extra: Partial<StoredSample> = {}): StoredSample {
  return storedSample("x", t, {
    runId: "a",
    usedBytes: 100,
    connectedClients: 2,
    latencyMs: 1,
    keys: 5,
    deltas: { ms: 10_000, evicted: 1, expired: 0, hits: 1, misses: 1, commands: 10 },
    ...extra,
  });
}

describe("stepFor", () => {
  it("keeps about 360 points per range, never finer than the interval", () => {
    expect(stepFor("15m", 10_000)).toBe(10_000);
    expect(stepFor("1h", 10_000)).toBe(10_000);
    expect(stepFor("6h", 10_000)).toBe(60_000);
    expect(stepFor("24h", 10_000)).toBe(240_000);
    expect(stepFor("7d", 10_000)).toBe(1_680_000);
    expect(stepFor("15m", 1000)).toBe(3000);
  });
});

describe("buildPoints", () => {
  const base = { from: 0, to: 100_000, stepMs: 10_000, intervalMs: 10_000 };

  it("gives one point per bucket with rates from the deltas", () => {
    const points = buildPoints({ ...base, samples: [s(0, { deltas: null }), s(10_000), s(20_000)] });
    expect(points.map((p) => p.t)).toEqual([0, 10_000, 20_000, 30_000]);
    expect(points[1]).toMatchObject({ usedBytes: 100, evictionsPerMinute: 6, hitRate: 0.5, opsPerSecond: 1 });
    // The first sample ever has no delta but is not a reset; the trailing stretch without data is a gap.
    expect(points[3]?.usedBytes).toBeNull();
  });

  it("makes an unreachable sample a null point and the first sample after a restart a rate gap", () => {
    const points = buildPoints({
      ...base,
      to: 40_000,
      samples: [
        s(0),
        s(10_000, { reachable: false, deltas: null }),
        s(20_000, { runId: "b", deltas: null }),
        s(30_000),
      ],
    });
    expect(points[1]?.usedBytes).toBeNull();
    expect(points[2]).toMatchObject({ usedBytes: 100, opsPerSecond: null, evictionsPerMinute: null });
    expect(points[3]?.opsPerSecond).toBe(1);
  });

  it("puts a null point into a stretch without samples, so the line breaks", () => {
    const points = buildPoints({ ...base, samples: [s(0), s(10_000), s(60_000), s(70_000)], to: 70_000 });
    expect(points.map((p) => [p.t, p.usedBytes])).toEqual([
      [0, 100],
      [10_000, 100],
      [20_000, null],
      [60_000, 100],
      [70_000, 100],
    ]);
  });

  it("does not call one late sample a gap", () => {
    const points = buildPoints({ ...base, samples: [s(0), s(10_000), s(31_000)], to: 31_000 });
    expect(points.every((p) => p.usedBytes !== null)).toBe(true);
  });
});
