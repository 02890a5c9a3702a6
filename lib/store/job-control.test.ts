import { describe, expect, it } from "vitest";
import { STORE_KINDS, useTestStore } from "@/tests/helpers/stores";
import {
  beatJob,
  failAbandonedScans,
  finishJob,
  JOB_ALIVE_MS,
  liveJob,
  liveJobIds,
  liveJobsOf,
  registerJob,
  requestJobCancel,
} from "./job-control";
import { clearFailures, failuresSince, recordFailure } from "./login-failures";
import { getScan, insertScan } from "./scans";

const t0 = 1_800_000_000_000;

describe.each(STORE_KINDS)("%s job control and sign-in failures", (kind) => {
  const store = useTestStore(kind, { per: "suite" });

  it("a running job is live while it beats, carries its progress, and goes when finished", async () => {
    await registerJob(store.db, { id: "j1", kind: "action", instanceId: "a", owner: "p1", now: t0, body: { scanned: 0 } });
    expect(await beatJob(store.db, "j1", t0 + 1000, { scanned: 50 })).toBeNull();
    expect(await liveJob(store.db, "j1", t0 + 1000 + JOB_ALIVE_MS)).toMatchObject({
      kind: "action",
      owner: "p1",
      body: { scanned: 50 },
    });
    // No beat for longer than JOB_ALIVE_MS: its process is taken for dead.
    expect(await liveJob(store.db, "j1", t0 + 1001 + JOB_ALIVE_MS)).toBeUndefined();
    expect((await liveJobsOf(store.db, "action", "a", t0 + 2000)).map((j) => j.id)).toEqual(["j1"]);
    expect(await liveJobsOf(store.db, "scan", "a", t0 + 2000)).toEqual([]);
    expect([...(await liveJobIds(store.db, t0 + 2000))]).toContain("j1");
    await finishJob(store.db, "j1");
    expect(await liveJob(store.db, "j1", t0 + 2000)).toBeUndefined();
  });

  it("a cancel asked by another process reaches the running one at its next beat, once", async () => {
    await registerJob(store.db, { id: "j2", kind: "scan", instanceId: "a", owner: "p1", now: t0 });
    expect(await requestJobCancel(store.db, "j2", "alice", t0 + 500)).toBe(true);
    // The first request stands: the audit names who asked first.
    expect(await requestJobCancel(store.db, "j2", "bob", t0 + 600)).toBe(true);
    expect(await beatJob(store.db, "j2", t0 + 1000)).toBe("alice");
    // A dead job (no beat) cannot be cancelled: nothing would pick the request up.
    expect(await requestJobCancel(store.db, "j2", "carol", t0 + 1001 + JOB_ALIVE_MS)).toBe(false);
    expect(await requestJobCancel(store.db, "nope", "carol", t0)).toBe(false);
    await finishJob(store.db, "j2");
  });

  it("fails only the scans whose process stopped beating", async () => {
    const base = { instance: "s", match: "*", mode: "gentle" as const, trigger: "manual" as const, total: 10 };
    await insertScan(store.db, { ...base, id: "alive", startedAt: new Date(t0).toISOString() });
    await insertScan(store.db, { ...base, id: "dead", startedAt: new Date(t0).toISOString() });
    await insertScan(store.db, { ...base, id: "orphan", startedAt: new Date(t0).toISOString() });
    await registerJob(store.db, { id: "alive", kind: "scan", instanceId: "s", owner: "p1", now: t0 + 20_000 });
    await registerJob(store.db, { id: "dead", kind: "scan", instanceId: "s", owner: "p2", now: t0 });
    expect(await failAbandonedScans(store.db, t0 + 20_000)).toBe(2);
    expect((await getScan(store.db, "alive"))?.status).toBe("running");
    expect(await getScan(store.db, "dead")).toMatchObject({ status: "failed", error: expect.stringMatching(/stopped/) });
    expect((await getScan(store.db, "orphan"))?.status).toBe("failed");
    expect(await liveJob(store.db, "dead", t0)).toBeUndefined();
    await finishJob(store.db, "alive");
  });

  it("sign-in failures count per key in the window, expired rows go, a key clears", async () => {
    await recordFailure(store.db, ["u:x", "a:1.2.3.4"], t0, t0 - 900_000);
    await recordFailure(store.db, ["u:x", "a:1.2.3.4"], t0 + 1000, t0 + 1000 - 900_000);
    expect(await failuresSince(store.db, "u:x", t0)).toEqual([t0, t0 + 1000]);
    expect(await failuresSince(store.db, "u:x", t0 + 1)).toEqual([t0 + 1000]);
    // A failure 15 min later deletes what fell out of the window.
    await recordFailure(store.db, ["u:y"], t0 + 900_500, t0 + 500);
    expect(await failuresSince(store.db, "u:x", 0)).toEqual([t0 + 1000]);
    await clearFailures(store.db, "u:x");
    expect(await failuresSince(store.db, "u:x", 0)).toEqual([]);
    expect(await failuresSince(store.db, "a:1.2.3.4", 0)).toEqual([t0 + 1000]);
  });
});
