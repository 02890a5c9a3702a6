import { describe, expect, it } from "vitest";
import type { ScanKeyEntry, ScanResult } from "@/lib/schemas/scans";
import type { WatchFinding } from "@/lib/schemas/watch";
import { mergeFindings } from "./merge";

const entry = (key: string, over: Partial<ScanKeyEntry> = {}): ScanKeyEntry => ({
  key,
  keyBase64: Buffer.from(key).toString("base64"),
  type: "string",
  ttl: -1,
  bytes: 50,
  pattern: "ident",
  ...over,
});

function result(): ScanResult {
  const pattern = (name: string) => ({
    name,
    pattern: `isl:${name}:{id}`,
    keys: 3,
    bytes: 150,
    avgBytes: 50,
    typicalBytes: 1000,
    expected: { min: 1, max: 10 },
    standardTtlSeconds: 21600,
    noTtl: name === "ident" ? 1 : 0,
    aboveStandard: name === "ident" ? 1 : 0,
    possiblePii: 0,
    sizeUnknown: 0,
    ttlHistogram: [],
  });
  return {
    keys: 6,
    bytes: 300,
    durationMs: 1,
    vanished: 0,
    unknown: 0,
    sizeUnknown: 0,
    problems: [],
    classes: { ok: 4, noTtl: 1, aboveStandard: 1, unknownPattern: 0, foreign: 0, possiblePii: 0 },
    patterns: [pattern("ident"), pattern("result")],
    lists: {
      noTtl: [entry("isl:ident:a")],
      aboveStandard: [entry("isl:ident:b", { ttl: 90000 })],
      unknownPattern: [],
      foreign: [],
      possiblePii: [],
      unknown: [],
    },
    listTotals: { noTtl: 1, aboveStandard: 1, unknownPattern: 0, foreign: 0, possiblePii: 0, unknown: 0 },
    biggest: { byMemory: [], byLength: [] },
    prefixes: { unknownPattern: [], foreign: [] },
  };
}

const finding = (key: string, over: Partial<WatchFinding> = {}): WatchFinding => ({
  key,
  keyBase64: Buffer.from(key).toString("base64"),
  class: "noTtl",
  ttl: -1,
  pattern: "result",
  seenAt: "2026-12-02T12:01:05.000Z",
  event: "set",
  type: "string",
  ...over,
});

describe("mergeFindings", () => {
  it("a new key joins its list at the top with source watch; totals, class and pattern counts follow", () => {
    const { result: r, added, lastSeenAt } = mergeFindings(result(), [finding("isl:result:c")]);
    expect(r.lists.noTtl[0]).toMatchObject({
      key: "isl:result:c",
      source: "watch",
      seenAt: "2026-12-02T12:01:05.000Z",
      bytes: null,
    });
    expect(r.listTotals.noTtl).toBe(2);
    expect(r.classes.noTtl).toBe(2);
    expect(r.patterns.find((p) => p.name === "result")?.noTtl).toBe(1);
    expect(added).toEqual({ noTtl: 1, aboveStandard: 0 });
    expect(lastSeenAt).toBe("2026-12-02T12:01:05.000Z");
  });

  it("a key the scan already lists is not counted twice", () => {
    const { result: r, added } = mergeFindings(result(), [finding("isl:ident:a", { pattern: "ident" })]);
    expect(r.listTotals.noTtl).toBe(1);
    expect(r.lists.noTtl).toHaveLength(1);
    expect(added.noTtl).toBe(0);
  });

  it("a key listed above standard that was persisted moves to the no-TTL list", () => {
    const { result: r } = mergeFindings(result(), [
      finding("isl:ident:b", { pattern: "ident", event: "persist" }),
    ]);
    expect(r.lists.aboveStandard).toHaveLength(0);
    expect(r.listTotals.aboveStandard).toBe(0);
    expect(r.listTotals.noTtl).toBe(2);
    const ident = r.patterns.find((p) => p.name === "ident");
    expect(ident).toMatchObject({ noTtl: 2, aboveStandard: 0 });
  });

  it("leaves the input untouched and answers it as is without findings", () => {
    const input = result();
    expect(mergeFindings(input, []).result).toBe(input);
    mergeFindings(input, [finding("isl:result:c")]);
    expect(input.listTotals.noTtl).toBe(1);
  });
});
