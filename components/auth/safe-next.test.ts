import { describe, expect, it } from "vitest";
import { safeNext } from "./safe-next";

const origin = "https://console.example";

describe("the page after sign-in", () => {
  it("keeps a path on this site, with its query", () => {
    expect(safeNext("/i/prod/keys?match=isl%3A*", origin)).toBe(`${origin}/i/prod/keys?match=isl%3A*`);
  });

  it("goes home for another origin, however it is disguised", () => {
    for (const next of [
      "//evil.example/x",
      "/\\evil.example",
      "/\t/evil.example",
      "https://evil.example/",
      "javascript:alert(1)",
      "",
      null,
    ]) {
      expect(safeNext(next, origin), String(next)).toBe(`${origin}/`);
    }
  });
});
