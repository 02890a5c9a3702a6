// Readings for metrics tests: what a small healthy Redis answers the sampler (`fakeRedisSample`),
// and rows of the sample tables built from it. A test overrides the fields it asserts on.
import type { RedisSample } from "@/lib/redis/sample";
import type { StoredNodeSample } from "@/lib/store/node-samples";
import type { StoredSample } from "@/lib/store/samples";

/** A standalone server with three keys and no traffic yet. */
export const fakeRedisSample: RedisSample = {
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

/** An instance's reachable sample at `t`, with fakeRedisSample's figures and no deltas. */
export function storedSample(instanceId: string, t: number, over: Partial<StoredSample> = {}): StoredSample {
  return { instanceId, t, reachable: true, error: null, ...fakeRedisSample, deltas: null, ...over };
}

/** A reachable master's row at `t` with fakeRedisSample's figures (no uptime: node rows have none). */
export function storedNodeSample(
  instanceId: string,
  t: number,
  node: string,
  over: Partial<StoredNodeSample> = {},
): StoredNodeSample {
  const { uptimeSeconds: _uptime, ...figures } = fakeRedisSample;
  return {
    instanceId,
    t,
    node,
    role: "master",
    master: null,
    slots: [],
    flags: [],
    reachable: true,
    error: null,
    ...figures,
    deltas: null,
    linkStatus: null,
    linkDownSeconds: null,
    lagSeconds: null,
    offsetBehind: null,
    connectedReplicas: null,
    clusterState: null,
    persistence: null,
    ...over,
  };
}
