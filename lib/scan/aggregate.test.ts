import { describe, expect, it } from "vitest";
import { compilePolicy } from "@/lib/policy/classify";
import { defaultPolicy } from "@/lib/policy/default-policy";
import { policySchema } from "@/lib/policy/types";
import { SCAN_LIST_CAP } from "@/lib/schemas/scans";
import { groupPrefix, ScanAggregator, ttlBucketIndex } from "./aggregate";
import { TopN } from "./top-n";

const compiled = compilePolicy(policySchema.parse(defaultPolicy));
const key = (s: string) => Buffer.from(s, "latin1");
const hex = (i: number) => i.toString(16).padStart(16, "0");

describe("ScanAggregator", () => {
  it("a key with TTL -1 is a violation, listed with its pattern", () => {
    const agg = new ScanAggregator(compiled);
    agg.add(key(`isl:result:${hex(1)}`), "string", -1, 100, 0);
    const r = agg.result(5);
    expect(r.classes.noTtl).toBe(1);
    expect(r.lists.noTtl).toEqual([
      {
        key: `isl:result:${hex(1)}`,
        keyBase64: key(`isl:result:${hex(1)}`).toString("base64"),
        type: "string",
        ttl: -1,
        bytes: 100,
        pattern: "result",
      },
    ]);
    expect(r.patterns.find((p) => p.name === "result")).toMatchObject({
      keys: 1,
      bytes: 100,
      avgBytes: 100,
      noTtl: 1,
    });
  });

  it("caps each list at SCAN_LIST_CAP but keeps exact totals", () => {
    const agg = new ScanAggregator(compiled);
    for (let i = 0; i < SCAN_LIST_CAP + 500; i++) agg.add(key(`other:${i}`), "string", -1, 10, 0);
    const r = agg.result(1);
    expect(r.lists.foreign).toHaveLength(SCAN_LIST_CAP);
    expect(r.listTotals.foreign).toBe(SCAN_LIST_CAP + 500);
    expect(r.classes.foreign).toBe(SCAN_LIST_CAP + 500);
    expect(r.prefixes.foreign).toEqual([
      { prefix: "other:", keys: SCAN_LIST_CAP + 500, bytes: (SCAN_LIST_CAP + 500) * 10 },
    ]);
  });

  it("buckets TTLs into the histogram, above-standard keys included", () => {
    const agg = new ScanAggregator(compiled);
    agg.add(key(`isl:ident:${hex(1)}`), "hash", 30, 1, 2);
    agg.add(key(`isl:ident:${hex(2)}`), "hash", 3600, 1, 2);
    agg.add(key(`isl:ident:${hex(3)}`), "hash", 10_000_000, 1, 2);
    const ident = agg.result(1).patterns.find((p) => p.name === "ident");
    expect(ident?.aboveStandard).toBe(1);
    expect(ident?.ttlHistogram.filter((b) => b.count > 0)).toEqual([
      { le: 60, count: 1 },
      { le: 3600, count: 1 },
      { le: null, count: 1 },
    ]);
  });

  it("vanished keys are counted, not classified", () => {
    const agg = new ScanAggregator(compiled);
    agg.vanished(3);
    expect(agg.result(1)).toMatchObject({ keys: 0, vanished: 3 });
  });

  it("keeps the 50 biggest keys by memory and collections by length", () => {
    const agg = new ScanAggregator(compiled);
    for (let i = 0; i < 200; i++)
      agg.add(key(`isl:result:${hex(i)}`), i % 2 ? "list" : "string", 60, i, i % 2 ? i : 0);
    const r = agg.result(1);
    expect(r.biggest.byMemory.map((e) => e.bytes)).toEqual(Array.from({ length: 50 }, (_, i) => 199 - i));
    expect(r.biggest.byLength[0]).toMatchObject({ type: "list", length: 199 });
    expect(r.biggest.byLength.every((e) => e.type === "list")).toBe(true);
  });
});

describe("helpers", () => {
  it("ttlBucketIndex puts a TTL on a bound into that bucket", () => {
    expect(ttlBucketIndex(1)).toBe(0);
    expect(ttlBucketIndex(60)).toBe(0);
    expect(ttlBucketIndex(61)).toBe(1);
    expect(ttlBucketIndex(604_801)).toBe(12);
  });

  it("groupPrefix takes the first two segments, escaped", () => {
    expect(groupPrefix(key("isl:tmp:x:y"))).toBe("isl:tmp:");
    expect(groupPrefix(key("sess:1"))).toBe("sess:");
    expect(groupPrefix(key("plain"))).toBe("plain");
    expect(groupPrefix(Buffer.from([0xff, 0x3a, 0x01]))).toBe("\\xff:");
  });

  it("TopN keeps the largest items", () => {
    const top = new TopN<number>(3);
    for (const n of [5, 1, 9, 3, 7, 2]) top.push(n, n);
    expect(top.sorted()).toEqual([9, 7, 5]);
    expect(top.accepts(4)).toBe(false);
  });
});

describe("ScanAggregator.merge", () => {
  /** A mixed keyspace: every class, sizes, collections, prefixes. */
  function feed(agg: ScanAggregator, from: number, to: number): void {
    for (let i = from; i < to; i++) {
      const k = i % 7;
      if (k === 0) agg.add(key(`isl:result:${hex(i)}`), "string", 3600 - i, 100 + i, 0);
      else if (k === 1) agg.add(key(`isl:result:${hex(i)}`), "list", -1, 200, i % 13);
      else if (k === 2) agg.add(key(`isl:ident:${hex(i)}`), "string", 86_400, null, 0);
      else if (k === 3) agg.add(key(`isl:tmp:${i % 5}:${i}`), "string", 60, 50, 0);
      else if (k === 4) agg.add(key(`sess:${i % 3}:${i}`), "hash", -1, 80, i % 11);
      else if (k === 5) agg.add(key(`isl:beliefs:user_${i}`), "string", 100, 40, 0);
      else agg.vanished();
    }
    agg.unknown(key(`isl:result:${hex(to)}`), { kind: "permission", command: "ttl", message: "denied" });
    agg.problem({ kind: "permission", command: "memory|usage", message: "no size" }, "size");
  }

  it("two parts merged equal one aggregator that saw every key", () => {
    const whole = new ScanAggregator(compiled);
    feed(whole, 0, 2000);
    feed(whole, 2000, 5000);
    const a = new ScanAggregator(compiled);
    const b = new ScanAggregator(compiled);
    feed(a, 0, 2000);
    feed(b, 2000, 5000);
    const merged = new ScanAggregator(compiled);
    merged.merge(a);
    merged.merge(b);
    const m = merged.result(1);
    const w = whole.result(1);
    const sortBiggest = (xs: { keyBase64: string }[]) => xs.map((x) => x.keyBase64).sort();
    expect({ ...m, biggest: undefined }).toEqual({ ...w, biggest: undefined });
    expect(sortBiggest(m.biggest.byMemory)).toEqual(sortBiggest(w.biggest.byMemory));
    // Equal lengths tie: the same scores, whichever keys won the ties.
    expect(m.biggest.byLength.map((e) => e.length)).toEqual(w.biggest.byLength.map((e) => e.length));
    // The parts are left as they were.
    expect(a.keyCount + b.keyCount).toBe(m.keys);
    expect(a.vanishedCount + b.vanishedCount).toBe(m.vanished);
  });
});
