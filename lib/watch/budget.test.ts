import { describe, expect, it } from "vitest";
import { LastMinute, pickSample, ReadBudget, samplingText } from "./budget";

describe("ReadBudget", () => {
  it("never grants more than the limit per second, even over short windows", () => {
    const budget = new ReadBudget(500);
    let granted = 0;
    // 10 s of ticks every 100 ms, each wanting 10,000 reads.
    for (let t = 0; t <= 10_000; t += 100) granted += budget.take(t, 10_000);
    expect(granted).toBeLessThanOrEqual(500 * 10.2);
    expect(granted).toBeGreaterThanOrEqual(500 * 9.8);
  });

  it("does not save up idle time beyond a fifth of a second", () => {
    const budget = new ReadBudget(1000);
    budget.take(0, 0);
    expect(budget.take(60_000, 100_000)).toBe(200);
  });

  it("grants what is wanted when under the limit", () => {
    const budget = new ReadBudget(500);
    expect(budget.take(0, 3)).toBe(3);
    expect(budget.take(100, 40)).toBe(40);
  });
});

describe("LastMinute", () => {
  it("sums the last 60 seconds only", () => {
    const m = new LastMinute();
    m.add(0, { events: 10, keys: 5, keysRead: 5 });
    m.add(30_000, { events: 1, keys: 1, keysRead: 0 });
    expect(m.totals(30_000)).toEqual({ events: 11, keys: 6, keysRead: 5, unread: 0 });
    expect(m.totals(61_000)).toEqual({ events: 1, keys: 1, keysRead: 0, unread: 0 });
  });
});

describe("pickSample", () => {
  it("takes higher priorities first, then a random sample of the rest", () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    const picked = pickSample(
      items,
      10,
      (i) => (i === 50 || i === 99 ? 2 : 0),
      () => 0.5,
    );
    expect(picked).toHaveLength(10);
    expect(picked.slice(0, 2).sort()).toEqual([50, 99]);
    expect(new Set(picked).size).toBe(10);
  });

  it("returns everything when under the budget", () => {
    expect(pickSample([1, 2, 3], 5, () => 0)).toEqual([1, 2, 3]);
  });
});

describe("samplingText", () => {
  it("says how many of the written keys were read", () => {
    expect(samplingText({ events: 3_000_000, keys: 2_900_000, keysRead: 30_000, unread: 0 })).toBe(
      "sampling: read 30,000 of 2,900,000 written keys in the last minute",
    );
    expect(samplingText({ events: 10, keys: 10, keysRead: 10, unread: 0 })).toBeUndefined();
  });
});
