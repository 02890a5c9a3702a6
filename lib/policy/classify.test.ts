import { describe, expect, it } from "vitest";
import { classifyKey, compilePolicy, standardTtlFor } from "./classify";
import { defaultPolicy } from "./default-policy";
import { policySchema } from "./types";

const compiled = compilePolicy(policySchema.parse(defaultPolicy));
const key = (s: string) => Buffer.from(s, "latin1");

describe("classifyKey", () => {
  it("a result key with a TTL within its 2 h standard is ok", () => {
    expect(classifyKey(compiled, key("isl:result:0123456789abcdef"), 3600)).toEqual({
      pattern: "result",
      class: "ok",
      possiblePii: false,
    });
  });

  it("a key with TTL -1 is a violation (noTtl)", () => {
    expect(classifyKey(compiled, key("isl:ident:0123456789abcdef"), -1).class).toBe("noTtl");
  });

  it("a TTL exactly at the standard is ok, one second above is aboveStandard", () => {
    expect(classifyKey(compiled, key("isl:result:0123456789abcdef"), 7200).class).toBe("ok");
    expect(classifyKey(compiled, key("isl:result:0123456789abcdef"), 7201).class).toBe("aboveStandard");
  });

  it("a key under isl: matching no pattern is unknownPattern", () => {
    expect(classifyKey(compiled, key("isl:scratch:0123456789abcdef"), 10)).toMatchObject({
      pattern: null,
      class: "unknownPattern",
    });
  });

  it("a key outside isl: is foreign", () => {
    expect(classifyKey(compiled, key("plot:session:1"), 10)).toMatchObject({
      pattern: null,
      class: "foreign",
      possiblePii: false,
    });
  });

  it("a readable user id under beliefs is flagged possible PII, a hash is not", () => {
    expect(classifyKey(compiled, key("isl:beliefs:user_123"), 100).possiblePii).toBe(true);
    expect(classifyKey(compiled, key("isl:beliefs:0123456789abcdef"), 100).possiblePii).toBe(false);
  });

  it("uppercase or short hashes are not hash-shaped", () => {
    expect(classifyKey(compiled, key("isl:ident:0123456789ABCDEF"), 100).possiblePii).toBe(true);
    expect(classifyKey(compiled, key("isl:ident:0123"), 100).possiblePii).toBe(true);
  });

  it("binary bytes in the id are classified without throwing", () => {
    const k = Buffer.concat([key("isl:result:"), Buffer.from([0xff, 0xfe, 0x00, 0x01])]);
    expect(classifyKey(compiled, k, 100)).toMatchObject({
      pattern: "result",
      class: "ok",
      possiblePii: true,
    });
  });

  it("standardTtlFor gives the pattern's TTL, undefined outside", () => {
    expect(standardTtlFor(compiled, key("isl:beliefs:0123456789abcdef"))).toBe(86400);
    expect(standardTtlFor(compiled, key("other"))).toBeUndefined();
  });
});
