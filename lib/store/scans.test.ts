import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ScanResult } from "@/lib/schemas/scans";
import { openStore, type Db } from "./db";
import {
  failInterruptedScans,
  finishScan,
  getScan,
  insertScan,
  latestDoneScan,
  listScans,
  pruneScans,
  runningScan,
  scanClosestTo,
  updateScanProgress,
} from "./scans";

const entry = { key: "isl:x", keyBase64: "aXNsOng=", type: "string", ttl: -1, bytes: 56, pattern: null };

function result(keys: number): ScanResult {
  const classes = { ok: keys, noTtl: 0, aboveStandard: 0, unknownPattern: 0, foreign: 0, possiblePii: 0 };
  const totals = { noTtl: 1, aboveStandard: 0, unknownPattern: 0, foreign: 0, possiblePii: 0, unknown: 0 };
  return {
    keys,
    bytes: keys * 100,
    durationMs: 12,
    vanished: 0,
    unknown: 0,
    sizeUnknown: 0,
    problems: [],
    classes,
    patterns: [],
    lists: {
      noTtl: [entry],
      aboveStandard: [],
      unknownPattern: [],
      foreign: [],
      possiblePii: [],
      unknown: [],
    },
    listTotals: totals,
    biggest: { byMemory: [{ ...entry, length: 3 }], byLength: [] },
    prefixes: { unknownPattern: [], foreign: [] },
  };
}

const progress = { scanned: 10, total: 10, fraction: 1, keysPerSecond: 100 };

describe("scans store", () => {
  let dir: string;
  let db: Db;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "scans-store-"));
    db = openStore(dir);
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function done(id: string, startedAt: string, keys: number, instance = "a") {
    insertScan(db, { id, instance, match: "*", mode: "gentle", trigger: "manual", startedAt, total: keys });
    finishScan(db, id, { status: "done", finishedAt: startedAt, progress, result: result(keys) });
  }

  it("a running scan reports progress, then its result once finished", () => {
    insertScan(db, {
      id: "s1",
      instance: "a",
      match: "isl:*",
      mode: "fast",
      trigger: "manual",
      startedAt: "2026-01-01T00:00:00.000Z",
      total: 200,
    });
    updateScanProgress(db, "s1", { scanned: 50, total: 200, fraction: 0.25, keysPerSecond: 1000 });
    const running = getScan(db, "s1");
    expect(running?.status).toBe("running");
    expect(running?.progress).toEqual({ scanned: 50, total: 200, fraction: 0.25, keysPerSecond: 1000 });
    expect(runningScan(db, "a")?.id).toBe("s1");
    finishScan(db, "s1", {
      status: "done",
      finishedAt: "2026-01-01T00:00:01.000Z",
      progress,
      result: result(10),
    });
    const job = getScan(db, "s1");
    expect(job?.status).toBe("done");
    expect(job?.result?.lists.noTtl).toEqual([entry]);
    expect(runningScan(db, "a")).toBeUndefined();
    expect(listScans(db, "a", 10)[0]?.summary?.keys).toBe(10);
  });

  it("latest and closest-to pick finished scans of the instance only", () => {
    done("old", "2026-01-01T00:00:00.000Z", 1);
    done("mid", "2026-01-05T00:00:00.000Z", 2);
    done("new", "2026-01-08T00:00:00.000Z", 3);
    insertScan(db, {
      id: "run",
      instance: "a",
      match: "*",
      mode: "gentle",
      trigger: "scheduled",
      startedAt: "2026-01-09T00:00:00.000Z",
      total: 1,
    });
    done("other", "2026-01-09T00:00:00.000Z", 9, "b");
    expect(latestDoneScan(db, "a")?.id).toBe("new");
    expect(scanClosestTo(db, "a", "2026-01-01T12:00:00.000Z")?.id).toBe("old");
    expect(scanClosestTo(db, "a", "2026-01-04T00:00:00.000Z")?.id).toBe("mid");
    expect(listScans(db, "a", 2).map((s) => s.id)).toEqual(["run", "new"]);
    expect(latestDoneScan(db, "c")).toBeUndefined();
  });

  it("a scan left running by a previous process is marked failed", () => {
    insertScan(db, {
      id: "r",
      instance: "a",
      match: "*",
      mode: "gentle",
      trigger: "manual",
      startedAt: "2026-01-01T00:00:00.000Z",
      total: 1,
    });
    expect(failInterruptedScans(db, "2026-01-02T00:00:00.000Z")).toBe(1);
    expect(getScan(db, "r")).toMatchObject({
      status: "failed",
      error: "the console stopped during the scan",
    });
  });

  it("pruning drops old scans and the lists of all but the newest ones", () => {
    done("s1", "2026-01-01T00:00:00.000Z", 1);
    done("s2", "2026-01-02T00:00:00.000Z", 2);
    done("s3", "2026-01-03T00:00:00.000Z", 3);
    pruneScans(db, "a", { keepFull: 1, deleteBefore: "2026-01-01T12:00:00.000Z" });
    expect(getScan(db, "s1")).toBeUndefined();
    expect(getScan(db, "s2")?.result?.lists.noTtl).toEqual([]);
    expect(getScan(db, "s2")?.result?.listTotals.noTtl).toBe(1);
    expect(getScan(db, "s3")?.result?.lists.noTtl).toHaveLength(1);
  });
});
