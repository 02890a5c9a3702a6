import { describe, expect, it } from "vitest";
import { compactCount, formatByteTick, logCountTicks, niceByteTicks, niceTicks, timeTicks } from "./ticks";

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

describe("niceByteTicks", () => {
  it("steps in whole GiB for a 4 GiB maxmemory, not 1.40 / 2.79 GiB", () => {
    expect(niceByteTicks(4.4 * GiB)).toEqual([0, 1, 2, 3, 4, 5].map((n) => n * GiB));
  });

  it("steps of 256 MiB below a GiB", () => {
    expect(niceByteTicks(1000 * MiB)).toEqual([0, 256, 512, 768, 1024].map((n) => n * MiB));
  });

  it("every tick is a multiple of a power of two bytes and the last one covers the max", () => {
    for (const max of [1, 700, 20 * MiB, 16.8 * MiB, 3 * GiB + 1, 37 * GiB, 2.2 * 1024 * GiB]) {
      const ticks = niceByteTicks(max);
      const step = ticks[1] ?? 0;
      expect(Math.log2(step) % 1).toBe(0);
      expect(ticks.at(-1)).toBeGreaterThanOrEqual(max);
      expect(ticks.length - 1).toBeLessThanOrEqual(5);
      expect(ticks.every((t, i) => t === i * step)).toBe(true);
    }
  });

  it("an empty or broken max still gives an axis", () => {
    expect(niceByteTicks(0)).toEqual([0, 1024]);
    expect(niceByteTicks(Number.NaN)).toEqual([0, 1024]);
  });

  it("honours a smaller interval count", () => {
    expect(niceByteTicks(4 * GiB, 2)).toEqual([0, 2 * GiB, 4 * GiB]);
  });
});

describe("formatByteTick", () => {
  it("prints round binary values without trailing zeros", () => {
    expect(formatByteTick(0)).toBe("0 B");
    expect(formatByteTick(512 * MiB)).toBe("512 MiB");
    expect(formatByteTick(GiB)).toBe("1 GiB");
    expect(formatByteTick(1.5 * GiB)).toBe("1.5 GiB");
    expect(formatByteTick(4 * MiB)).toBe("4 MiB");
    expect(formatByteTick(768 * KiB)).toBe("768 KiB");
  });

  it("labels the ticks of niceByteTicks distinctly", () => {
    const labels = niceByteTicks(20 * MiB).map(formatByteTick);
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels).toEqual(["0 B", "4 MiB", "8 MiB", "12 MiB", "16 MiB", "20 MiB"]);
  });
});

describe("timeTicks", () => {
  const at = (iso: string) => Date.parse(iso);

  function labels(from: string, to: string, maxTicks?: number): string[] {
    const { ticks, format } = timeTicks(at(from), at(to), maxTicks);
    return ticks.map(format);
  }

  it("a few minutes of history shows times of day, not the same date ten times", () => {
    expect(labels("2026-12-02T07:01:10Z", "2026-12-02T07:09:40Z")).toEqual([
      "07:02",
      "07:04",
      "07:06",
      "07:08",
    ]);
  });

  it("an hour shows round times", () => {
    expect(labels("2026-12-02T06:58:00Z", "2026-12-02T08:02:00Z")).toEqual([
      "07:00",
      "07:15",
      "07:30",
      "07:45",
      "08:00",
    ]);
  });

  it("under a minute shows seconds", () => {
    expect(labels("2026-12-02T07:00:02Z", "2026-12-02T07:00:40Z")).toEqual([
      "07:00:10",
      "07:00:20",
      "07:00:30",
      "07:00:40",
    ]);
  });

  it("a span across midnight carries the day with the time", () => {
    expect(labels("2026-12-01T20:00:00Z", "2026-12-02T08:00:00Z")).toEqual([
      "12-01 21:00",
      "12-02 00:00",
      "12-02 03:00",
      "12-02 06:00",
    ]);
  });

  it("days show dates on UTC midnight", () => {
    expect(labels("2026-11-28T13:00:00Z", "2026-12-02T07:00:00Z")).toEqual([
      "2026-11-29",
      "2026-11-30",
      "2026-12-01",
      "2026-12-02",
    ]);
  });

  it("half a year shows the first of every other month", () => {
    expect(labels("2026-11-20T00:00:00Z", "2027-06-01T00:00:00Z")).toEqual([
      "2027-01-01",
      "2027-03-01",
      "2027-05-01",
    ]);
  });

  it("two weeks of history step by Mondays", () => {
    const { ticks } = timeTicks(Date.parse("2026-11-01T00:00:00Z"), Date.parse("2027-01-20T00:00:00Z"));
    expect(ticks.map((t) => new Date(t).getUTCDay())).toEqual(ticks.map(() => 1));
  });

  it("never repeats a label, whatever the span", () => {
    const from = at("2026-12-02T07:03:17Z");
    for (const span of [5e3, 65e3, 9e5, 4e6, 5e7, 9e7, 6e8, 2e9, 2e10, 6e10]) {
      const { ticks, format } = timeTicks(from, from + span);
      const texts = ticks.map(format);
      expect(new Set(texts).size).toBe(texts.length);
      expect(ticks.length).toBeGreaterThan(0);
      expect(ticks.length).toBeLessThanOrEqual(8);
      expect(ticks.every((t) => t >= from && t <= from + span)).toBe(true);
    }
  });

  it("six seconds and a bit of history still get a tick per second", () => {
    expect(labels("2026-12-02T07:16:12.400Z", "2026-12-02T07:16:18.600Z")).toEqual([
      "07:16:13",
      "07:16:14",
      "07:16:15",
      "07:16:16",
      "07:16:17",
      "07:16:18",
    ]);
  });

  it("a single instant is one tick", () => {
    const t = at("2026-12-02T07:00:00Z");
    expect(timeTicks(t, t).ticks).toEqual([t]);
  });
});

describe("logCountTicks and compactCount", () => {
  it("decades from 0 up to the largest count", () => {
    expect(logCountTicks(900_000)).toEqual([0, 10, 100, 1000, 10_000, 100_000, 1_000_000]);
    expect(logCountTicks(1000)).toEqual([0, 10, 100, 1000]);
    expect(logCountTicks(3)).toEqual([0, 10]);
    expect(logCountTicks(0)).toEqual([0, 10]);
  });

  it("short labels that fit a narrow axis", () => {
    expect(logCountTicks(2_000_000).map(compactCount)).toEqual([
      "0",
      "10",
      "100",
      "1k",
      "10k",
      "100k",
      "1M",
      "10M",
    ]);
    expect(compactCount(1500)).toBe("1.5k");
    expect(compactCount(999)).toBe("999");
  });
});

describe("niceTicks", () => {
  it("1-2-5 steps, not 0.7 / 1.3 / 1.9", () => {
    expect(niceTicks(2.4)).toEqual([0, 1, 2, 3]);
    expect(niceTicks(644)).toEqual([0, 200, 400, 600, 800]);
    expect(niceTicks(1)).toEqual([0, 0.5, 1]);
    expect(niceTicks(0.3)).toEqual([0, 0.1, 0.2, 0.3]);
  });

  it("never finer than the minimum step", () => {
    expect(niceTicks(2.4, 1)).toEqual([0, 1, 2, 3]);
    expect(niceTicks(0.3, 1)).toEqual([0, 1]);
    expect(niceTicks(0.18, 0.1)).toEqual([0, 0.1, 0.2]);
  });

  it("an empty series still gives an axis", () => {
    expect(niceTicks(0)).toEqual([0, 1]);
    expect(niceTicks(0, 0.1)).toEqual([0, 0.1]);
  });
});
