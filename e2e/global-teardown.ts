import { readFileSync, rmSync } from "node:fs";
import type { E2eState } from "./global-setup";
import { e2eEnv, stateFile } from "./support/env";
import { killQuietly } from "./support/processes";

export default async function globalTeardown(): Promise<void> {
  let state: E2eState | undefined;
  try {
    state = JSON.parse(readFileSync(stateFile(), "utf8")) as E2eState;
  } catch {
    return;
  }
  killQuietly(state.consolePid);
  killQuietly(state.demoRedisPid, "SIGKILL");
  killQuietly(state.chaosRedisPid, "SIGKILL");
  for (const pid of state.clusterPids ?? []) killQuietly(pid, "SIGKILL");
  for (const dir of state.clusterDirs ?? []) rmSync(dir, { recursive: true, force: true });
  if (!process.env.E2E_KEEP) rmSync(e2eEnv.workDir, { recursive: true, force: true });
}
