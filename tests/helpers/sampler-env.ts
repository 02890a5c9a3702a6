// A metrics sampler over a store of its own, for a test file that samples Redis it started: the
// SQLite store in a fresh data directory and a MetricsSampler with the shipped retention (48 h of
// raw samples, 14 days of rollups). `close()` stops the sampler, closes the Redis connections and
// the store, and removes the directory; every step runs even when one before it failed.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { InstanceConfig } from "@/lib/config";
import { MetricsSampler, type SamplerOptions } from "@/lib/metrics/sampler";
import { closeAllConnections } from "@/lib/redis/connection";
import { openStore, type Db } from "@/lib/store/db";
import { teardown } from "./teardown";

export interface SamplerEnv {
  db: Db;
  sampler: MetricsSampler;
  /** The data directory the store lives in. */
  dir: string;
  close(): Promise<void>;
}

type Retention = "rawRetentionMs" | "rollupRetentionMs";

/** The sampler's interval and thresholds (a file's ReadSettings fit), owner, and any other option. */
export type SamplerEnvOptions = Omit<SamplerOptions, "db" | "instances" | Retention> &
  Partial<Pick<SamplerOptions, Retention>>;

/**
 * Opens the store (in `isl-<name>-…` under the temp dir, so a leftover one names its file) and a
 * sampler of `instances`, not started: a test calls `sampleOnce` or `start`. When opening fails,
 * what was opened is closed and the directory removed before the error is thrown.
 */
export async function openSamplerEnv(
  name: string,
  instances: InstanceConfig[],
  options: SamplerEnvOptions,
): Promise<SamplerEnv> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `isl-${name}-`));
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  let db: Db;
  try {
    db = openStore(dir);
  } catch (err) {
    removeDir();
    throw err;
  }
  let sampler: MetricsSampler;
  try {
    sampler = new MetricsSampler({
      rawRetentionMs: 48 * 3_600_000,
      rollupRetentionMs: 14 * 86_400_000,
      ...options,
      instances,
      db,
    });
  } catch (err) {
    // The opening error is the one to report, not a failure of the clean-up after it.
    await teardown(db, removeDir).catch(() => undefined);
    throw err;
  }
  return {
    db,
    sampler,
    dir,
    close: () => teardown(sampler, closeAllConnections, db, removeDir),
  };
}
