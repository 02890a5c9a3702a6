import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  commandLatencyBetween,
  insertCommandLatency,
  pruneCommandLatency,
  type StoredCommandLatency,
} from "./command-latency";
import { openTestStore, STORE_KINDS, type TestStore } from "@/tests/helpers/stores";
import type { Db } from "./db";
import { insertNodeSamples, latestNodeSet, type StoredNodeSample } from "./node-samples";

const row = (t: number, command: string, node = "127.0.0.1:6379"): StoredCommandLatency => ({
  instanceId: "prod",
  t,
  node,
  command,
  source: "histogram",
  calls: 12,
  p50Us: 5.5,
  p95Us: 8,
  p99Us: 16,
  avgUs: null,
  windowMs: 10_000,
});

describe.each(STORE_KINDS)("%s command_latency table", (kind) => {
  let store: TestStore;
  let db: Db;
  beforeEach(async () => {
    store = await openTestStore(kind);
    db = store.db;
  });
  afterEach(async () => {
    await store.close();
  });

  it("stores rows per node and command and reads them back oldest first", async () => {
    await insertCommandLatency(db, [
      row(2000, "get"),
      row(1000, "eval"),
      row(1000, "eval", "127.0.0.1:7000"),
    ]);
    const rows = await commandLatencyBetween(db, "prod", 0, 5000);
    expect(rows.map((r) => [r.t, r.node, r.command])).toEqual([
      [1000, "127.0.0.1:6379", "eval"],
      [1000, "127.0.0.1:7000", "eval"],
      [2000, "127.0.0.1:6379", "get"],
    ]);
    expect(rows[2]).toEqual(row(2000, "get"));
    expect(await commandLatencyBetween(db, "other", 0, 5000)).toEqual([]);
  });

  it("prunes rows older than the retention in chunks", async () => {
    await insertCommandLatency(
      db,
      [1, 2, 3, 4].map((t) => row(t * 1000, "get")),
    );
    let deleted = 0;
    for (
      let n = await pruneCommandLatency(db, "prod", 3500, 1);
      n > 0;
      n = await pruneCommandLatency(db, "prod", 3500, 1)
    )
      deleted += n;
    expect(deleted).toBe(3);
    expect((await commandLatencyBetween(db, "prod", 0, 9999)).map((r) => r.t)).toEqual([4000]);
  });

  it("keeps a node's persistence reading with its sample", async () => {
    const node: StoredNodeSample = {
      instanceId: "prod",
      t: 1000,
      node: "127.0.0.1:6379",
      role: "master",
      master: null,
      slots: [],
      flags: [],
      reachable: true,
      error: null,
      runId: "r",
      usedBytes: 1,
      maxBytes: null,
      connectedClients: 1,
      maxClients: 10,
      latencyMs: 0.2,
      keys: 0,
      evictedKeys: 0,
      expiredKeys: 0,
      keyspaceHits: 0,
      keyspaceMisses: 0,
      totalCommands: 0,
      deltas: null,
      linkStatus: null,
      linkDownSeconds: null,
      lagSeconds: null,
      offsetBehind: null,
      connectedReplicas: null,
      clusterState: null,
      persistence: { info: null, save: "900 1", writesRefused: true },
    };
    await insertNodeSamples(db, [node]);
    expect((await latestNodeSet(db, "prod"))[0]?.persistence).toEqual({
      info: null,
      save: "900 1",
      writesRefused: true,
    });
  });
});
