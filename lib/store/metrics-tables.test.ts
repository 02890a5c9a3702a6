import { describe, expect, it } from "vitest";
import { storedNodeSample, storedSample } from "@/tests/helpers/samples";
import { STORE_KINDS, useTestStore } from "@/tests/helpers/stores";
import {
  eventsBetween,
  insertEvent,
  insertNodeSamples,
  latestEvent,
  latestNodeSet,
  nodeSamplesBetween,
  pruneEvents,
  pruneNodeSamples,
  type StoredNodeSample,
} from "./node-samples";
import { readOverview, writeOverview } from "./overview-snapshots";
import { pruneRollups, rollUp, rollupsBetween, rollupWatermark } from "./rollups";
import { acquireLease, leaseOwner, releaseLease } from "./sampler-leases";
import {
  insertSample,
  latestSample,
  newestSampleT,
  oldestSampleT,
  pruneSamples,
  samplesBetween,
  type StoredSample,
} from "./samples";

const MINUTE = 60_000;
const t0 = 1_800_000_000_000; // a whole minute

function sample(t: number, over: Partial<StoredSample> = {}): StoredSample {
  return storedSample("prod", t, {
    runId: "run-1",
    uptimeSeconds: 100,
    usedBytes: 1000,
    maxBytes: 4000,
    connectedClients: 3,
    latencyMs: 0.5,
    keys: 10,
    deltas: { ms: 10_000, evicted: 1, expired: 2, hits: 3, misses: 4, commands: 5 },
    topology: null,
    ...over,
  });
}

function node(t: number, address: string, over: Partial<StoredNodeSample> = {}): StoredNodeSample {
  return storedNodeSample("prod", t, address, {
    slots: [[0, 8191]],
    flags: ["master"],
    runId: `run-${address}`,
    usedBytes: 500,
    maxBytes: null,
    connectedClients: 2,
    latencyMs: 0.25,
    keys: 5,
    connectedReplicas: 1,
    clusterState: "ok",
    ...over,
  });
}

describe.each(STORE_KINDS)("%s metric tables", (kind) => {
  const store = useTestStore(kind);

  it("samples read back as written, oldest first, and an upsert replaces the row", async () => {
    const topology = {
      kind: "cluster" as const,
      nodes: 3,
      unanswered: ["10.0.0.3:7000"],
      rateGaps: [],
      clusterNotOk: null,
      sentinel: null,
    };
    await insertSample(store.db, sample(t0 + 2000, { topology }));
    await insertSample(
      store.db,
      sample(t0 + 1000, { reachable: false, error: "ECONNREFUSED", deltas: null }),
    );
    await insertSample(store.db, sample(t0 + 3000, { usedBytes: 1 }));
    await insertSample(store.db, sample(t0 + 3000, { usedBytes: 2 }));
    const rows = await samplesBetween(store.db, "prod", t0, t0 + 3000);
    expect(rows.map((r) => r.t)).toEqual([t0 + 1000, t0 + 2000, t0 + 3000]);
    expect(rows[0]).toEqual(sample(t0 + 1000, { reachable: false, error: "ECONNREFUSED", deltas: null }));
    expect(rows[1]).toEqual(sample(t0 + 2000, { topology }));
    expect(rows[2]?.usedBytes).toBe(2);
    expect(await latestSample(store.db, "prod")).toMatchObject({ t: t0 + 3000 });
    await insertSample(store.db, sample(t0 + 4000, { reachable: false }));
    expect(await latestSample(store.db, "prod", true)).toMatchObject({ t: t0 + 3000, reachable: true });
    expect(await latestSample(store.db, "other")).toBeNull();
    expect(await oldestSampleT(store.db, "prod")).toBe(t0 + 1000);
    expect(await newestSampleT(store.db, "prod")).toBe(t0 + 4000);
    expect([await oldestSampleT(store.db, "other"), await newestSampleT(store.db, "other")]).toEqual([
      null,
      0,
    ]);
  });

  it("pruning samples deletes at most `limit` rows at a time, oldest first", async () => {
    for (let i = 0; i < 5; i++) await insertSample(store.db, sample(t0 + i * 1000));
    expect(await pruneSamples(store.db, "prod", t0 + 3500, 2)).toBe(2);
    expect(await pruneSamples(store.db, "prod", t0 + 3500, 2)).toBe(2);
    expect(await pruneSamples(store.db, "prod", t0 + 3500, 2)).toBe(0);
    expect((await samplesBetween(store.db, "prod", 0, t0 + 9999)).map((s) => s.t)).toEqual([t0 + 4000]);
  });

  it("rolls samples up per minute: min, average and max of gauges, sums of deltas", async () => {
    await insertSample(store.db, sample(t0, { usedBytes: 100, connectedClients: 1, latencyMs: 1 }));
    await insertSample(store.db, sample(t0 + 20_000, { usedBytes: 201, connectedClients: 2, latencyMs: 2 }));
    await insertSample(
      store.db,
      sample(t0 + MINUTE - 1, { reachable: false, usedBytes: null, deltas: null }),
    );
    await insertSample(store.db, sample(t0 + MINUTE, { usedBytes: 7, keys: 3 }));
    // Another instance's samples stay out of these rollups.
    await insertSample(store.db, sample(t0 + 1000, { instanceId: "other", usedBytes: 1_000_000 }));
    expect(await rollupWatermark(store.db, "prod")).toBeNull();

    expect(await rollUp(store.db, "prod", t0, t0 + 2 * MINUTE)).toBe(2);
    const [first, second] = await rollupsBetween(store.db, "prod", t0, t0 + 2 * MINUTE);
    expect(first).toEqual({
      instanceId: "prod",
      minute: t0,
      samples: 3,
      reachable: 2,
      usedMin: 100,
      usedAvg: 150.5,
      usedMax: 201,
      maxBytes: 4000,
      clientsMin: 1,
      clientsAvg: 2,
      clientsMax: 3,
      maxClients: 100,
      latencyAvg: (1 + 2 + 0.5) / 3,
      latencyMax: 2,
      keys: 10,
      deltas: { ms: 20_000, evicted: 2, expired: 4, hits: 6, misses: 8, commands: 10 },
    });
    expect(second).toMatchObject({ minute: t0 + MINUTE, samples: 1, usedAvg: 7, keys: 3 });
    expect(typeof first?.usedAvg).toBe("number");
    expect(await rollupWatermark(store.db, "prod")).toBe(t0 + 2 * MINUTE);

    // Rolled up again (a late sample): the same minute, recomputed, not duplicated.
    await insertSample(store.db, sample(t0 + 40_000, { usedBytes: 1000 }));
    expect(await rollUp(store.db, "prod", t0, t0 + MINUTE)).toBe(1);
    const again = await rollupsBetween(store.db, "prod", t0, t0 + 2 * MINUTE);
    expect(again.map((r) => [r.minute, r.samples, r.usedMax])).toEqual([
      [t0, 4, 1000],
      [t0 + MINUTE, 1, 7],
    ]);
    expect(await rollupsBetween(store.db, "other", 0, t0 * 2)).toEqual([]);

    expect(await pruneRollups(store.db, "prod", t0 + MINUTE)).toBe(1);
    expect((await rollupsBetween(store.db, "prod", 0, t0 * 2)).map((r) => r.minute)).toEqual([t0 + MINUTE]);
  });

  it("node samples read back per sample time in node order; the latest set is the newest time", async () => {
    const replica = node(t0, "10.0.0.2:6379", {
      role: "replica",
      master: "10.0.0.1:6379",
      flags: ["slave"],
      slots: [],
      linkStatus: "up",
      linkDownSeconds: 0,
      lagSeconds: 0.5,
      offsetBehind: 12,
      persistence: { info: null, save: "3600 1", writesRefused: false },
    });
    await insertNodeSamples(store.db, [replica, node(t0, "10.0.0.1:6379")]);
    await insertNodeSamples(store.db, [
      node(t0 + 1000, "10.0.0.1:6379", { reachable: false, error: "timeout" }),
      node(t0 + 1000, "10.0.0.2:6379", {
        deltas: { ms: 1000, evicted: 0, expired: 1, hits: 2, misses: 3, commands: 4 },
      }),
    ]);
    const rows = await nodeSamplesBetween(store.db, "prod", t0, t0 + 1000);
    expect(rows.map((r) => [r.t, r.node])).toEqual([
      [t0, "10.0.0.1:6379"],
      [t0, "10.0.0.2:6379"],
      [t0 + 1000, "10.0.0.1:6379"],
      [t0 + 1000, "10.0.0.2:6379"],
    ]);
    expect(rows[1]).toEqual(replica);
    const latest = await latestNodeSet(store.db, "prod");
    expect(latest.map((r) => [r.node, r.reachable])).toEqual([
      ["10.0.0.1:6379", false],
      ["10.0.0.2:6379", true],
    ]);
    expect(latest[1]?.deltas).toEqual({ ms: 1000, evicted: 0, expired: 1, hits: 2, misses: 3, commands: 4 });
    expect(await latestNodeSet(store.db, "other")).toEqual([]);
    expect(await pruneNodeSamples(store.db, "prod", t0 + 1000)).toBe(2);
    expect((await nodeSamplesBetween(store.db, "prod", 0, t0 * 2)).map((r) => r.t)).toEqual([
      t0 + 1000,
      t0 + 1000,
    ]);
  });

  it("events read back oldest first; the latest is the newest", async () => {
    await insertEvent(store.db, "prod", {
      t: t0 + 5,
      kind: "failover",
      detail: { from: "a:1", to: "b:1", configEpoch: 3 },
    });
    await insertEvent(store.db, "prod", { t: t0 + 1, kind: "failover", detail: { from: null, to: "a:1" } });
    expect((await eventsBetween(store.db, "prod", t0, t0 + 10)).map((e) => e.t)).toEqual([t0 + 1, t0 + 5]);
    expect(await latestEvent(store.db, "prod")).toEqual({
      t: t0 + 5,
      kind: "failover",
      detail: { from: "a:1", to: "b:1", configEpoch: 3 },
    });
    expect(await latestEvent(store.db, "other")).toBeNull();
    expect(await pruneEvents(store.db, "prod", t0 + 5)).toBe(1);
  });

  it("a sampler lease has one owner until it expires, then another may take it", async () => {
    expect(await acquireLease(store.db, "prod", "p1", t0, 30_000)).toBe(true);
    expect(await acquireLease(store.db, "prod", "p2", t0 + 1000, 30_000)).toBe(false);
    expect(await leaseOwner(store.db, "prod", t0 + 1000)).toBe("p1");
    expect(await acquireLease(store.db, "prod", "p1", t0 + 10_000, 30_000)).toBe(true);
    expect(await acquireLease(store.db, "prod", "p2", t0 + 39_999, 30_000)).toBe(false);
    expect(await acquireLease(store.db, "prod", "p2", t0 + 40_000, 30_000)).toBe(true);
    expect(await leaseOwner(store.db, "prod", t0 + 40_000)).toBe("p2");
    await releaseLease(store.db, "prod", "p1");
    expect(await leaseOwner(store.db, "prod", t0 + 40_000)).toBe("p2");
    await releaseLease(store.db, "prod", "p2");
    expect(await leaseOwner(store.db, "prod", t0 + 40_000)).toBeNull();
  });

  it("the overview snapshot keeps the latest body per instance", async () => {
    expect(await readOverview(store.db, "prod")).toBeNull();
    await writeOverview(store.db, "prod", t0, { memory: { used: 1 } });
    await writeOverview(store.db, "prod", t0 + 1, { memory: { used: 2 }, note: "ü" });
    expect(await readOverview(store.db, "prod")).toEqual({
      t: t0 + 1,
      body: { memory: { used: 2 }, note: "ü" },
    });
  });
});
