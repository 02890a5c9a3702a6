import { describe, expect, it } from "vitest";
import { globProblem, keysQuerySchema } from "./keys";

describe("globProblem", () => {
  it("accepts ordinary globs, classes and escapes", () => {
    for (const ok of ["*", "isl:result:*", "isl:[a-f]?", "isl:\\[x", "isl:\\\\", "a[\\]]b", "[]]"]) {
      expect(globProblem(ok), ok).toBeUndefined();
    }
  });

  it("refuses an unclosed class, a trailing lone backslash, too many stars and overlong patterns", () => {
    expect(globProblem("isl:[abc")).toMatch(/\[ without its closing \]/);
    expect(globProblem("isl:[ab\\]")).toMatch(/closing/);
    expect(globProblem("isl:\\")).toMatch(/lone backslash/);
    expect(globProblem("*a".repeat(17))).toMatch(/wildcards/);
    expect(globProblem("x".repeat(513))).toMatch(/longer than 512/);
    expect(globProblem("x".repeat(512))).toBeUndefined();
  });
});

describe("keysQuerySchema", () => {
  it("defaults match *, cursor 0, count 100, and treats empty strings as absent", () => {
    expect(keysQuerySchema.parse({ match: "", type: "" })).toEqual({ match: "*", cursor: "0", count: 100 });
  });

  it("refuses counts outside 1..1000 and unknown types", () => {
    for (const count of ["0", "1001", "x", "1.5"])
      expect(keysQuerySchema.safeParse({ count }).success, count).toBe(false);
    expect(keysQuerySchema.safeParse({ type: "json" }).success).toBe(false);
    expect(keysQuerySchema.parse({ count: "1000", type: "zset" })).toMatchObject({
      count: 1000,
      type: "zset",
    });
  });
});
