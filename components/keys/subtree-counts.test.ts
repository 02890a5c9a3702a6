import { describe, expect, it } from "vitest";
import { prefixAncestors, subtreeCounts, type KeyGroup } from "./subtree-counts";

// Shaped like the demo instance: four patterns, a few unknown-pattern keys and the literal key "isl:".
const groups: KeyGroup[] = [
  { prefix: "isl:beliefs:", keys: 412_000 },
  { prefix: "isl:ident:", keys: 301_000 },
  { prefix: "isl:result:", keys: 245_000 },
  { prefix: "isl:sensitivity:", keys: 42 },
  { prefix: "isl:scratch:", keys: 7 },
  { prefix: "isl:", keys: 1, direct: true },
  { prefix: "plot:session:", keys: 3 },
];

describe("subtreeCounts", () => {
  const counts = subtreeCounts(groups);

  it("counts a prefix as the sum of its children, not the literal key of its name", () => {
    const children = ["isl:beliefs:", "isl:ident:", "isl:result:", "isl:sensitivity:", "isl:scratch:"];
    const childSum = children.reduce((sum, c) => sum + (counts[c] ?? 0), 0);
    // The one key named "isl:" sits in the node itself, beside its children.
    expect(counts["isl:"]).toBe(childSum + 1);
    expect(counts["isl:"]).toBe(958_050);
  });

  it("counts a node with no group of its own from the groups below it", () => {
    expect(counts["plot:"]).toBe(3);
    expect(counts["plot:session:"]).toBe(3);
  });

  it("gives no count below a group's prefix, where it cannot tell how the keys split", () => {
    const deeper = subtreeCounts([...groups, { prefix: "isl:result:v2:", keys: 5 }]);
    expect(deeper["isl:result:v2:"]).toBeUndefined();
    expect(deeper["isl:result:"]).toBe(245_005);
  });

  it("leaves out the nodes it is told may hold unreported keys", () => {
    const partial = subtreeCounts(groups, (node) => node.startsWith("plot:"));
    expect(partial["plot:"]).toBeUndefined();
    expect(partial["isl:"]).toBe(958_050);
  });
});

describe("prefixAncestors", () => {
  it("lists the nodes from the top down to the prefix", () => {
    expect(prefixAncestors("isl:result:")).toEqual(["isl:", "isl:result:"]);
    expect(prefixAncestors("plain")).toEqual([]);
  });
});
