// Several console processes sampling through one store share the instances' leases: each takes its
// fair share, a process that joins gets leases handed over, one that stops leaves them to the
// others. Two samplers (two processes) on each store, a fake reader, a clock moved by hand.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { InstanceConfig } from "@/lib/config";
import { defaultAlertThresholds } from "@/lib/policy/alerts";
import type { RedisSample } from "@/lib/redis/sample";
import { leasesHeldBy } from "@/lib/store/sampler-leases";
import { openTestStore, STORE_KINDS, type TestStore } from "@/tests/helpers/stores";
import { MetricsSampler } from "./sampler";

const fake: RedisSample = {
  runId: "r",
  uptimeSeconds: 1,
  usedBytes: 10,
  maxBytes: 1000,
  connectedClients: 1,
  maxClients: 100,
  latencyMs: 0.2,
  keys: 3,
  evictedKeys: 0,
  expiredKeys: 0,
  keyspaceHits: 0,
  keyspaceMisses: 0,
  totalCommands: 0,
};
const INTERVAL = 10_000;
const instances: InstanceConfig[] = ["a", "b", "c", "d"].map((id) => ({
  id,
  name: id,
  environment: "development",
  url: "redis://127.0.0.1:1/0",
  readOnly: false,
}));

describe.each(STORE_KINDS)("%s store: sampler leases across processes", (kind) => {
  let store: TestStore;
  let now = 1_800_000_000_000;
  const sampler = (owner: string) =>
    new MetricsSampler({
      db: store.db,
      instances,
      intervalMs: INTERVAL,
      thresholds: defaultAlertThresholds,
      rawRetentionMs: 3_600_000,
      rollupRetentionMs: 86_400_000,
      owner,
      read: async () => fake,
      now: () => now,
    });
  /** One sampling round of a process: every instance once, as its loop does each interval. */
  const round = async (s: MetricsSampler) => {
    for (const i of instances) await s.sampleOnce(i.id);
  };
  const held = (owner: string) => leasesHeldBy(store.db, owner, now);

  beforeEach(async () => {
    store = await openTestStore(kind);
  });
  afterEach(async () => {
    await store.close();
  });

  it("one process alone samples every instance", async () => {
    await round(sampler("p1"));
    expect(await held("p1")).toEqual(["a", "b", "c", "d"]);
  });

  it("a process that joins is handed its share, one lease a sample, and no instance is sampled twice", async () => {
    const p1 = sampler("p1");
    const p2 = sampler("p2");
    await round(p1);
    expect(await held("p1")).toHaveLength(4);
    for (let n = 0; n < 4; n++) {
      now += INTERVAL;
      await round(p2);
      await round(p1);
      const [h1, h2] = [await held("p1"), await held("p2")];
      expect(h1.filter((id) => h2.includes(id))).toEqual([]);
    }
    expect((await held("p1")).length).toBe(2);
    expect((await held("p2")).length).toBe(2);
    expect([...(await held("p1")), ...(await held("p2"))].sort()).toEqual(["a", "b", "c", "d"]);
  });

  it("a process that stops sampling leaves its instances to the other once its leases expire", async () => {
    const p1 = sampler("p1");
    const p2 = sampler("p2");
    for (let n = 0; n < 4; n++) {
      now += INTERVAL;
      await round(p1);
      await round(p2);
    }
    expect((await held("p2")).length).toBe(2);
    // p1 dies: no more samples, no release. Within the lease time p2 keeps its share only.
    now += p1.leaseMs / 2;
    await round(p2);
    expect((await held("p2")).length).toBe(2);
    // Past the lease time p1 is neither holding nor counted: p2 takes everything.
    now += p1.leaseMs;
    await round(p2);
    expect(await held("p2")).toEqual(["a", "b", "c", "d"]);
  });

  it("a process stopped cleanly gives its leases back at once", async () => {
    const p1 = sampler("p1");
    const p2 = sampler("p2");
    for (let n = 0; n < 4; n++) {
      now += INTERVAL;
      await round(p1);
      await round(p2);
    }
    await p1.stop();
    now += INTERVAL;
    await round(p2);
    expect(await held("p2")).toEqual(["a", "b", "c", "d"]);
  });
});
