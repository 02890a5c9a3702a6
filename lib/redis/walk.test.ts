import { describe, expect, it } from "vitest";
import { BudgetThrottle, DensityThrottle, GENTLE_COMMAND_BUDGET_MS } from "./walk";

describe("BudgetThrottle", () => {
  it("sizes commands so each stays within the Redis-time budget", () => {
    const t = new BudgetThrottle();
    // 100 keys took 0.5 ms of Redis time: 5 µs a key.
    t.observe("batch", 100, 0.5);
    expect(t.batchSize()).toBe(Math.floor(GENTLE_COMMAND_BUDGET_MS / 0.005));
    // SCAN: 200 slots in 0.1 ms -> 0.5 µs a slot.
    t.observe("scan", 200, 0.1);
    expect(t.scanCount()).toBe(Math.floor(GENTLE_COMMAND_BUDGET_MS / 0.0005));
  });

  it("follows a lasting rise in cost within a few commands, and ignores one stretched round trip", () => {
    const t = new BudgetThrottle();
    for (let i = 0; i < 8; i++) t.observe("batch", 40, 0.12); // 3 µs a key
    const normal = t.batchSize();
    t.observe("batch", 40, 20); // one round trip delayed by scheduling
    expect(t.batchSize()).toBe(normal);
    for (let i = 0; i < 3; i++) t.observe("batch", 10, 0.5); // 50 µs a key: large values
    expect(t.batchSize()).toBe(Math.floor(GENTLE_COMMAND_BUDGET_MS / 0.05));
  });

  it("keeps sizes within their limits", () => {
    const t = new BudgetThrottle();
    for (let i = 0; i < 8; i++) t.observe("batch", 1, 100);
    expect(t.batchSize()).toBe(1);
    for (let i = 0; i < 8; i++) t.observe("scan", 1000, 0);
    expect(t.scanCount()).toBe(1000);
  });
});

describe("BudgetThrottle shared by parallel walks (a cluster's nodes)", () => {
  /** A stand-in connection whose PING takes the given round trips, one after the other. */
  const pinging = (ms: number[]) =>
    ({
      ping: async () => {
        const wait = ms.shift() ?? 0;
        const until = performance.now() + wait;
        while (performance.now() < until) await new Promise((r) => setImmediate(r));
        return "PONG";
      },
    }) as unknown as Parameters<BudgetThrottle["prepare"]>[0];

  it("keeps the lowest bare round trip: an inflated PING never makes commands look free", async () => {
    const t = new BudgetThrottle(GENTLE_COMMAND_BUDGET_MS, 0.25, undefined, true);
    await t.prepare(pinging([0, 0, 0]));
    await t.prepare(pinging([30, 30, 30]));
    // 100 keys in 0.5 ms: with the bare round trip still ~0, 5 µs a key, not 0.
    t.observe("batch", 100, 0.5);
    expect(t.batchSize()).toBeLessThan(500);
  });

  it("sizes on the lower quartile of recent costs: round trips stretched by other walks do not shrink commands", () => {
    const t = new BudgetThrottle(GENTLE_COMMAND_BUDGET_MS, 0.25, undefined, true);
    for (let i = 0; i < 3; i++) t.observe("batch", 40, 0.12); // 3 µs a key
    for (let i = 0; i < 5; i++) t.observe("batch", 40, 2); // waited for the other walks
    expect(t.batchSize()).toBe(Math.floor(GENTLE_COMMAND_BUDGET_MS / 0.003));
    for (let i = 0; i < 8; i++) t.observe("batch", 10, 0.5); // a lasting rise: 50 µs a key
    expect(t.batchSize()).toBe(Math.floor(GENTLE_COMMAND_BUDGET_MS / 0.05));
  });
});

describe("DensityThrottle", () => {
  it("grows SCAN COUNT with how sparse the matches are, at most 4x a call", () => {
    const t = new DensityThrottle(100);
    expect(t.scanCount()).toBe(100);
    t.observe("scan", 100, 1, 0);
    expect(t.scanCount()).toBe(400);
    t.observe("scan", 400, 1, 1);
    expect(t.scanCount()).toBe(1600);
    for (let i = 0; i < 5; i++) t.observe("scan", t.scanCount(), 1, 0);
    expect(t.scanCount()).toBe(5000);
  });
});
