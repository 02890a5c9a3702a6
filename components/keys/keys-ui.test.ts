import { describe, expect, it } from "vitest";
import { escapeGlob, literalPrefix, prefixMatch } from "./glob";
import { hexDump } from "./hex-dump";

describe("key browser globs", () => {
  it("escapes glob characters of a displayed prefix, keeping displayKey escapes", () => {
    expect(prefixMatch("isl:result:")).toBe("isl:result:*");
    expect(escapeGlob("a*b?[c]\\xff")).toBe("a\\*b\\?\\[c\\]\\xff");
  });

  it("finds the literal prefix of a prefix match, and none for other globs", () => {
    expect(literalPrefix("isl:result:*")).toBe("isl:result:");
    expect(literalPrefix("*")).toBe("");
    expect(literalPrefix("a\\*b:*")).toBe("a*b:");
    expect(literalPrefix("isl:*:x*")).toBeUndefined();
    expect(literalPrefix("isl:result:ab")).toBeUndefined();
  });
});

describe("hexDump", () => {
  it("prints offset, bytes and printable ASCII, 16 bytes a line", () => {
    const hex = Buffer.concat([Buffer.from("ABCDEFGHIJKLMNOP"), Buffer.from([0xff, 0x00])]).toString("hex");
    expect(hexDump(hex).split("\n")).toEqual([
      "00000000  41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f 50  ABCDEFGHIJKLMNOP",
      "00000010  ff 00                                            ..",
    ]);
  });
});
