// The process-wide store handle, opened on first use: PostgreSQL when DATABASE_URL is set (several
// replicas share it), else the SQLite file in the configured data directory.
import "server-only";
import { getConfig } from "@/lib/config";
import { openStore, type Db } from "./db";
import { PostgresDb } from "./postgres";

export type { Db } from "./db";

const registry = globalThis as typeof globalThis & { __islStore?: Db };

export function getStore(): Db {
  if (!registry.__islStore) {
    const config = getConfig();
    registry.__islStore = config.databaseUrl ? new PostgresDb(config.databaseUrl) : openStore(config.dataDir);
  }
  return registry.__islStore;
}

/** Which store this process uses (the health endpoint says it; never the URL). */
export function storeKind(): Db["dialect"] {
  return getStore().dialect;
}
