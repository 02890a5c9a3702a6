import { describe, expect, it } from "vitest";
import { EffectivenessCounter } from "@/lib/scan/effectiveness";
import { reviewSchema } from "@/lib/schemas/review";
import type { ScanEffectiveness } from "@/lib/schemas/scans";
import { pattern, result, scan } from "@/tests/helpers/review-fixture";
import {
  buildReview,
  effectivenessNote,
  lateReadShare,
  LATE_READ_SHARE_THRESHOLD,
  MIN_JUDGED_KEYS,
  NEVER_READ_SHARE_THRESHOLD,
  recommendTtl,
} from "./build";

const HOUR = 3600;

/** `read` keys last read at `at` (share of the TTL), `never` keys never read; idle-time mode. */
function figures(std: number, read: number, never: number, at = 0.2): ScanEffectiveness {
  const c = new EffectivenessCounter();
  const age = std - 10;
  for (let i = 0; i < read; i++)
    c.add("string", std - age, std, Math.max(0, age - Math.round(at * std)), "idle");
  for (let i = 0; i < never; i++) c.add("string", std - age, std, age, "idle");
  return c.result();
}

describe("recommendTtl", () => {
  it("a high never-read share: their memory buys no hits", () => {
    const recs = recommendTtl("result", 2 * HOUR, figures(2 * HOUR, 53, 47));
    expect(recs).toEqual([
      expect.objectContaining({
        kind: "never-read",
        text: "47 % of result keys are never read again: their memory buys no hits",
        threshold: NEVER_READ_SHARE_THRESHOLD,
      }),
    ]);
  });

  it("beliefs keys still read in the last 10 % of their life: the guide's 48 h", () => {
    const recs = recommendTtl("beliefs", 24 * HOUR, figures(24 * HOUR, 90, 10, 0.95));
    expect(recs).toEqual([
      expect.objectContaining({
        kind: "late-reads",
        suggestedTtlSeconds: 48 * HOUR,
        threshold: LATE_READ_SHARE_THRESHOLD,
      }),
    ]);
    expect(recs[0]?.text).toMatch(
      /^beliefs keys are still read in the last 10 % of their life \(100 % of the keys read\): a longer TTL would likely raise the hit rate \(the guide suggests 48 h\)$/,
    );
  });

  it("another pattern read late gets a longer TTL without a guide figure", () => {
    const [rec] = recommendTtl("ident", 6 * HOUR, figures(6 * HOUR, 80, 0, 0.92));
    expect(rec).toMatchObject({ kind: "late-reads", suggestedTtlSeconds: null });
    expect(rec?.text).toMatch(/longer than the standard 6 h; the guide names no figure/);
  });

  it("nothing below the thresholds, with too few keys, or without figures", () => {
    expect(recommendTtl("result", 2 * HOUR, figures(2 * HOUR, 80, 20, 0.5))).toEqual([]);
    expect(recommendTtl("result", 2 * HOUR, figures(2 * HOUR, 0, MIN_JUDGED_KEYS - 1))).toEqual([]);
    expect(recommendTtl("result", 2 * HOUR, undefined)).toEqual([]);
    expect(recommendTtl("result", 2 * HOUR, new EffectivenessCounter().result())).toEqual([]);
  });

  it("under LFU says 'no recent read' and makes no when-based recommendation", () => {
    const c = new EffectivenessCounter();
    for (let i = 0; i < 30; i++) c.add("string", 100, 2 * HOUR, i < 20 ? 3 : 9, "freq");
    const recs = recommendTtl("result", 2 * HOUR, c.result());
    expect(recs.map((r) => r.kind)).toEqual(["never-read"]);
    expect(recs[0]?.text).toMatch(/^67 % of result keys show no recent read \(LFU counter/);
    expect(lateReadShare(c.result())).toBeNull();
  });
});

describe("the review with cache effectiveness", () => {
  const NOW = Date.parse("2026-11-29T12:00:00Z");
  const instance = { id: "demo", name: "Demo", environment: "development" as const };

  it("carries each pattern's figures and recommendations, and what they assume", () => {
    const r = result({
      patterns: [
        pattern("beliefs", { keys: 100, effectiveness: figures(24 * HOUR, 90, 10, 0.95) }),
        pattern("ident"),
        pattern("result", { keys: 100, effectiveness: figures(2 * HOUR, 53, 47) }),
        pattern("sensitivity"),
      ],
      nodes: [
        {
          address: "127.0.0.1:6379",
          role: "master",
          slots: [],
          keys: 200,
          bytes: 0,
          vanished: 0,
          unknown: 0,
          durationMs: 1,
          status: "done",
          access: { policy: "volatile-lru", mode: "idle" },
        },
      ],
    });
    const review = reviewSchema.parse(
      buildReview({
        instance,
        scan: scan("s1", "2026-11-29T11:00:00Z", r),
        baseline: null,
        memory: { points: [], maxBytes: null },
        now: NOW,
      }),
    );
    const byName = Object.fromEntries(review.patterns.map((p) => [p.name, p]));
    expect(byName.result?.recommendations.map((x) => x.kind)).toEqual(["never-read"]);
    expect(byName.beliefs?.recommendations.map((x) => x.kind)).toEqual(["late-reads"]);
    expect(byName.ident?.effectiveness).toBeNull();
    expect(review.effectivenessNote).toMatch(
      /^Read with OBJECT IDLETIME under maxmemory-policy volatile-lru\. Judged: string keys/,
    );
  });

  it("a scan stored before the figures were read says so", () => {
    expect(effectivenessNote(result({}))).toMatch(/read no access figure/);
  });
});
