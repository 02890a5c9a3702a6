import { describe, expect, it } from "vitest";
import { niceTicks } from "./ticks";
import { valueScale } from "./value-scale";

const ticksFor = (top: number) => niceTicks(top, 0.01);

describe("valueScale", () => {
  it("a threshold more than four times the data is off scale and the axis follows the data", () => {
    const s = valueScale({ dataMax: 2, thresholdMax: 100, ticksFor });
    expect(s.offScale).toBe(true);
    expect(s.top).toBe(2);
  });

  it("a threshold within four times the data is drawn with 10 % headroom", () => {
    const s = valueScale({ dataMax: 30, thresholdMax: 100, ticksFor });
    expect(s.offScale).toBe(false);
    expect(s.top).toBeGreaterThanOrEqual(110);
    expect(s.ticks[0]).toBe(0);
  });

  it("domainMax keeps a threshold inside it drawn, however low the data", () => {
    const s = valueScale({ dataMax: 0.01, thresholdMax: 0.5, domainMax: 1, ticksFor });
    expect(s.offScale).toBe(false);
    expect(s.top).toBe(1);
  });

  it("without a threshold nothing is off scale", () => {
    expect(valueScale({ dataMax: 3, thresholdMax: 0, ticksFor }).offScale).toBe(false);
  });

  it("a chart without data still gets an axis up to 1", () => {
    const s = valueScale({ dataMax: 0, thresholdMax: 100, ticksFor });
    expect(s.offScale).toBe(true);
    expect(s.top).toBe(1);
  });
});
