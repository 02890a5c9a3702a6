import { describe, expect, it } from "vitest";
import { compilePolicy } from "@/lib/policy/classify";
import { defaultPolicy } from "@/lib/policy/default-policy";
import { policySchema } from "@/lib/policy/types";
import type { ScanKeyEntry, ScanResult } from "@/lib/schemas/scans";
import { applyKeyChanges, scanInterest, withinMatch } from "./changes";

const compiled = compilePolicy(policySchema.parse(defaultPolicy));
const key = (s: string) => Buffer.from(s);
const entry = (k: string, ttl: number, pattern: string | null): ScanKeyEntry => ({
  key: k,
  keyBase64: key(k).toString("base64"),
  type: "string",
  ttl,
  bytes: 10,
  pattern,
});
const pattern = (name: string, noTtl: number) =>
  ({ name, noTtl, aboveStandard: 0, possiblePii: 0 }) as unknown as ScanResult["patterns"][number];

function result(noTtl: ScanKeyEntry[], total = noTtl.length): ScanResult {
  return {
    classes: { ok: 10, noTtl: total, aboveStandard: 0, unknownPattern: 1, foreign: 0, possiblePii: 0 },
    patterns: [pattern("ident", total)],
    lists: {
      noTtl,
      aboveStandard: [],
      unknownPattern: [entry("isl:tmp:x", -1, null)],
      foreign: [],
      possiblePii: [],
      unknown: [],
    },
    listTotals: { noTtl: total, aboveStandard: 0, unknownPattern: 1, foreign: 0, possiblePii: 0, unknown: 0 },
  } as unknown as ScanResult;
}

const a = "isl:ident:00000000000000aa";
const b = "isl:ident:00000000000000bb";

describe("applyKeyChanges", () => {
  it("a fixed key leaves the no-TTL list and its counts; a key still without TTL stays", () => {
    const out = applyKeyChanges(result([entry(a, -1, "ident"), entry(b, -1, "ident")]), "*", compiled, [
      { key: key(a), before: null, after: 21600 },
      { key: key(b), before: null, after: -1 },
    ]);
    expect(out.result.lists.noTtl.map((e) => e.key)).toEqual([b]);
    expect(out.result.listTotals.noTtl).toBe(1);
    expect(out.result.classes).toMatchObject({ noTtl: 1, ok: 11 });
    expect(out.result.patterns[0]?.noTtl).toBe(1);
    expect(out).toMatchObject({ fixed: 1, deleted: 0 });
  });

  it("a key whose re-read failed is not counted as fixed or gone", () => {
    const out = applyKeyChanges(result([entry(a, -1, "ident")]), "*", compiled, [
      { key: key(a), before: -1, after: null },
    ]);
    expect(out.result.listTotals.noTtl).toBe(1);
    expect(out).toMatchObject({ fixed: 0, deleted: 0 });
  });

  it("a deleted key leaves every list; its class count drops without adding to ok", () => {
    const out = applyKeyChanges(result([]), "*", compiled, [
      { key: key("isl:tmp:x"), before: -1, after: -2 },
    ]);
    expect(out.result.lists.unknownPattern).toEqual([]);
    expect(out.result.classes).toMatchObject({ unknownPattern: 0, ok: 10 });
    expect(out).toMatchObject({ fixed: 0, deleted: 1 });
  });

  it("past a capped list, a key counts off only when it had no TTL before the action and is inside the match", () => {
    const capped = result([entry(a, -1, "ident")], 5);
    const out = applyKeyChanges(capped, "isl:*", compiled, [
      { key: key(b), before: -1, after: 21600 },
      { key: key("isl:ident:00000000000000cc"), before: 3600, after: 3500 },
      { key: key("other:ident"), before: -1, after: 60 },
    ]);
    expect(out.result.listTotals.noTtl).toBe(4);
    expect(out.fixed).toBe(1);
    // A complete list: a key outside it was not in the class at scan time.
    const complete = applyKeyChanges(result([entry(a, -1, "ident")]), "*", compiled, [
      { key: key(b), before: -1, after: 21600 },
    ]);
    expect(complete.result.listTotals.noTtl).toBe(1);
  });
});

describe("scanInterest and withinMatch", () => {
  it("listed keys are re-read; others only past a capped list inside the match", () => {
    expect(scanInterest(result([entry(a, -1, "ident")]), "*")(key(a))).toBe("listed");
    expect(scanInterest(result([entry(a, -1, "ident")]), "*")(key(b))).toBeUndefined();
    expect(scanInterest(result([entry(a, -1, "ident")], 5), "isl:*")(key(b))).toBe("infer");
    expect(withinMatch("isl:*", key("isl:x"))).toBe(true);
    expect(withinMatch("isl:*", key("sess:x"))).toBe(false);
    expect(withinMatch("isl:?x*", key("isl:ax"))).toBe(false);
  });
});
