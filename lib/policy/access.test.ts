import { describe, expect, it } from "vitest";
import { canReadSensitive } from "./access";

describe("canReadSensitive", () => {
  it("lets operators and admins read sensitive values, not viewers", () => {
    expect(canReadSensitive({ role: "viewer" })).toBe(false);
    expect(canReadSensitive({ role: "operator" })).toBe(true);
    expect(canReadSensitive({ role: "admin" })).toBe(true);
  });

  it("lets everyone read them until authentication exists (no principal)", () => {
    expect(canReadSensitive(undefined)).toBe(true);
  });
});
