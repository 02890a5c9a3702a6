import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  commandLatencyBetween,
  insertCommandLatency,
  pruneCommandLatency,
  type StoredCommandLatency,
} from "./command-latency";
import { openStore, type Db } from "./db";
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

describe("command_latency table", () => {
  let dir: string;
  let db: Db;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "isl-cmdlat-"));
    db = openStore(dir);
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("stores rows per node and command and reads them back oldest first", () => {
    insertCommandLatency(db, [row(2000, "get"), row(1000, "eval"), row(1000, "eval", "127.0.0.1:7000")]);
    const rows = commandLatencyBetween(db, "prod", 0, 5000);
    expect(rows.map((r) => [r.t, r.node, r.command])).toEqual([
      [1000, "127.0.0.1:6379", "eval"],
      [1000, "127.0.0.1:7000", "eval"],
      [2000, "127.0.0.1:6379", "get"],
    ]);
    expect(rows[2]).toEqual(row(2000, "get"));
    expect(commandLatencyBetween(db, "other", 0, 5000)).toEqual([]);
  });

  it("prunes rows older than the retention in chunks", () => {
    insertCommandLatency(
      db,
      [1, 2, 3, 4].map((t) => row(t * 1000, "get")),
    );
    let deleted = 0;
    for (
      let n = pruneCommandLatency(db, "prod", 3500, 1);
      n > 0;
      n = pruneCommandLatency(db, "prod", 3500, 1)
    )
      deleted += n;
    expect(deleted).toBe(3);
    expect(commandLatencyBetween(db, "prod", 0, 9999).map((r) => r.t)).toEqual([4000]);
  });

  it("keeps a node's persistence reading with its sample", () => {
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
    insertNodeSamples(db, [node]);
    expect(latestNodeSet(db, "prod")[0]?.persistence).toEqual({
      info: null,
      save: "900 1",
      writesRefused: true,
    });
  });
});
