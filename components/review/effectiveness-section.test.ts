import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { buildReview } from "@/lib/review/build";
import { EffectivenessCounter } from "@/lib/scan/effectiveness";
import type { ScanPattern } from "@/lib/schemas/scans";
import { pattern, result, scan } from "@/tests/helpers/review-fixture";
import { EffectivenessSection } from "./effectiveness-section";

function render(patterns: ScanPattern[]) {
  const review = buildReview({
    instance: { id: "demo", name: "Demo", environment: "development" },
    scan: scan("s1", "2026-11-29T11:00:00Z", result({ patterns })),
    baseline: null,
    memory: { points: [], maxBytes: null },
    now: Date.parse("2026-11-29T12:00:00Z"),
  });
  return renderToStaticMarkup(createElement(EffectivenessSection, { review }));
}

describe("EffectivenessSection", () => {
  it("shows shares with their words, the recommendation and what the figures assume", () => {
    const c = new EffectivenessCounter();
    for (let i = 0; i < 53; i++) c.add("string", 3600, 7200, 0, "idle");
    for (let i = 0; i < 47; i++) c.add("string", 3600, 7200, 3600, "idle");
    const html = render([pattern("result", { keys: 100, effectiveness: c.result() }), pattern("beliefs")]);
    expect(html).toContain("53 %");
    expect(html).toContain("47 %");
    expect(html).toContain("high");
    expect(html).toContain("47 % of result keys are never read again: their memory buys no hits.");
    expect(html).toContain("no access figure");
  });

  it("shows nothing for a pattern whose figures are meaningless, and says why", () => {
    const c = new EffectivenessCounter();
    c.add("string", 3600, 7200, null, "idle");
    const html = render([pattern("result", { keys: 1, effectiveness: c.result() })]);
    expect(html).toContain("not shown: the access figure (OBJECT IDLETIME / FREQ) was not read");
    expect(html).toContain("None: no pattern has many never-read keys");
  });
});
