import { describe, expect, it } from "vitest";
import type { ScanOutcomeRow } from "@/lib/store/scans";
import { scanStateOf, withWatched } from "./scan-input";

let n = 0;
function row(status: ScanOutcomeRow["status"], over: Partial<ScanOutcomeRow> = {}): ScanOutcomeRow {
  n++;
  return {
    id: `s${n}`,
    status,
    finishedAt: `2026-12-02T0${9 - (n % 9)}:00:00.000Z`,
    error: status === "failed" ? "the console's Redis user may not run TTL (NOPERM)" : null,
    noTtl: 0,
    unknown: 0,
    problem: null,
    ...over,
  };
}

describe("scanStateOf (newest first)", () => {
  it("before any scan: no count, compliance unknown without a time", () => {
    expect(scanStateOf([])).toEqual({
      latestScan: null,
      ttlUnknown: { since: null, reason: "no scan has finished yet" },
    });
  });

  it("a complete scan is the truth: its count, nothing unknown", () => {
    const done = row("done", { noTtl: 5, finishedAt: "2026-12-02T05:00:00.000Z" });
    expect(scanStateOf([done])).toEqual({
      latestScan: { finishedAt: done.finishedAt, noTtl: 5 },
      ttlUnknown: null,
    });
  });

  it("a failed scan after a done one keeps the done one's count and says since when compliance is unknown", () => {
    const done = row("done", { noTtl: 5, finishedAt: "2026-12-02T05:00:00.000Z" });
    const f1 = row("failed", { finishedAt: "2026-12-02T06:00:00.000Z", error: "first" });
    const f2 = row("failed", { finishedAt: "2026-12-02T07:00:00.000Z", error: "second" });
    const state = scanStateOf([f2, f1, done]);
    expect(state.latestScan).toEqual({ finishedAt: done.finishedAt, noTtl: 5 });
    expect(state.ttlUnknown).toEqual({ since: f1.finishedAt, reason: "the last 2 scans failed: second" });
  });

  it("a partial scan never lowers the count below the last complete scan's, and says how many keys it could not read", () => {
    const complete = row("done", { noTtl: 5, finishedAt: "2026-12-02T05:00:00.000Z" });
    const partial = row("done", {
      noTtl: 0,
      unknown: 305,
      problem: "the console's Redis user may not access a key with TTL",
      finishedAt: "2026-12-02T06:00:00.000Z",
    });
    const state = scanStateOf([partial, complete]);
    expect(state.latestScan).toEqual({ finishedAt: partial.finishedAt, noTtl: 5 });
    expect(state.ttlUnknown).toMatchObject({ since: partial.finishedAt, keys: 305 });
    expect(state.ttlUnknown?.reason).toMatch(
      /could not read 305 keys: the console's Redis user may not access a key/,
    );
  });

  it("only failures and no done scan: unknown since the first failure", () => {
    const f1 = row("failed", { finishedAt: "2026-12-02T06:00:00.000Z" });
    const state = scanStateOf([f1]);
    expect(state.latestScan).toBeNull();
    expect(state.ttlUnknown?.since).toBe(f1.finishedAt);
  });

  it("a cancelled scan changes nothing", () => {
    const done = row("done", { noTtl: 2, finishedAt: "2026-12-02T05:00:00.000Z" });
    const cancelled = row("cancelled", { finishedAt: "2026-12-02T06:00:00.000Z" });
    expect(scanStateOf([cancelled, done])).toEqual({
      latestScan: { finishedAt: done.finishedAt, noTtl: 2 },
      ttlUnknown: null,
    });
  });
});

describe("withWatched (keys the live watch saw)", () => {
  const done = { latestScan: { finishedAt: "2026-12-02T05:00:00.000Z", noTtl: 2 }, ttlUnknown: null };
  const seen = {
    total: 3,
    firstSeenAt: Date.parse("2026-12-02T06:00:00Z"),
    lastSeenAt: Date.parse("2026-12-02T06:05:00Z"),
  };

  it("adds to the scan's count and keeps the scan's time when it found keys too", () => {
    expect(withWatched(done, seen)).toMatchObject({
      latestScan: { finishedAt: done.latestScan.finishedAt, noTtl: 5 },
      watch: { keys: 3, scanKeys: 2, lastSeenAt: "2026-12-02T06:05:00.000Z" },
    });
  });

  it("before any scan the watch alone makes the count, since its first key", () => {
    const none = { latestScan: null, ttlUnknown: { since: null, reason: "no scan has finished yet" } };
    expect(withWatched(none, seen).latestScan).toEqual({ finishedAt: "2026-12-02T06:00:00.000Z", noTtl: 3 });
    expect(withWatched(none, seen).ttlUnknown).toEqual(none.ttlUnknown);
  });

  it("changes nothing without keys", () => {
    expect(withWatched(done, { total: 0, firstSeenAt: null, lastSeenAt: null })).toBe(done);
  });
});
