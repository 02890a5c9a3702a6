import { describe, expect, it } from "vitest";
import type { ScanKeyEntry, ScanResult } from "@/lib/schemas/scans";
import { pageScanList, withoutLists } from "./lists";

const entry = (key: string, pattern: string | null): ScanKeyEntry => ({
  key,
  keyBase64: Buffer.from(key).toString("base64"),
  type: "string",
  ttl: -1,
  bytes: 10,
  pattern,
});

const noTtl = [
  ...Array.from({ length: 120 }, (_, i) => entry(`isl:result:${i}`, "result")),
  entry("isl:ident:abc", "ident"),
  entry("isl:tmp:ABC", null),
];
const result = {
  lists: { noTtl, aboveStandard: [], unknownPattern: [], foreign: [], possiblePii: [], unknown: [] },
  listTotals: { noTtl: 5000, aboveStandard: 0, unknownPattern: 0, foreign: 0, possiblePii: 0, unknown: 0 },
} as unknown as ScanResult;

describe("pageScanList", () => {
  it("pages a list and reports stored and exact totals", () => {
    const page = pageScanList("s", result, { list: "noTtl", offset: 100, limit: 50 });
    expect(page.entries).toHaveLength(22);
    expect(page).toMatchObject({ matched: 122, stored: 122, total: 5000, offset: 100, limit: 50 });
  });

  it("filters by pattern, by no pattern, and by key text case-insensitively", () => {
    expect(
      pageScanList("s", result, { list: "noTtl", pattern: "ident", offset: 0, limit: 50 }).entries.map(
        (e) => e.key,
      ),
    ).toEqual(["isl:ident:abc"]);
    expect(pageScanList("s", result, { list: "noTtl", pattern: "none", offset: 0, limit: 50 }).matched).toBe(
      1,
    );
    expect(pageScanList("s", result, { list: "noTtl", q: "abc", offset: 0, limit: 50 }).matched).toBe(2);
  });

  it("withoutLists empties the lists and keeps the totals", () => {
    const slim = withoutLists(result);
    expect(slim.lists.noTtl).toEqual([]);
    expect(slim.listTotals.noTtl).toBe(5000);
  });
});
