import { describe, expect, it } from "vitest";
import { tabKeyTarget } from "./tab-keys";

describe("tabKeyTarget", () => {
  it("ArrowRight moves to the next tab and wraps from the last to the first", () => {
    expect(tabKeyTarget("ArrowRight", 0, 3)).toBe(1);
    expect(tabKeyTarget("ArrowRight", 2, 3)).toBe(0);
  });

  it("ArrowLeft moves to the previous tab and wraps from the first to the last", () => {
    expect(tabKeyTarget("ArrowLeft", 2, 3)).toBe(1);
    expect(tabKeyTarget("ArrowLeft", 0, 3)).toBe(2);
  });

  it("ArrowLeft with no tab selected goes to the last", () => {
    expect(tabKeyTarget("ArrowLeft", -1, 3)).toBe(2);
  });

  it("Home and End jump to the ends", () => {
    expect(tabKeyTarget("Home", 1, 3)).toBe(0);
    expect(tabKeyTarget("End", 1, 3)).toBe(2);
  });

  it("other keys and an empty row move nothing", () => {
    expect(tabKeyTarget("Enter", 1, 3)).toBeNull();
    expect(tabKeyTarget("ArrowDown", 1, 3)).toBeNull();
    expect(tabKeyTarget("ArrowRight", 0, 0)).toBeNull();
  });
});
