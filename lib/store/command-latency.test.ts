import { describe, expect, it } from "vitest";
import {
  commandLatencyBetween,
  insertCommandLatency,
  pruneCommandLatency,
  type StoredCommandLatency,
} from "./command-latency";
import { storedNodeSample } from "@/tests/helpers/samples";
import { STORE_KINDS, useTestStore } from "@/tests/helpers/stores";
import { insertNodeSamples, latestNodeSet } from "./node-samples";

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
  const store = useTestStore(kind);

  it("stores rows per node and command and reads them back oldest first", async () => {
    await insertCommandLatency(store.db, [
      row(2000, "get"),
      row(1000, "eval"),
      row(1000, "eval", "127.0.0.1:7000"),
    ]);
    const rows = await commandLatencyBetween(store.db, "prod", 0, 5000);
    expect(rows.map((r) => [r.t, r.node, r.command])).toEqual([
      [1000, "127.0.0.1:6379", "eval"],
      [1000, "127.0.0.1:7000", "eval"],
      [2000, "127.0.0.1:6379", "get"],
    ]);
    expect(rows[2]).toEqual(row(2000, "get"));
    expect(await commandLatencyBetween(store.db, "other", 0, 5000)).toEqual([]);
  });

  it("prunes rows older than the retention in chunks", async () => {
    await insertCommandLatency(
      store.db,
      [1, 2, 3, 4].map((t) => row(t * 1000, "get")),
    );
    let deleted = 0;
    for (
      let n = await pruneCommandLatency(store.db, "prod", 3500, 1);
      n > 0;
      n = await pruneCommandLatency(store.db, "prod", 3500, 1)
    )
      deleted += n;
    expect(deleted).toBe(3);
    expect((await commandLatencyBetween(store.db, "prod", 0, 9999)).map((r) => r.t)).toEqual([4000]);
  });

  it("keeps a node's persistence reading with its sample", async () => {
    const node = storedNodeSample("prod", 1000, "127.0.0.1:6379", {
      usedBytes: 1,
      maxBytes: null,
      maxClients: 10,
      keys: 0,
      persistence: { info: null, save: "900 1", writesRefused: true },
    });
    await insertNodeSamples(store.db, [node]);
    expect((await latestNodeSet(store.db, "prod"))[0]?.persistence).toEqual({
      info: null,
      save: "900 1",
      writesRefused: true,
    });
  });
});
