// Several console processes sampling through one store share the instances' leases: each takes its
// fair share, a process that joins gets leases handed over, one that stops leaves them to the
// others. Two samplers (two processes) on each store, a fake reader, a clock moved by hand.
import { describe, expect, it } from "vitest";
import type { InstanceConfig } from "@/lib/config";
import { defaultAlertThresholds } from "@/lib/policy/alerts";
import { latestSample, samplesBetween } from "@/lib/store/samples";
import { leasesHeldBy } from "@/lib/store/sampler-leases";
import { fakeRedisSample } from "@/tests/helpers/samples";
import { STORE_KINDS, useTestStore } from "@/tests/helpers/stores";
import { HANDOVER_AFTER_UNREACHABLE, MetricsSampler, UNREACHABLE_MARK_MS } from "./sampler";

const INTERVAL = 10_000;
const instances: InstanceConfig[] = ["a", "b", "c", "d"].map((id) => ({
  id,
  name: id,
  environment: "development",
  url: "redis://127.0.0.1:1/0",
  readOnly: false,
}));

describe.each(STORE_KINDS)("%s store: sampler leases across processes", (kind) => {
  const store = useTestStore(kind);
  let now = 1_800_000_000_000;
  /** A sampling process; the instances in `cannotReach` refuse its connections. */
  const sampler = (owner: string, cannotReach: Set<string> = new Set()) =>
    new MetricsSampler({
      db: store.db,
      instances,
      intervalMs: INTERVAL,
      thresholds: defaultAlertThresholds,
      rawRetentionMs: 3_600_000,
      rollupRetentionMs: 86_400_000,
      owner,
      read: async (instance) => {
        if (cannotReach.has(instance.id)) throw new Error("connect ECONNREFUSED 127.0.0.1:1");
        return fakeRedisSample;
      },
      now: () => now,
    });
  /** One sampling round of a process: every instance once, as its loop does each interval. */
  const round = async (s: MetricsSampler) => {
    for (const i of instances) await s.sampleOnce(i.id);
  };
  const held = (owner: string) => leasesHeldBy(store.db, owner, now);
  /** Two processes sampling side by side for `rounds` intervals, by default long enough to share the leases. */
  const twoSharing = async (p1 = sampler("p1"), p2 = sampler("p2"), rounds = 4) => {
    for (let n = 0; n < rounds; n++) {
      now += INTERVAL;
      await round(p1);
      await round(p2);
    }
    return [p1, p2] as const;
  };
  /** Every instance is held by exactly one of the processes. */
  const expectEachHeldOnce = async (...owners: string[]) => {
    const all = (await Promise.all(owners.map(held))).flat().sort();
    expect(all).toEqual(["a", "b", "c", "d"]);
  };
  const latestReachable = async (instanceId: string) => (await latestSample(store.db, instanceId))?.reachable;

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
    const [p1, p2] = await twoSharing();
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
    const [p1, p2] = await twoSharing();
    await p1.stop();
    now += INTERVAL;
    await round(p2);
    expect(await held("p2")).toEqual(["a", "b", "c", "d"]);
  });

  it("an instance one process cannot reach is handed to one that can, which keeps it beyond its share", async () => {
    // p1 is cut off from whichever instance it holds first; p2 reaches everything.
    const cut = new Set<string>();
    const p1 = sampler("p1", cut);
    const p2 = sampler("p2");
    await twoSharing(p1, p2);
    const [lost] = await held("p1");
    expect(lost).toBeDefined();
    cut.add(lost as string);
    await twoSharing(p1, p2, HANDOVER_AFTER_UNREACHABLE + 2);
    expect(await held("p2")).toContain(lost);
    expect(await held("p1")).not.toContain(lost);
    await expectEachHeldOnce("p1", "p2");
    // Sampled by the process that reaches it: the instance reads reachable again.
    expect(await latestReachable(lost as string)).toBe(true);
    // It stays there: p1 does not take it back, and p2 gives none of its own share away for it.
    await twoSharing(p1, p2, 6);
    expect(await held("p2")).toContain(lost);
    expect((await held("p2")).length).toBe(3);
    await expectEachHeldOnce("p1", "p2");
    expect(await latestReachable(lost as string)).toBe(true);
  });

  it("an instance no process can reach stays with one of them, sampled as unreachable", async () => {
    const p1 = sampler("p1", new Set(["a"]));
    const p2 = sampler("p2", new Set(["a"]));
    await twoSharing(p1, p2, 4 * HANDOVER_AFTER_UNREACHABLE);
    await expectEachHeldOnce("p1", "p2");
    expect(await latestReachable("a")).toBe(false);
    // Still sampled every interval, whoever holds it: no gap opens between handovers.
    const from = now - 3 * INTERVAL;
    const recent = (await samplesBetween(store.db, "a", from, now)).length;
    expect(recent).toBeGreaterThanOrEqual(3);
  });

  it("a process that can reach the instance again takes its share back once its mark lapses", async () => {
    const cut = new Set<string>();
    const p1 = sampler("p1", cut);
    const p2 = sampler("p2");
    await twoSharing(p1, p2);
    const [lost] = await held("p1");
    cut.add(lost as string);
    await twoSharing(p1, p2, HANDOVER_AFTER_UNREACHABLE + 2);
    expect(await held("p2")).toContain(lost);
    cut.clear();
    now += UNREACHABLE_MARK_MS;
    await twoSharing(p1, p2, 6);
    expect((await held("p1")).length).toBe(2);
    expect((await held("p2")).length).toBe(2);
    await expectEachHeldOnce("p1", "p2");
  });
});
