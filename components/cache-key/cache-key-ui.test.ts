import { describe, expect, it } from "vitest";
import { keyBrowserUrl } from "./cache-key-url";
import { errorPosition, utf16Index } from "./error-position";

describe("cache-key page helpers", () => {
  it("links the key browser to exactly the key, its detail open", () => {
    const key = "isl:result:6e519c90b1a54a71";
    const url = keyBrowserUrl("demo", key, Buffer.from(key).toString("base64"));
    const parsed = new URL(url, "http://x");
    expect(parsed.pathname).toBe("/i/demo/keys");
    expect(parsed.searchParams.get("match")).toBe(key);
    expect(parsed.searchParams.get("key")).toBe(Buffer.from(key).toString("base64url"));
    expect(
      new URL(
        keyBrowserUrl("demo", "isl:a*b", Buffer.from("isl:a*b").toString("base64")),
        "http://x",
      ).searchParams.get("match"),
    ).toBe("isl:a\\*b");
  });

  it("reads the field and character offset of a parse error", () => {
    const message =
      "the compare text is not JSON as ISL reads it (Python's json.loads): Expecting ',' delimiter: line 2 column 3 (char 9)";
    expect(errorPosition(message)).toEqual({ field: "compare", char: 9 });
    expect(errorPosition("Redis instance demo is unreachable")).toBeUndefined();
  });

  it("counts an astral character as one, as Python does", () => {
    expect(utf16Index('["😀" 1]', 5)).toBe(6);
    expect(utf16Index("abc", 10)).toBe(3);
  });
});
