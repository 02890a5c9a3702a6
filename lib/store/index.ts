// The process-wide store handle, opened on first use from the configured data directory.
import "server-only";
import { getConfig } from "@/lib/config";
import { openStore, type Db } from "./db";

export type { Db } from "./db";

const registry = globalThis as typeof globalThis & { __islStore?: Db };

export function getStore(): Db {
  registry.__islStore ??= openStore(getConfig().dataDir);
  return registry.__islStore;
}
