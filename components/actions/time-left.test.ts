import { describe, expect, it } from "vitest";
import { timeLeftText } from "./time-left";

describe("timeLeftText", () => {
  it("estimates from the rate and the total, in coarse steps", () => {
    expect(timeLeftText(200_000, 1_000_000, 10_000)).toBe("about 1 min 20 s left");
    expect(timeLeftText(0, 1000, 100)).toBe("about 10 s left");
    expect(timeLeftText(999, 1000, 100)).toBe("almost done");
  });
  it("says nothing without a rate or a total", () => {
    expect(timeLeftText(0, 1000, 0)).toBeUndefined();
    expect(timeLeftText(10, 0, 100)).toBeUndefined();
    expect(timeLeftText(10, 1000, undefined)).toBeUndefined();
  });
});
