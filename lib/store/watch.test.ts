import { describe, expect, it } from "vitest";
import type { ScanResult } from "@/lib/schemas/scans";
import type { WatchStatus } from "@/lib/schemas/watch";
import { STORE_KINDS, useTestStore } from "@/tests/helpers/stores";
import { finishScan, insertScan } from "./scans";
import {
  addedToScan,
  currentFindings,
  FINDINGS_CAP,
  findingCounts,
  findingKeys,
  findingsVersion,
  pruneFindings,
  readWatchStatus,
  writeFindings,
  writeWatchStatus,
  type Finding,
} from "./watch";

const t0 = Date.parse("2026-01-01T00:00:00.000Z");
const b64 = (key: string) => Buffer.from(key).toString("base64");

function finding(key: string, seenAt: number, over: Partial<Finding> = {}): Finding {
  return {
    keyBase64: b64(key),
    class: "noTtl",
    ttl: -1,
    pattern: "isl:result:*",
    seenAt,
    event: "set",
    type: "string",
    ...over,
  };
}

/** A done scan's result whose no-TTL list holds `keys`. */
function result(keys: string[]): ScanResult {
  const listed = keys.map((key) => ({
    key,
    keyBase64: b64(key),
    type: "string",
    ttl: -1,
    bytes: 56,
    pattern: null,
  }));
  return {
    keys: keys.length,
    bytes: 0,
    durationMs: 1,
    vanished: 0,
    unknown: 0,
    sizeUnknown: 0,
    problems: [],
    classes: { ok: 0, noTtl: keys.length, aboveStandard: 0, unknownPattern: 0, foreign: 0, possiblePii: 0 },
    patterns: [],
    lists: {
      noTtl: listed,
      aboveStandard: [],
      unknownPattern: [],
      foreign: [],
      possiblePii: [],
      unknown: [],
    },
    listTotals: {
      noTtl: keys.length,
      aboveStandard: 0,
      unknownPattern: 0,
      foreign: 0,
      possiblePii: 0,
      unknown: 0,
    },
    biggest: { byMemory: [], byLength: [] },
    prefixes: { unknownPattern: [], foreign: [] },
  };
}

const status = (id: string, findings: number): WatchStatus => ({
  id,
  state: "on",
  since: "2026-01-01T00:00:00.000Z",
  nodes: [{ address: "127.0.0.1:6379", state: "on", since: "2026-01-01T00:00:00.000Z", flags: "KEA" }],
  readsPerSecondLimit: 500,
  lastMinute: { events: 3, keys: 2, keysRead: 2, unread: 0, sampled: false },
  missed: [],
  findings,
});

describe.each(STORE_KINDS)("%s watch tables", (kind) => {
  const store = useTestStore(kind);

  async function doneScan(id: string, startedAt: number, listed: string[]) {
    const at = new Date(startedAt).toISOString();
    await insertScan(store.db, {
      id,
      instance: "prod",
      match: "*",
      mode: "gentle",
      trigger: "manual",
      startedAt: at,
      total: 1,
    });
    const progress = { scanned: 1, total: 1, fraction: 1, keysPerSecond: 1 };
    await finishScan(store.db, id, { status: "done", finishedAt: at, progress, result: result(listed) });
  }

  it("holds findings newest first, replaces a key's row and deletes cleared keys", async () => {
    await writeFindings(
      store.db,
      "prod",
      [finding("a", t0 + 1), finding("b", t0 + 2, { node: "10.0.0.1:7000" })],
      [],
    );
    await writeFindings(store.db, "prod", [finding("a", t0 + 3, { event: "persist", type: "unknown" })], []);
    await writeFindings(store.db, "other", [finding("z", t0)], []);
    const found = await currentFindings(store.db, "prod", { now: t0 + 10 });
    expect(found).toEqual([
      {
        key: "a",
        keyBase64: b64("a"),
        class: "noTtl",
        ttl: -1,
        pattern: "isl:result:*",
        seenAt: new Date(t0 + 3).toISOString(),
        event: "persist",
        type: "unknown",
      },
      expect.objectContaining({ key: "b", node: "10.0.0.1:7000" }),
    ]);
    expect((await currentFindings(store.db, "prod", { now: t0 + 10, limit: 1 })).map((f) => f.key)).toEqual([
      "a",
    ]);
    const before = await findingsVersion(store.db, "prod");
    await writeFindings(store.db, "prod", [], [b64("b")]);
    expect((await findingKeys(store.db, "prod")).sort()).toEqual([b64("a")]);
    expect(await findingsVersion(store.db, "prod")).not.toBe(before);
    expect(await findingsVersion(store.db, "nobody")).toBe("0:0:0");
  });

  it("an above-standard finding stands until its TTL runs out; counts go per class", async () => {
    await writeFindings(
      store.db,
      "prod",
      [
        finding("n", t0),
        finding("long", t0, { class: "aboveStandard", ttl: 100 }),
        finding("short", t0, { class: "aboveStandard", ttl: 5 }),
      ],
      [],
    );
    expect(await findingCounts(store.db, "prod", t0 + 4_999)).toEqual({ noTtl: 1, aboveStandard: 2 });
    expect(await findingCounts(store.db, "prod", t0 + 5_000)).toEqual({ noTtl: 1, aboveStandard: 1 });
    const above = await currentFindings(store.db, "prod", { now: t0 + 5_000, cls: "aboveStandard" });
    expect(above.map((f) => [f.key, f.ttl])).toEqual([["long", 100]]);
  });

  it("a done scan supersedes findings seen before it started; the rest add to its list", async () => {
    await writeFindings(store.db, "prod", [finding("old", t0)], []);
    await doneScan("s1", t0 + 1000, ["listed"]);
    await writeFindings(
      store.db,
      "prod",
      [
        finding("listed", t0 + 2000),
        finding("new", t0 + 3000),
        finding("other-pattern", t0 + 4000, { pattern: "isl:lock:*" }),
        finding("no-pattern", t0 + 5000, { pattern: null }),
      ],
      [],
    );
    const now = t0 + 10_000;
    expect((await currentFindings(store.db, "prod", { now })).map((f) => f.key)).toEqual([
      "no-pattern",
      "other-pattern",
      "new",
      "listed",
    ]);
    const added = await addedToScan(store.db, "prod", "noTtl", now);
    expect(added).toEqual({
      total: 3,
      byPattern: new Map([
        ["isl:result:*", 1],
        ["isl:lock:*", 1],
      ]),
      firstSeenAt: t0 + 3000,
      lastSeenAt: t0 + 5000,
    });
    expect((await addedToScan(store.db, "prod", "aboveStandard", now)).total).toBe(0);
    expect(await pruneFindings(store.db, "prod")).toBe(1);
    expect(await findingKeys(store.db, "prod")).not.toContain(b64("old"));
  });

  it("without a done scan every finding adds, and nothing is superseded", async () => {
    await writeFindings(store.db, "prod", [finding("a", t0), finding("b", t0 + 1)], []);
    expect(await addedToScan(store.db, "prod", "noTtl", t0 + 2)).toMatchObject({
      total: 2,
      firstSeenAt: t0,
      lastSeenAt: t0 + 1,
    });
    expect(await pruneFindings(store.db, "prod")).toBe(0);
  });

  it("keeps at most FINDINGS_CAP findings per instance, dropping the oldest", async () => {
    const flood = Array.from({ length: FINDINGS_CAP + 2 }, (_, i) => finding(`k${i}`, t0 + i));
    await writeFindings(store.db, "prod", flood, []);
    await writeFindings(store.db, "other", [finding("kept", t0 - 1)], []);
    const keys = await findingKeys(store.db, "prod");
    expect(keys).toHaveLength(FINDINGS_CAP);
    expect(keys).not.toContain(b64("k0"));
    expect(keys).not.toContain(b64("k1"));
    expect(keys).toContain(b64("k2"));
    expect(await findingKeys(store.db, "other")).toEqual([b64("kept")]);
    // Ten thousand statements: a few seconds over PostgreSQL's connection.
  }, 30_000);

  it("keeps the watch's latest status per instance", async () => {
    expect(await readWatchStatus(store.db, "prod")).toBeUndefined();
    await writeWatchStatus(store.db, status("prod", 1), t0);
    await writeWatchStatus(store.db, status("prod", 2), t0 + 1);
    expect(await readWatchStatus(store.db, "prod")).toEqual({ updatedAt: t0 + 1, status: status("prod", 2) });
  });
});
