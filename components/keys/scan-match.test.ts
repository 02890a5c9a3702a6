import { describe, expect, it } from "vitest";
import type { ScanCounts } from "./prefix-tree";
import { scanClock, scanMatchCount, scanMatchText } from "./scan-match";

const counts: ScanCounts = {
  byPrefix: { "": 1284, "isl:": 412, "isl:result:": 151, "isl:ident:": 1, "a*b:": 3 },
  finishedAt: "2026-11-29 10:42:05 UTC",
  match: "*",
};

describe("the scan's answer to a key search", () => {
  it("a prefix match is answered by the scan's count of that prefix", () => {
    expect(scanMatchText(counts, "isl:result:*", undefined)).toBe("about 151 keys match (scan of 10:42 UTC)");
    expect(scanMatchText(counts, "isl:ident:*", undefined)).toBe("about 1 key matches (scan of 10:42 UTC)");
    expect(scanMatchCount(counts, "*", undefined)).toBe(1284);
  });

  it("an escaped glob character is read literally", () => {
    expect(scanMatchCount(counts, "a\\*b:*", undefined)).toBe(3);
  });

  it("says nothing for a match the scan cannot answer", () => {
    expect(scanMatchText(counts, "isl:*:abc", undefined)).toBeUndefined();
    expect(scanMatchText(counts, "isl:res*", undefined)).toBeUndefined();
    expect(scanMatchText(counts, "isl:result:abc", undefined)).toBeUndefined();
    expect(scanMatchText(counts, "isl:result:*", "hash")).toBeUndefined();
    expect(scanMatchText(undefined, "isl:result:*", undefined)).toBeUndefined();
  });

  it("the scan's time reads as HH:MM UTC", () => {
    expect(scanClock("2026-11-29 10:42:05 UTC")).toBe("10:42 UTC");
    expect(scanClock("yesterday")).toBe("yesterday");
  });
});
