// Rollups and retention, run by the sampler about once a minute per instance it owns: roll every
// finished minute into metric_rollups, then drop raw samples past their retention (48 h default)
// (per-node rows and per-command latency with them) and rollups past theirs (14 d default; failover events with them). Deletes go in small chunks with a yield between them, so
// a long backlog never holds the store (and the API requests waiting on it) for long.
import "server-only";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import type { Db } from "@/lib/store";
import { pruneRollups, rollUp, rollupWatermark } from "@/lib/store/rollups";
import { pruneCommandLatency } from "@/lib/store/command-latency";
import { pruneEvents, pruneNodeSamples } from "@/lib/store/node-samples";
import { oldestSampleT, pruneSamples } from "@/lib/store/samples";

const MINUTE = 60_000;
/** A minute is rolled up once this long after its end, so its last sample has landed. */
const SETTLE_MS = 5_000;

export interface RetentionSettings {
  rawRetentionMs: number;
  rollupRetentionMs: number;
}

export async function maintainInstance(
  db: Db,
  instanceId: string,
  now: number,
  settings: RetentionSettings,
): Promise<void> {
  const upTo = Math.floor((now - SETTLE_MS) / MINUTE) * MINUTE;
  // The first time, roll up everything raw there is (even past retention) before pruning it.
  const from =
    (await rollupWatermark(db, instanceId)) ??
    Math.floor(((await oldestSampleT(db, instanceId)) ?? now) / MINUTE) * MINUTE;
  // Roll up a day at a time: each statement stays short even after a long pause.
  for (let start = from; start < upTo; start += 1440 * MINUTE) {
    await rollUp(db, instanceId, start, Math.min(upTo, start + 1440 * MINUTE));
    await yieldToEventLoop();
  }
  while ((await pruneSamples(db, instanceId, now - settings.rawRetentionMs)) > 0) await yieldToEventLoop();
  while ((await pruneNodeSamples(db, instanceId, now - settings.rawRetentionMs)) > 0) await yieldToEventLoop();
  while ((await pruneCommandLatency(db, instanceId, now - settings.rawRetentionMs)) > 0)
    await yieldToEventLoop();
  await pruneRollups(db, instanceId, now - settings.rollupRetentionMs);
  await pruneEvents(db, instanceId, now - settings.rollupRetentionMs);
}
