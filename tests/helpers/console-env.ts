// One console process's environment for a test file: a fresh data directory (the SQLite store
// lives there), the env vars the file needs, the configuration re-read. `close()` closes the Redis
// connections, removes the directory and puts back the env vars it changed.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export interface ConsoleEnv {
  dataDir: string;
  close(): Promise<void>;
}

/** Env vars to set (undefined: unset), or a function of the new data directory giving them. */
type Vars = Record<string, string | undefined>;

export async function consoleEnv(
  name: string,
  env: Vars | ((dataDir: string) => Vars) = {},
): Promise<ConsoleEnv> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `isl-${name}-`));
  const vars: Vars = { CONSOLE_DATA_DIR: dataDir, ...(typeof env === "function" ? env(dataDir) : env) };
  const saved = Object.keys(vars).map((k) => [k, process.env[k]] as const);
  const apply = (entries: Iterable<readonly [string, string | undefined]>) => {
    for (const [k, v] of entries) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(Object.entries(vars));
  (await import("@/lib/config")).resetConfigForTests();
  const { closeAllConnections } = await import("@/lib/redis/connection");
  return {
    dataDir,
    async close() {
      await closeAllConnections();
      apply(saved);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
