// Rollups, retention and the chart series over a real store file (no Redis needed).
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InstanceConfig } from "@/lib/config";
import { maintainInstance } from "@/lib/metrics/retention";
import { MetricsSampler } from "@/lib/metrics/sampler";
import { scanStateInput } from "@/lib/metrics/scan-input";
import { insertScan } from "@/lib/store/scans";
import { getMetrics, getOverview } from "@/lib/metrics/service";
import { defaultAlertThresholds } from "@/lib/policy/alerts";
import { openStore, type Db } from "@/lib/store/db";
import { rollupsBetween } from "@/lib/store/rollups";
import { insertSample, samplesBetween, type StoredSample } from "@/lib/store/samples";
import { fakeRedisSample, storedSample } from "@/tests/helpers/samples";

const MIN = 60_000;
const HOUR = 60 * MIN;
const inst: InstanceConfig = {
  id: "store",
  name: "store",
  environment: "production",
  url: "redis://127.0.0.1:1/0",
  readOnly: false,
};

function sample(t: number, extra: Partial<StoredSample> = {}): StoredSample {
  return storedSample("store", t, {
    runId: "r1",
    uptimeSeconds: 100,
    usedBytes: 1000,
    maxBytes: 10_000,
    connectedClients: 5,
    latencyMs: 1,
    keys: 10,
    deltas: { ms: 10_000, evicted: 2, expired: 0, hits: 3, misses: 1, commands: 100 },
    ...extra,
  });
}

describe("metrics store: rollups, retention, series", () => {
  let dir: string;
  let db: Db;
  const now = Math.floor(Date.now() / MIN) * MIN;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "isl-metrics-store-"));
    db = openStore(dir);
    // 50 hours of samples every 10 s; one unreachable stretch of 5 minutes 30 hours ago.
    await db.transaction(async (tx) => {
      for (let t = now - 50 * HOUR; t <= now; t += 10_000) {
        const down = t > now - 30 * HOUR && t <= now - 30 * HOUR + 5 * MIN;
        await insertSample(
          tx,
          down
            ? { ...sample(t), reachable: false, usedBytes: null, deltas: null }
            : sample(t, { usedBytes: 1000 + (t % MIN) / 1000 }),
        );
      }
    });
  });

  afterAll(async () => {
    await db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("rolls finished minutes up with min/avg/max and summed deltas, then prunes raw past its retention", async () => {
    await maintainInstance(db, "store", now, {
      rawRetentionMs: 48 * HOUR,
      rollupRetentionMs: 14 * 24 * HOUR,
    });
    const rollups = await rollupsBetween(db, "store", now - 50 * HOUR, now);
    const one = rollups.find((r) => r.minute === now - 2 * HOUR);
    expect(one).toMatchObject({ samples: 6, reachable: 6, usedMin: 1000, usedMax: 1050, maxBytes: 10_000 });
    expect(one?.deltas).toEqual({ ms: 60_000, evicted: 12, expired: 0, hits: 18, misses: 6, commands: 600 });
    // Raw samples older than 48 h are gone; rollups of them remain.
    expect(await samplesBetween(db, "store", 0, now - 48 * HOUR - 1)).toHaveLength(0);
    expect(rollups.some((r) => r.minute < now - 48 * HOUR)).toBe(true);
    // The current minute is not rolled up yet.
    expect(rollups.some((r) => r.minute >= now - MIN + 1)).toBe(false);
  });

  it("prunes rollups past their retention", async () => {
    await maintainInstance(db, "store", now, { rawRetentionMs: 48 * HOUR, rollupRetentionMs: 40 * HOUR });
    expect(await rollupsBetween(db, "store", 0, now - 40 * HOUR)).toHaveLength(0);
  });

  it("serves 7 d from rollups and 1 h from raw samples, with rates from summed deltas", async () => {
    const settings = { intervalMs: 10_000, thresholds: defaultAlertThresholds };
    const week = await getMetrics(inst, "7d", db, settings, now);
    expect(week.source).toBe("rollups");
    expect(week.stepSeconds).toBe(1680);
    const full = week.points.filter((p) => p.evictionsPerMinute !== null);
    expect(full.length).toBeGreaterThan(50);
    for (const p of full) {
      expect(p.evictionsPerMinute).toBeCloseTo(12);
      expect(p.hitRate).toBeCloseTo(0.75);
      expect(p.opsPerSecond).toBeCloseTo(10);
    }
    const hour = await getMetrics(inst, "1h", db, settings, now);
    expect(hour.source).toBe("raw");
    expect(hour.points).toHaveLength(361);
    expect(hour.thresholds.hitRate).toBe(0.5);
  });

  it("draws the unreachable stretch and a stretch without samples as gaps", async () => {
    const settings = { intervalMs: 10_000, thresholds: defaultAlertThresholds };
    const day = await getMetrics(inst, "24h", db, settings, now + 30 * MIN);
    // The last 30 minutes have no samples: the series ends with a null point.
    expect(day.points.at(-1)?.usedBytes).toBeNull();
    const sixHours = await getMetrics(inst, "6h", db, settings, now);
    expect(sixHours.points.every((p) => p.usedBytes !== null)).toBe(true);
  });

  it("feeds the keys-without-TTL alert from the latest finished scan; before any scan, compliance is unknown", async () => {
    const scanned: InstanceConfig = { ...inst, id: "scanned" };
    const sampler = new MetricsSampler({
      db,
      instances: [scanned],
      intervalMs: 10_000,
      thresholds: defaultAlertThresholds,
      rawRetentionMs: 48 * HOUR,
      rollupRetentionMs: 14 * 24 * HOUR,
      read: async () => fakeRedisSample,
      scanState: scanStateInput,
    });
    const settings = { intervalMs: 10_000, thresholds: defaultAlertThresholds };
    await sampler.sampleOnce("scanned");
    // No scan yet: no count of keys without TTL, and no all-clear either.
    expect((await getOverview(scanned, db, settings)).alerts.map((a) => [a.rule, a.summary])).toEqual([
      ["ttl-compliance-unknown", "TTL compliance unknown: no scan has finished yet"],
    ]);

    await insertScan(db, {
      id: "s1",
      instance: "scanned",
      match: "isl:*",
      mode: "gentle",
      trigger: "manual",
      startedAt: new Date().toISOString(),
      total: 3,
    });
    const classes = { ok: 1, noTtl: 2, aboveStandard: 0, unknownPattern: 0, foreign: 0, possiblePii: 0 };
    const finishedAt = new Date().toISOString();
    await db
      .prepare(
        "UPDATE scans SET status = 'done', finished_at = ?, keys = 3, bytes = 1, duration_ms = 1, classes = ? WHERE id = 's1'",
      )
      .run(finishedAt, JSON.stringify(classes));
    await new Promise((r) => setTimeout(r, 5));
    await sampler.sampleOnce("scanned");
    const alert = (await getOverview(scanned, db, settings)).alerts.find(
      (a) => a.rule === "keys-without-ttl",
    );
    expect(alert).toMatchObject({ state: "firing", value: 2, since: finishedAt, severity: "critical" });
    expect(alert?.runbook.check[0]?.href).toBe("/i/scanned/ttl");
    expect((await getOverview(scanned, db, settings)).alerts.map((a) => a.rule)).not.toContain(
      "ttl-compliance-unknown",
    );
    await sampler.stop();
  });
});
