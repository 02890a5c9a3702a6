// One console process's environment for a test file: a fresh data directory (the SQLite store
// lives there), the env vars the file needs, the configuration re-read. `close()` closes the Redis
// connections, removes the directory and puts back the env vars it changed.
// `consoleEnvWithInstances` configures the console by an instances file in that directory.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
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
  let vars: Vars;
  try {
    vars = { CONSOLE_DATA_DIR: dataDir, ...(typeof env === "function" ? env(dataDir) : env) };
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const saved = Object.keys(vars).map((k) => [k, process.env[k]] as const);
  const apply = (entries: Iterable<readonly [string, string | undefined]>) => {
    for (const [k, v] of entries) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  const restore = () => {
    apply(saved);
    rmSync(dataDir, { recursive: true, force: true });
  };
  apply(Object.entries(vars));
  let closeAllConnections: () => Promise<void>;
  try {
    (await import("@/lib/config")).resetConfigForTests();
    ({ closeAllConnections } = await import("@/lib/redis/connection"));
  } catch (err) {
    restore();
    throw err;
  }
  return {
    dataDir,
    async close() {
      try {
        await closeAllConnections();
      } finally {
        restore();
      }
    },
  };
}

/**
 * A console configured by `instances` alone, as entries of an instances file (written to the data
 * directory): no REDIS_URL instance beside them, and the default policy.
 */
export function consoleEnvWithInstances(name: string, instances: unknown[]): Promise<ConsoleEnv> {
  return consoleEnv(name, (dataDir) => {
    const file = path.join(dataDir, "instances.json");
    writeFileSync(file, JSON.stringify(instances));
    return { ISL_INSTANCES_FILE: file, REDIS_URL: undefined, ISL_POLICY_FILE: undefined };
  });
}
