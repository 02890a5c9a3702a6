import { describe, expect, it } from "vitest";
import { flagsOffText, missedText } from "./text";

const at = (t: string) => Date.parse(`2026-12-02T${t}Z`);

describe("the watch's sentences", () => {
  it("says which window was missed, in UTC", () => {
    expect(missedText(at("12:01:03"), at("12:01:09"), at("12:05:00"))).toBe(
      "writes between 12:01:03 and 12:01:09 UTC were not watched; the next scan covers them",
    );
    expect(missedText(at("12:01:03"), undefined, at("12:05:00"), "10.0.0.5:6379")).toBe(
      "writes on 10.0.0.5:6379 since 12:01:03 UTC are not watched (reconnecting); the next scan covers them",
    );
  });

  it("names the date when the window is not today", () => {
    expect(missedText(at("23:59:58"), at("23:59:59"), Date.parse("2026-12-03T00:10:00Z"))).toContain(
      "between 2026-12-02 23:59:58 and 2026-12-02 23:59:59 UTC",
    );
  });

  it("says why notifications keep it off and what to do", () => {
    expect(flagsOffText("", ["E", "g"], "127.0.0.1:6379")).toBe(
      "notify-keyspace-events is '' on 127.0.0.1:6379: an admin can turn it on under Config",
    );
    expect(flagsOffText("Kx", ["E"], "127.0.0.1:6379")).toBe(
      "notify-keyspace-events is 'Kx' on 127.0.0.1:6379 (lacks E): an admin can turn it on under Config",
    );
  });
});
