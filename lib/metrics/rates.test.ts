import { describe, expect, it } from "vitest";
import { counterDeltas, maxGapFor, ratesOf, windowSum, type CounterReading } from "./rates";

const reading = (t: number, extra: Partial<CounterReading> = {}): CounterReading => ({
  t,
  runId: "a",
  evictedKeys: 100,
  expiredKeys: 10,
  keyspaceHits: 1000,
  keyspaceMisses: 500,
  totalCommands: 10_000,
  ...extra,
});

describe("counterDeltas", () => {
  it("gives the per-interval increase of every counter", () => {
    const d = counterDeltas(
      reading(0),
      reading(10_000, { evictedKeys: 130, keyspaceHits: 1030, keyspaceMisses: 510, totalCommands: 10_500 }),
      30_000,
    );
    expect(d).toEqual({ ms: 10_000, evicted: 30, expired: 0, hits: 30, misses: 10, commands: 500 });
  });

  it("is a gap for the first sample", () => {
    expect(counterDeltas(null, reading(0), 30_000)).toBeNull();
  });

  it("is a gap when Redis restarted (run_id changed), even if the counters grew", () => {
    expect(
      counterDeltas(reading(0), reading(10_000, { runId: "b", totalCommands: 20_000 }), 30_000),
    ).toBeNull();
  });

  it("is a gap when any counter went down (CONFIG RESETSTAT), never a negative rate", () => {
    expect(counterDeltas(reading(0), reading(10_000, { keyspaceMisses: 499 }), 30_000)).toBeNull();
  });

  it("is a gap after a pause longer than the allowed gap, and for a clock going backwards", () => {
    expect(counterDeltas(reading(0), reading(30_001), 30_000)).toBeNull();
    expect(counterDeltas(reading(0), reading(30_000), 30_000)).not.toBeNull();
    expect(counterDeltas(reading(10_000), reading(0), 30_000)).toBeNull();
  });

  it("allows a few late samples before calling it a gap", () => {
    expect(maxGapFor(10_000)).toBe(30_000);
    expect(maxGapFor(300)).toBe(5300);
  });
});

describe("ratesOf and windowSum", () => {
  const items = [
    { t: 0, deltas: null },
    { t: 10_000, deltas: { ms: 10_000, evicted: 10, expired: 0, hits: 3, misses: 1, commands: 100 } },
    { t: 20_000, deltas: null },
    { t: 30_000, deltas: { ms: 10_000, evicted: 20, expired: 5, hits: 0, misses: 0, commands: 300 } },
  ];

  it("sums the deltas inside (end - window, end] and divides by the time they cover", () => {
    const r = ratesOf(windowSum(items, 30_000, 60_000));
    expect(r.evictionsPerMinute).toBe(90);
    expect(r.opsPerSecond).toBe(20);
    expect(r.hitRate).toBe(0.75);
    expect(r.lookups).toBe(4);
  });

  it("excludes samples at or before the window's start", () => {
    expect(ratesOf(windowSum(items, 30_000, 20_000)).hitRate).toBeNull();
    expect(ratesOf(windowSum(items, 30_000, 20_000)).evictionsPerMinute).toBe(120);
  });

  it("has no rates without any delta, and no hit rate without lookups", () => {
    expect(ratesOf(windowSum(items, 20_000, 5_000))).toMatchObject({
      evictionsPerMinute: null,
      opsPerSecond: null,
      hitRate: null,
    });
  });
});
