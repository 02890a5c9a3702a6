import { describe, expect, it } from "vitest";
import { formatBytes, formatCount, formatCountOf, formatDuration, formatPercent, formatTime } from "./format";

describe("formatBytes", () => {
  it.each<[number, string]>([
    [0, "0 B"],
    [1, "1 B"],
    [1023, "1023 B"],
    [1024, "1.00 KiB"],
    [1536, "1.50 KiB"],
    [7680, "7.50 KiB"],
    [10 * 1024 - 1, "10.0 KiB"],
    [100 * 1024, "100 KiB"],
    [1024 * 1024 - 1, "1.00 MiB"],
    [20 * 1024 * 1024, "20.0 MiB"],
    [1018176, "994 KiB"],
    [3 * 1024 ** 3, "3.00 GiB"],
    [5 * 1024 ** 4, "5.00 TiB"],
    [2048 * 1024 ** 4, "2048 TiB"],
    [-2048, "-2.00 KiB"],
  ])("%d bytes -> %s", (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it("shows a dash for a missing or impossible size", () => {
    expect(formatBytes(null)).toBe("—");
    expect(formatBytes(undefined)).toBe("—");
    expect(formatBytes(Number.NaN)).toBe("—");
    expect(formatBytes(Number.POSITIVE_INFINITY)).toBe("—");
  });
});

describe("formatCount", () => {
  it("groups thousands", () => {
    expect(formatCount(0)).toBe("0");
    expect(formatCount(999)).toBe("999");
    expect(formatCount(1234567)).toBe("1,234,567");
    expect(formatCount(null)).toBe("—");
  });
});

describe("formatCountOf", () => {
  it("says one key, not one keys", () => {
    expect(formatCountOf(1, "key")).toBe("1 key");
    expect(formatCountOf(0, "key")).toBe("0 keys");
    expect(formatCountOf(2048, "key")).toBe("2,048 keys");
    expect(formatCountOf(null, "key")).toBe("— keys");
  });
});

describe("formatPercent", () => {
  it("multiplies a ratio by 100 and says %", () => {
    expect(formatPercent(0)).toBe("0.0 %");
    expect(formatPercent(0.1234)).toBe("12.3 %");
    expect(formatPercent(1)).toBe("100.0 %");
    expect(formatPercent(0.987654, 2)).toBe("98.77 %");
    expect(formatPercent(0.5, 0)).toBe("50 %");
    expect(formatPercent(undefined)).toBe("—");
    expect(formatPercent(Number.NaN)).toBe("—");
  });
});

describe("formatDuration", () => {
  it.each<[number, string]>([
    [0, "0 s"],
    [0.4, "0 s"],
    [45, "45 s"],
    [59.9, "59 s"],
    [60, "1 min"],
    [61, "1 min 1 s"],
    [3600, "1 h"],
    [3661, "1 h 1 min"],
    [7200, "2 h"],
    [21600, "6 h"],
    [86400, "1 d"],
    [93784, "1 d 2 h"],
    [86460, "1 d 1 min"],
    [30 * 86400, "30 d"],
  ])("%d s -> %s (two largest units)", (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it('-1, Redis\'s TTL for a key without expiry, is "no TTL"', () => {
    expect(formatDuration(-1)).toBe("no TTL");
  });

  it("shows a dash for a missing duration", () => {
    expect(formatDuration(null)).toBe("—");
    expect(formatDuration(undefined)).toBe("—");
    expect(formatDuration(Number.NaN)).toBe("—");
  });
});

describe("formatTime", () => {
  it("writes UTC with its zone by default", () => {
    expect(formatTime("2026-11-29T10:42:05Z")).toBe("2026-11-29 10:42:05 UTC");
    expect(formatTime("2026-11-29T10:42:05.987+02:00")).toBe("2026-11-29 08:42:05 UTC");
  });

  it("accepts epoch milliseconds and Date objects", () => {
    expect(formatTime(Date.UTC(2026, 0, 2, 3, 4, 5))).toBe("2026-01-02 03:04:05 UTC");
    expect(formatTime(new Date(Date.UTC(2026, 0, 2, 3, 4, 5)))).toBe("2026-01-02 03:04:05 UTC");
  });

  it("writes midnight as 00, not 24", () => {
    expect(formatTime("2026-11-29T00:05:00Z")).toBe("2026-11-29 00:05:00 UTC");
    expect(formatTime(0)).toBe("1970-01-01 00:00:00 UTC");
  });

  it("names another zone when asked for one", () => {
    expect(formatTime("2026-07-01T10:42:05Z", "America/New_York")).toBe("2026-07-01 06:42:05 EDT");
    // ICU versions differ on the short name for Central European Time.
    expect(formatTime("2026-11-29T10:42:05Z", "Europe/Berlin")).toMatch(/^2026-11-29 11:42:05 (CET|GMT\+1)$/);
  });

  it("shows a dash for a missing or unparseable time", () => {
    expect(formatTime(null)).toBe("—");
    expect(formatTime(undefined)).toBe("—");
    expect(formatTime("yesterday-ish")).toBe("—");
  });
});
