import { describe, expect, it } from "vitest";
import type { ScanResult } from "@/lib/schemas/scans";
import { STORE_KINDS, useTestStore } from "@/tests/helpers/stores";
import {
  adjustLatestScan,
  failInterruptedScans,
  finishScan,
  getScan,
  insertScan,
  latestDoneScan,
  latestDoneScanCounts,
  latestFinishedScanVersion,
  listScans,
  pruneScans,
  recentScanOutcomes,
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

describe.each(STORE_KINDS)("%s scans store", (kind) => {
  const store = useTestStore(kind);

  async function done(id: string, startedAt: string, keys: number, instance = "a") {
    await insertScan(store.db, {
      id,
      instance,
      match: "*",
      mode: "gentle",
      trigger: "manual",
      startedAt,
      total: keys,
    });
    await finishScan(store.db, id, { status: "done", finishedAt: startedAt, progress, result: result(keys) });
  }

  it("a running scan reports progress, then its result once finished", async () => {
    await insertScan(store.db, {
      id: "s1",
      instance: "a",
      match: "isl:*",
      mode: "fast",
      trigger: "manual",
      startedAt: "2026-01-01T00:00:00.000Z",
      total: 200,
    });
    await updateScanProgress(store.db, "s1", {
      scanned: 50,
      total: 200,
      fraction: 0.25,
      keysPerSecond: 1000,
    });
    const running = await getScan(store.db, "s1");
    expect(running?.status).toBe("running");
    expect(running?.progress).toEqual({ scanned: 50, total: 200, fraction: 0.25, keysPerSecond: 1000 });
    expect((await runningScan(store.db, "a"))?.id).toBe("s1");
    await finishScan(store.db, "s1", {
      status: "done",
      finishedAt: "2026-01-01T00:00:01.000Z",
      progress,
      result: result(10),
    });
    const job = await getScan(store.db, "s1");
    expect(job?.status).toBe("done");
    expect(job?.result?.lists.noTtl).toEqual([entry]);
    expect(await runningScan(store.db, "a")).toBeUndefined();
    expect((await listScans(store.db, "a", 10))[0]?.summary?.keys).toBe(10);
  });

  it("latest and closest-to pick finished scans of the instance only", async () => {
    await done("old", "2026-01-01T00:00:00.000Z", 1);
    await done("mid", "2026-01-05T00:00:00.000Z", 2);
    await done("new", "2026-01-08T00:00:00.000Z", 3);
    await insertScan(store.db, {
      id: "run",
      instance: "a",
      match: "*",
      mode: "gentle",
      trigger: "scheduled",
      startedAt: "2026-01-09T00:00:00.000Z",
      total: 1,
    });
    await done("other", "2026-01-09T00:00:00.000Z", 9, "b");
    expect((await latestDoneScan(store.db, "a"))?.id).toBe("new");
    expect((await scanClosestTo(store.db, "a", "2026-01-01T12:00:00.000Z"))?.id).toBe("old");
    expect((await scanClosestTo(store.db, "a", "2026-01-04T00:00:00.000Z"))?.id).toBe("mid");
    expect((await listScans(store.db, "a", 2)).map((s) => s.id)).toEqual(["run", "new"]);
    expect(await latestDoneScan(store.db, "c")).toBeUndefined();
  });

  it("scans of the same millisecond list in the order they were inserted, newest first", async () => {
    const at = "2026-01-01T00:00:00.000Z";
    for (const id of ["z", "a", "m"]) await done(id, at, 1);
    expect((await listScans(store.db, "a", 10)).map((s) => s.id)).toEqual(["m", "a", "z"]);
    expect((await recentScanOutcomes(store.db, "a")).map((s) => s.id)).toEqual(["m", "a", "z"]);
    expect(await latestFinishedScanVersion(store.db, "a")).toBe(`m|${at}|`);
  });

  it("a scan left running by a previous process is marked failed", async () => {
    await insertScan(store.db, {
      id: "r",
      instance: "a",
      match: "*",
      mode: "gentle",
      trigger: "manual",
      startedAt: "2026-01-01T00:00:00.000Z",
      total: 1,
    });
    expect(await failInterruptedScans(store.db, "2026-01-02T00:00:00.000Z")).toBe(1);
    expect(await getScan(store.db, "r")).toMatchObject({
      status: "failed",
      error: "the console stopped during the scan",
    });
  });

  it("pruning drops old scans and the lists of all but the newest ones", async () => {
    await done("s1", "2026-01-01T00:00:00.000Z", 1);
    await done("s2", "2026-01-02T00:00:00.000Z", 2);
    await done("s3", "2026-01-03T00:00:00.000Z", 3);
    await pruneScans(store.db, "a", { keepFull: 1, deleteBefore: "2026-01-01T12:00:00.000Z" });
    expect(await getScan(store.db, "s1")).toBeUndefined();
    expect((await getScan(store.db, "s2"))?.result?.lists.noTtl).toEqual([]);
    expect((await getScan(store.db, "s2"))?.result?.listTotals.noTtl).toBe(1);
    expect((await getScan(store.db, "s3"))?.result?.lists.noTtl).toHaveLength(1);
  });

  it("an adjustment rewrites the newest finished scan and accumulates its changes mark", async () => {
    await done("s1", "2026-01-01T00:00:00.000Z", 1);
    await done("s2", "2026-01-02T00:00:00.000Z", 2);
    const before = await latestFinishedScanVersion(store.db, "a");
    const fixOne = (r: ScanResult) => ({ result: { ...r, keys: r.keys + 1 }, fixed: 1, deleted: 0 });
    expect(await adjustLatestScan(store.db, "a", "2026-01-03T00:00:00.000Z", fixOne)).toBe("s2");
    expect(await adjustLatestScan(store.db, "a", "2026-01-04T00:00:00.000Z", fixOne)).toBe("s2");
    const noop = (r: ScanResult) => ({ result: r, fixed: 0, deleted: 0 });
    expect(await adjustLatestScan(store.db, "a", "2026-01-05T00:00:00.000Z", noop)).toBeUndefined();
    expect(await adjustLatestScan(store.db, "b", "2026-01-05T00:00:00.000Z", fixOne)).toBeUndefined();
    const s2 = await getScan(store.db, "s2");
    expect(s2?.result?.keys).toBe(4);
    expect(s2?.changedSinceScan).toEqual({ fixed: 2, deleted: 0, at: "2026-01-04T00:00:00.000Z" });
    expect((await getScan(store.db, "s1"))?.result?.keys).toBe(1);
    expect(await latestFinishedScanVersion(store.db, "a")).not.toBe(before);
  });

  it("counts and outcomes of finished scans are read without their lists", async () => {
    expect(await latestDoneScanCounts(store.db, "a")).toBeUndefined();
    expect(await latestFinishedScanVersion(store.db, "a")).toBe("||");
    await done("s1", "2026-01-01T00:00:00.000Z", 1);
    await done("s2", "2026-01-02T00:00:00.000Z", 2);
    expect(await latestDoneScanCounts(store.db, "a")).toMatchObject({ summary: { id: "s2" }, patterns: [] });
    expect(await recentScanOutcomes(store.db, "a")).toEqual([
      {
        id: "s2",
        status: "done",
        finishedAt: "2026-01-02T00:00:00.000Z",
        error: null,
        noTtl: 0,
        unknown: 0,
        problem: null,
      },
      {
        id: "s1",
        status: "done",
        finishedAt: "2026-01-01T00:00:00.000Z",
        error: null,
        noTtl: 0,
        unknown: 0,
        problem: null,
      },
    ]);
  });
});
