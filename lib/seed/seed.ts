// Fills a Redis with the demo keyspace of values.ts (`npm run seed:demo`, e2e set-up).
// Refuses production instances and non-empty databases (every master of a cluster is asked; unless
// forced, and even then it only writes its own keys: it never deletes or flushes). Writes in
// pipelined batches, one pipeline per node (a cluster routes each key by its slot), keeping one
// batch in flight while the next is generated, so --scale 1000 takes seconds and flat memory.
import "server-only";
import type { InstanceConfig } from "@/lib/config";
import { displayKey, toBase64 } from "@/lib/keys/encoding";
import { withRedis, type KeyClient } from "@/lib/redis/connection";
import { instanceAddress } from "@/lib/redis/instances";
import { keysPerNode, writeKeyBatch } from "@/lib/redis/seed-writes";
import {
  DEMO_PATTERNS,
  plantedKeys,
  regularCounts,
  regularKeys,
  standardTtl,
  type DemoKey,
  type DemoPattern,
} from "./values";

export const DEFAULT_SEED = "isl-demo";
export const MAX_SCALE = 10_000;

export class SeedRefusedError extends Error {
  override name = "SeedRefusedError";
  constructor(
    readonly reason: "production" | "not-empty",
    message: string,
  ) {
    super(message);
  }
}

export interface SeedProgress {
  written: number;
  total: number;
  elapsedMs: number;
}

export interface SeedOptions {
  seed?: string;
  scale?: number;
  /** Write into a non-empty database (adds and overwrites the demo keys only). */
  force?: boolean;
  /** A batch is sent when it holds this many keys or this many value bytes. */
  batchKeys?: number;
  batchBytes?: number;
  /** Called after each batch Redis has acknowledged. */
  onProgress?: (progress: SeedProgress) => void;
}

export interface PatternSummary {
  pattern: DemoPattern;
  /** Regular keys, then keys planted under the pattern's prefix. */
  keys: number;
  planted: number;
  standardTtlSeconds: number;
  ttlMinSeconds: number;
  ttlMaxSeconds: number;
  averageBytes: number;
}

export interface PlantedSummary {
  key: string;
  keyBase64: string;
  type: DemoKey["type"];
  /** null: no expiry. */
  ttlSeconds: number | null;
  problem: string;
}

export interface SeedSummary {
  instanceId: string;
  address: string;
  seed: string;
  scale: number;
  keysWritten: number;
  valueBytes: number;
  elapsedMs: number;
  /** Keys in the database before and after, summed over the keyspace nodes (a cluster's masters). */
  dbsizeBefore: number;
  dbsizeAfter: number;
  /** Per keyspace node: the keys it held before and after. */
  nodes: { address: string; keysBefore: number; keysAfter: number }[];
  patterns: PatternSummary[];
  planted: PlantedSummary[];
}

interface Tally {
  keys: number;
  planted: number;
  ttlMin: number;
  ttlMax: number;
  bytes: number;
}

function newTallies(): Record<DemoPattern, Tally> {
  const tallies = {} as Record<DemoPattern, Tally>;
  for (const p of DEMO_PATTERNS)
    tallies[p] = { keys: 0, planted: 0, ttlMin: Infinity, ttlMax: -Infinity, bytes: 0 };
  return tallies;
}

function* allKeys(seed: string, scale: number, planted: DemoKey[]): Generator<DemoKey> {
  yield* regularKeys(seed, scale);
  yield* planted;
}

async function writeKeys(
  client: KeyClient,
  keys: Iterable<DemoKey>,
  total: number,
  options: SeedOptions,
  onKey: (k: DemoKey) => void,
) {
  const maxKeys = options.batchKeys ?? 500;
  const maxBytes = options.batchBytes ?? 4 * 1024 * 1024;
  const started = Date.now();
  let batch: DemoKey[] = [];
  let batchBytes = 0;
  let written = 0;
  let inFlight: Promise<void> | undefined;

  const flush = async () => {
    if (batch.length === 0) return;
    const sending = batch;
    batch = [];
    batchBytes = 0;
    const previous = inFlight;
    inFlight = writeKeyBatch(client, sending).then(() => {
      written += sending.length;
      options.onProgress?.({ written, total, elapsedMs: Date.now() - started });
    });
    // Observed at the next await; this only stops Node reporting it as unhandled meanwhile.
    inFlight.catch(() => undefined);
    await previous;
  };

  for (const k of keys) {
    batch.push(k);
    onKey(k);
    batchBytes += k.valueBytes;
    if (batch.length >= maxKeys || batchBytes >= maxBytes) await flush();
  }
  await flush();
  await inFlight;
}

/** Seeds `instance` (its configured database) with the demo keyspace and says what it wrote. */
export async function seedDemo(instance: InstanceConfig, options: SeedOptions = {}): Promise<SeedSummary> {
  const seed = options.seed ?? DEFAULT_SEED;
  const scale = options.scale ?? 1;
  if (!(Number.isFinite(scale) && scale > 0 && scale <= MAX_SCALE)) {
    throw new RangeError(`scale must be a number above 0 and at most ${MAX_SCALE}, got ${scale}`);
  }
  if (seed === "") throw new RangeError("seed must not be empty");
  const address = instanceAddress(instance);
  if (instance.environment === "production") {
    throw new SeedRefusedError(
      "production",
      `instance ${instance.id} (${address}) is a production instance; demo data is never written there`,
    );
  }

  return withRedis(instance, async (redis) => {
    const before = await keysPerNode(instance);
    const dbsizeBefore = before.reduce((n, s) => n + s.keys, 0);
    if (dbsizeBefore > 0 && !options.force) {
      const where =
        before.length === 1
          ? `database ${address} already holds ${dbsizeBefore} keys`
          : `the cluster already holds ${dbsizeBefore} keys (${before
              .filter((s) => s.keys > 0)
              .map((s) => `${s.keys} on ${s.address}`)
              .join(", ")})`;
      throw new SeedRefusedError(
        "not-empty",
        `${where}; demo data goes only into an empty database ` +
          "(--force writes the demo keys anyway: it adds and overwrites its own keys and deletes nothing)",
      );
    }
    const started = Date.now();
    const planted = plantedKeys(seed);
    const counts = regularCounts(scale);
    const total = DEMO_PATTERNS.reduce((n, p) => n + counts[p], 0) + planted.length;
    const tallies = newTallies();
    let valueBytes = 0;
    await writeKeys(redis, allKeys(seed, scale, planted), total, options, (k) => {
      valueBytes += k.valueBytes;
      if (!k.pattern) return;
      const t = tallies[k.pattern];
      t.keys++;
      if (k.problem) {
        t.planted++;
        return;
      }
      t.bytes += k.valueBytes;
      const ttl = k.ttlSeconds ?? 0;
      t.ttlMin = Math.min(t.ttlMin, ttl);
      t.ttlMax = Math.max(t.ttlMax, ttl);
    });
    return {
      instanceId: instance.id,
      address,
      seed,
      scale,
      keysWritten: total,
      valueBytes,
      elapsedMs: Date.now() - started,
      dbsizeBefore,
      ...(await keysPerNode(instance).then((after) => ({
        dbsizeAfter: after.reduce((n, s) => n + s.keys, 0),
        nodes: after.map((s) => ({
          address: s.address,
          keysBefore: before.find((b) => b.address === s.address)?.keys ?? 0,
          keysAfter: s.keys,
        })),
      }))),
      patterns: DEMO_PATTERNS.map((pattern) => {
        const t = tallies[pattern];
        const regular = t.keys - t.planted;
        return {
          pattern,
          keys: t.keys,
          planted: t.planted,
          standardTtlSeconds: standardTtl(pattern),
          ttlMinSeconds: t.ttlMin,
          ttlMaxSeconds: t.ttlMax,
          averageBytes: regular > 0 ? Math.round(t.bytes / regular) : 0,
        };
      }),
      planted: planted.map((k) => ({
        key: displayKey(k.key),
        keyBase64: toBase64(k.key),
        type: k.type,
        ttlSeconds: k.ttlSeconds,
        problem: k.problem ?? "",
      })),
    };
  });
}
