import { describe, expect, it } from "vitest";
import { reviewSchema } from "@/lib/schemas/review";
import { addMonths, downsample, linearFit, projectCapacity, type MemoryPoint } from "./capacity";

const NOW = Date.parse("2026-11-29T12:00:00Z");
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** Hourly samples over `days` days ending at NOW, following `f(daysAgo)`. */
function hourly(days: number, f: (daysAgo: number) => number): MemoryPoint[] {
  const out: MemoryPoint[] = [];
  for (let h = days * 24; h >= 0; h--) out.push({ t: NOW - h * HOUR, usedBytes: f(h / 24) });
  return out;
}

describe("linearFit", () => {
  it("recovers an exact line at epoch-millisecond scale", () => {
    const fit = linearFit(hourly(7, (d) => 100 * MiB - d * 10 * MiB));
    expect(fit).not.toBeNull();
    expect((fit?.slope ?? 0) * DAY).toBeCloseTo(10 * MiB, 3);
    expect(fit?.at(NOW)).toBeCloseTo(100 * MiB, 0);
    expect(fit?.r2).toBeCloseTo(1, 9);
  });

  it("a flat series has slope 0 and no r2", () => {
    const fit = linearFit(hourly(2, () => 5 * MiB));
    expect(fit?.slope).toBe(0);
    expect(fit?.r2).toBeNull();
  });

  it("needs two distinct times", () => {
    expect(linearFit([])).toBeNull();
    expect(linearFit([{ t: NOW, usedBytes: 1 }])).toBeNull();
    expect(
      linearFit([
        { t: NOW, usedBytes: 1 },
        { t: NOW, usedBytes: 2 },
      ]),
    ).toBeNull();
  });

  it("fits noisy data through the middle", () => {
    const fit = linearFit(hourly(10, (d) => 50 * MiB - d * MiB + (Math.round(d * 24) % 2 ? MiB : -MiB)));
    expect((fit?.slope ?? 0) * DAY).toBeCloseTo(MiB, -4);
    expect(fit?.r2 ?? 0).toBeGreaterThan(0.8);
    expect(fit?.r2 ?? 0).toBeLessThan(1);
  });
});

describe("addMonths", () => {
  it("adds calendar months in UTC; a missing day rolls over like Date does", () => {
    expect(new Date(addMonths(NOW, 3)).toISOString()).toBe("2027-03-01T12:00:00.000Z");
    expect(new Date(addMonths(NOW, 6)).toISOString()).toBe("2027-05-29T12:00:00.000Z");
  });

  it("3 and 6 months from mid-month land on the same day", () => {
    const mid = Date.parse("2026-11-15T00:00:00Z");
    expect(new Date(addMonths(mid, 3)).toISOString()).toBe("2027-02-15T00:00:00.000Z");
    expect(new Date(addMonths(mid, 6)).toISOString()).toBe("2027-05-15T00:00:00.000Z");
  });
});

describe("downsample", () => {
  it("keeps short series as they are", () => {
    const pts = hourly(1, () => 1);
    expect(downsample(pts, 200)).toEqual(pts);
  });

  it("averages long series into at most max points, in time order", () => {
    const pts = hourly(30, (d) => d * 1000);
    const out = downsample(pts, 50);
    expect(out.length).toBeLessThanOrEqual(50);
    expect(out.length).toBeGreaterThan(40);
    for (let i = 1; i < out.length; i++)
      expect((out[i] as MemoryPoint).t).toBeGreaterThan((out[i - 1] as MemoryPoint).t);
    // Averaging keeps the overall level.
    const mean = (xs: MemoryPoint[]) => xs.reduce((s, p) => s + p.usedBytes, 0) / xs.length;
    expect(mean(out)).toBeCloseTo(mean(pts), -3);
  });
});

describe("projectCapacity", () => {
  it("growing 10 MiB a day from 1 GiB against 4 GiB: projections and the 80 % crossing date", () => {
    const cap = projectCapacity({
      points: hourly(14, (d) => GiB - d * 10 * MiB),
      maxBytes: 4 * GiB,
      now: NOW,
    });
    expect(cap.status).toBe("ok");
    expect(cap.trend).toBe("growing");
    expect(cap.fit?.slopeBytesPerDay).toBeCloseTo(10 * MiB, 0);
    expect(cap.thresholdBytes).toBe(Math.round(3.2 * GiB));
    const [m3, m6] = cap.projections;
    expect(m3?.months).toBe(3);
    expect(m3?.at).toBe(new Date(addMonths(NOW, 3)).toISOString());
    const days3 = (addMonths(NOW, 3) - NOW) / DAY;
    expect(m3?.bytes).toBeCloseTo(GiB + days3 * 10 * MiB, -3);
    expect(m3?.ratio).toBeCloseTo((GiB + days3 * 10 * MiB) / (4 * GiB), 6);
    expect(m6?.months).toBe(6);
    // (3.2 GiB - 1 GiB) / 10 MiB per day = 225.28 days.
    const expected = NOW + ((2.2 * GiB) / (10 * MiB)) * DAY;
    expect(Math.abs(Date.parse(cap.crosses80At ?? "") - expected)).toBeLessThan(60_000);
    expect(cap.alreadyAbove80).toBe(false);
    expect(cap.note).toMatch(/reaches 80 % of maxmemory in 225 d/);
  });

  it("a decreasing history has no crossing date", () => {
    const cap = projectCapacity({
      points: hourly(7, (d) => GiB + d * 50 * MiB),
      maxBytes: 2 * GiB,
      now: NOW,
    });
    expect(cap.trend).toBe("shrinking");
    expect(cap.crosses80At).toBeNull();
    expect(cap.note).toMatch(/shrinking/);
    // A projection never goes below zero bytes.
    expect(cap.projections.every((p) => p.bytes >= 0)).toBe(true);
  });

  it("a flat history (growth under 1 % of maxmemory in 6 months) has no crossing date", () => {
    const cap = projectCapacity({
      points: hourly(7, (d) => 100 * MiB - d * 1000),
      maxBytes: 4 * GiB,
      now: NOW,
    });
    expect(cap.trend).toBe("flat");
    expect(cap.crosses80At).toBeNull();
    expect(cap.projections).toHaveLength(2);
  });

  it("no maxmemory: fitted and projected, without ratios or crossing", () => {
    const cap = projectCapacity({ points: hourly(7, (d) => GiB - d * 10 * MiB), maxBytes: 0, now: NOW });
    expect(cap.status).toBe("no-maxmemory");
    expect(cap.maxBytes).toBeNull();
    expect(cap.thresholdBytes).toBeNull();
    expect(cap.trend).toBe("growing");
    expect(cap.projections.map((p) => p.ratio)).toEqual([null, null]);
    expect(cap.crosses80At).toBeNull();
    expect(cap.note).toMatch(/Maxmemory is not set/);
  });

  it("maxmemory unknown (not unset) says why", () => {
    const cap = projectCapacity({
      points: hourly(7, (d) => GiB - d * 10 * MiB),
      maxBytes: null,
      maxBytesUnknown: "Redis is unreachable",
      now: NOW,
    });
    expect(cap.status).toBe("no-maxmemory");
    expect(cap.note).toMatch(/^Maxmemory is unknown \(Redis is unreachable\): memory use is growing/);
  });

  it("too few samples or too short a span says so and does not fit", () => {
    const short = projectCapacity({ points: hourly(0.5, (d) => GiB - d * GiB), maxBytes: 4 * GiB, now: NOW });
    expect(short.status).toBe("insufficient-history");
    expect(short.fit).toBeNull();
    expect(short.projections).toEqual([]);
    expect(short.note).toMatch(/13 samples over 12 h; needs at least 12 samples over 1 d/);
    const sparse = projectCapacity({
      points: [
        { t: NOW - 3 * DAY, usedBytes: 1 },
        { t: NOW, usedBytes: 2 },
      ],
      maxBytes: 4 * GiB,
      now: NOW,
    });
    expect(sparse.status).toBe("insufficient-history");
    const none = projectCapacity({ points: [], maxBytes: 4 * GiB, now: NOW });
    expect(none.note).toMatch(/no memory history yet/);
    expect(none.currentBytes).toBeNull();
    expect(none.history).toEqual({ points: 0, from: null, to: null, spanSeconds: 0 });
  });

  it("the minimum history is configurable", () => {
    const cap = projectCapacity(
      { points: hourly(0.5, (d) => GiB - d * GiB), maxBytes: 4 * GiB, now: NOW },
      { minSpanMs: HOUR, minPoints: 3 },
    );
    expect(cap.status).toBe("ok");
  });

  it("already above 80 %: says so instead of a date", () => {
    const cap = projectCapacity({
      points: hourly(7, (d) => 3.5 * GiB - d * MiB),
      maxBytes: 4 * GiB,
      now: NOW,
    });
    expect(cap.alreadyAbove80).toBe(true);
    expect(cap.crosses80At).toBeNull();
    expect(cap.note).toMatch(/already at or above 80 %/);
  });

  it("a crossing beyond the 5-year horizon is not given as a date", () => {
    const cap = projectCapacity({
      points: hourly(7, (d) => 100 * MiB - d * 10 * MiB),
      maxBytes: 64 * GiB,
      now: NOW,
    });
    expect(cap.trend).toBe("growing");
    expect(cap.crosses80At).toBeNull();
    expect(cap.note).toMatch(/more than 5 years/);
  });

  it("ignores unsorted input order and non-finite values; current bytes is the latest sample", () => {
    const pts = hourly(7, (d) => GiB - d * 10 * MiB);
    const shuffled = [...pts].reverse().concat([{ t: NOW - DAY, usedBytes: Number.NaN }]);
    const a = projectCapacity({ points: pts, maxBytes: 4 * GiB, now: NOW });
    const b = projectCapacity({ points: shuffled, maxBytes: 4 * GiB, now: NOW });
    expect(b.crosses80At).toBe(a.crosses80At);
    expect(b.currentBytes).toBe(GiB);
    expect(b.history.points).toBe(pts.length);
  });

  it("its output fits the review schema's capacity section", () => {
    const cap = projectCapacity({
      points: hourly(30, (d) => GiB - d * 10 * MiB),
      maxBytes: 4 * GiB,
      now: NOW,
    });
    expect(() => reviewSchema.shape.capacity.parse(cap)).not.toThrow();
    expect(cap.series.length).toBeLessThanOrEqual(200);
  });
});
