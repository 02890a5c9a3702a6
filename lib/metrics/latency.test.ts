import { describe, expect, it } from "vitest";
import type { StoredSample } from "@/lib/store/samples";
import { latencyMinutes } from "./latency";

const T0 = Date.UTC(2026, 10, 29, 10, 0, 0);

function sample(t: number, latencyMs: number | null, reachable = true): StoredSample {
  return {
    instanceId: "x",
    t,
    reachable,
    error: null,
    runId: null,
    uptimeSeconds: null,
    usedBytes: null,
    maxBytes: null,
    connectedClients: null,
    maxClients: null,
    latencyMs,
    keys: null,
    evictedKeys: null,
    expiredKeys: null,
    keyspaceHits: null,
    keyspaceMisses: null,
    totalCommands: null,
    deltas: null,
  };
}

describe("latencyMinutes", () => {
  it("gives min, p50, p95 and max of each minute's PING round trips", () => {
    const samples = Array.from({ length: 20 }, (_, i) => sample(T0 + i * 3000, i + 1));
    const [minute] = latencyMinutes(samples, T0, T0 + 60_000);
    expect(minute).toEqual({ t: T0, samples: 20, minMs: 1, p50Ms: 10, p95Ms: 19, maxMs: 20 });
  });

  it("leaves a minute without reachable samples as a gap, not a zero", () => {
    const samples = [sample(T0 + 1000, 2), sample(T0 + 61_000, null, false), sample(T0 + 125_000, 4)];
    const minutes = latencyMinutes(samples, T0, T0 + 180_000);
    expect(minutes.map((m) => m.samples)).toEqual([1, 0, 1]);
    expect(minutes[1]).toMatchObject({ minMs: null, p50Ms: null, p95Ms: null, maxMs: null });
  });

  it("starts on a whole minute and ignores samples outside the window", () => {
    const samples = [sample(T0 - 1, 50), sample(T0 + 30_000, 1), sample(T0 + 120_000, 70)];
    const minutes = latencyMinutes(samples, T0 + 10_000, T0 + 120_000);
    expect(minutes.map((m) => m.t)).toEqual([T0, T0 + 60_000]);
    expect(minutes[0]?.maxMs).toBe(1);
  });
});
