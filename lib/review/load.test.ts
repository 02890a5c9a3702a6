import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore, type Db } from "@/lib/store/db";
import { rollUp } from "@/lib/store/rollups";
import { insertSample, type StoredSample } from "@/lib/store/samples";
import { storedSample } from "@/tests/helpers/samples";
import { HISTORY_MS, memoryHistory } from "./load";

const MINUTE = 60_000;
const NOW = Date.parse("2026-11-29T12:00:30Z");

function sample(t: number, usedBytes: number | null, reachable = true): StoredSample {
  return storedSample("demo", t, {
    reachable,
    error: reachable ? null : "connection refused",
    usedBytes,
    keys: 1,
  });
}

describe("memoryHistory", () => {
  let dir: string;
  let db: Db;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "isl-review-load-"));
    db = openStore(dir);
  });
  afterEach(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("uses minute averages from the rollups, then raw samples after the last rolled-up minute", async () => {
    const start = NOW - 10 * MINUTE - 30_000; // 11:50:00
    for (let i = 0; i < 10; i++) {
      await insertSample(db, sample(start + i * MINUTE + 10_000, 100 + i));
      await insertSample(db, sample(start + i * MINUTE + 40_000, 300 + i));
    }
    // The sampler rolls up finished minutes only: the first 8 here.
    await rollUp(db, "demo", start, start + 8 * MINUTE);
    const points = await memoryHistory(db, "demo", NOW);
    expect(points.slice(0, 8)).toEqual(
      Array.from({ length: 8 }, (_, i) => ({ t: start + i * MINUTE + 30_000, usedBytes: 200 + i })),
    );
    expect(points.slice(8)).toEqual([
      { t: start + 8 * MINUTE + 10_000, usedBytes: 108 },
      { t: start + 8 * MINUTE + 40_000, usedBytes: 308 },
      { t: start + 9 * MINUTE + 10_000, usedBytes: 109 },
      { t: start + 9 * MINUTE + 40_000, usedBytes: 309 },
    ]);
  });

  it("skips unreachable samples and anything older than the history window", async () => {
    await insertSample(db, sample(NOW - HISTORY_MS - MINUTE, 5));
    await insertSample(db, sample(NOW - 2 * MINUTE, null, false));
    await insertSample(db, sample(NOW - MINUTE, 7));
    expect(await memoryHistory(db, "demo", NOW)).toEqual([{ t: NOW - MINUTE, usedBytes: 7 }]);
    expect(await memoryHistory(db, "other", NOW)).toEqual([]);
  });
});
