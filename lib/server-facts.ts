// What a Redis server reports that lib/policy judges: INFO persistence, the CONFIG facts, version
// order. Types and pure helpers that import nothing, so lib/redis (which reads these facts) and
// lib/policy (which judges them) share them without depending on each other.

/** INFO persistence, the fields the persistence check judges. */
export interface PersistenceInfo {
  loading: boolean;
  rdbChangesSinceLastSave: number;
  rdbBgsaveInProgress: boolean;
  /** Unix seconds of the last successful save (the server's start when it never saved). */
  rdbLastSaveTime: number;
  /** "ok" or "err". */
  rdbLastBgsaveStatus: string;
  /** Seconds the last background save took; -1 when none ran. */
  rdbLastBgsaveTimeSec: number;
  /** Seconds the running background save has taken so far; -1 when none runs. */
  rdbCurrentBgsaveTimeSec: number;
  aofEnabled: boolean;
  aofRewriteInProgress: boolean;
  aofLastBgrewriteStatus: string;
  aofLastWriteStatus: string;
}

/** What the server told us; null = could not be read (CONFIG disabled, command refused). */
export interface ConfigFacts {
  /** Bytes; 0 = no limit. */
  maxmemory: number | null;
  maxmemoryPolicy: string | null;
  /** CONFIG GET save, e.g. "900 1 300 10 60 10000"; "" = snapshots off. */
  save: string | null;
  maxclients: number | null;
  connectedClients: number | null;
  /** The console reaches the instance over TLS (rediss:// or REDIS_TLS). */
  tls: boolean;
  /** "required": clients must authenticate; "open": the default user needs no password. */
  auth: "required" | "open" | null;
  /** How `auth` was learnt, for the actual column. */
  authSource?: "requirepass" | "acl" | "credentials";
  version: string | null;
  /** CONFIG GET was refused (managed service, rename-command): say so next to unknown values. */
  configDisabled: boolean;
  /** Why CONFIG GET was refused: the console's ACL user may not run it, or the server does not offer it. */
  configRefusal?: "permission" | "unsupported";
  /** CONFIG GET notify-keyspace-events ("" = off); null or absent = could not be read. */
  notifyKeyspaceEvents?: string | null;
  /** CONFIG GET latency-tracking ("yes"/"no"); null or absent = could not be read. */
  latencyTracking?: string | null;
  /** CONFIG GET latency-tracking-info-percentiles ("50 99 99.9"); null or absent = could not be read. */
  latencyPercentiles?: string | null;
  /** INFO persistence; null or absent = could not be read. */
  persistence?: PersistenceInfo | null;
  /** When the facts were read (ms since the epoch): the age of the last save is judged against it. */
  readAt?: number;
}

/** "7.0.15" >= "6.0.0", numerically by part. */
export function versionAtLeast(version: string, minimum: string): boolean {
  const a = version.split(".").map((n) => Number.parseInt(n, 10) || 0);
  const b = minimum.split(".").map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}
