// The demo keyspace as data: key names, values and TTLs for `npm run seed:demo`, derived from a seed.
// Pure: the same seed and scale always give the same keys, bytes and TTLs (no clock, no Math.random).
// Shapes and sizes follow the ops guide; ids are its compute_cache_key (first 16 hex of a SHA-256).
import { createHash } from "node:crypto";
import { defaultPolicy } from "@/lib/policy/default-policy";

/** Keys per pattern at pilot scale (the middle of the guide's expected ranges). */
export const PILOT_COUNTS = { beliefs: 75, ident: 25, result: 150, sensitivity: 40 } as const;
export type DemoPattern = keyof typeof PILOT_COUNTS;
export const DEMO_PATTERNS = Object.keys(PILOT_COUNTS) as DemoPattern[];

export type DemoValue =
  | { type: "string"; value: string }
  | { type: "hash"; value: Record<string, string> }
  | { type: "list"; value: string[] };

export type DemoKey = DemoValue & {
  key: Buffer;
  /** Seconds; null writes the key without expiry. */
  ttlSeconds: number | null;
  /** The policy pattern the key's prefix belongs to, or null (unknown pattern, foreign). */
  pattern: DemoPattern | null;
  /** Bytes of the value as written (JSON text, or the sum of fields/elements). */
  valueBytes: number;
  /** Set on the planted problems: what an operator should find. */
  problem?: string;
};

const HOUR = 3600;
/** Values carry timestamps relative to this instant, so the bytes do not depend on when we run. */
const BASE_TIME_MS = Date.UTC(2025, 10, 20, 12, 0, 0);
const MIN_TTL_SECONDS = 60;

export function standardTtl(pattern: DemoPattern): number {
  const found = defaultPolicy.patterns.find((p) => p.name === pattern);
  if (!found) throw new Error(`default policy has no pattern ${pattern}`);
  return found.standardTtlSeconds;
}

function prefix(pattern: DemoPattern): string {
  return `isl:${pattern}:`;
}

/** Keys per pattern for a scale, planted keys not included. */
export function regularCounts(scale: number): Record<DemoPattern, number> {
  const counts = {} as Record<DemoPattern, number>;
  for (const p of DEMO_PATTERNS) counts[p] = Math.max(1, Math.round(PILOT_COUNTS[p] * scale));
  return counts;
}

/** json.dumps(data, sort_keys=True, separators=(",", ":")) for flat objects, as the guide hashes. */
function digest(data: Record<string, string | number>): Buffer {
  const sorted = Object.fromEntries(Object.entries(data).sort(([a], [b]) => (a < b ? -1 : 1)));
  return createHash("sha256").update(JSON.stringify(sorted)).digest();
}

/** sfc32 seeded from 16 digest bytes: small, fast and the same on every platform. */
function rngFrom(bytes: Buffer): () => number {
  let a = bytes.readUInt32LE(0);
  let b = bytes.readUInt32LE(4);
  let c = bytes.readUInt32LE(8);
  let d = bytes.readUInt32LE(12);
  return () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

type Rng = () => number;

/** The id and a random stream for one key: the id is the hash's first 16 hex, the stream its last 16 bytes. */
function identity(data: Record<string, string | number>): { id: string; rng: Rng } {
  const d = digest(data);
  return { id: d.toString("hex").slice(0, 16), rng: rngFrom(d.subarray(16, 32)) };
}

const round = (x: number, places = 3) => Number(x.toFixed(places));
const between = (rng: Rng, lo: number, hi: number) => lo + rng() * (hi - lo);
const intBetween = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)] as T;
}

// prettier-ignore
const VARIABLES = [
  "price", "elasticity", "demand", "churn", "cost", "margin", "marketing_spend", "seasonality", "competitor_price",
  "discount", "conversion", "retention", "lead_time", "capacity", "inventory", "wage", "interest_rate", "fx_rate",
  "region", "segment", "channel", "quality", "satisfaction", "tenure",
] as const;
const variable = (i: number) =>
  i < VARIABLES.length
    ? VARIABLES[i]
    : `${VARIABLES[i % VARIABLES.length]}_${Math.floor(i / VARIABLES.length)}`;

function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** When a key with this remaining TTL was written, if it was written with the standard TTL. */
function computedAt(standard: number, ttl: number): string {
  return isoTime(BASE_TIME_MS - Math.max(0, standard - ttl) * 1000);
}

const FILL = "\u0000fill\u0000";
const FILL_JSON = JSON.stringify(FILL);

/**
 * Serialises `base` with its array `field` filled by `item(0)`, `item(1)`, ... (each JSON text)
 * while the whole stays within `target` bytes. Works on text, not objects: at --scale 1000 this
 * runs for about 15 million items.
 */
function fillTo(
  base: Record<string, unknown>,
  field: string,
  target: number,
  item: (i: number) => string,
): string {
  const [before = "", after = ""] = JSON.stringify({ ...base, [field]: FILL }).split(FILL_JSON);
  const items: string[] = [];
  let size = before.length + after.length + 2;
  for (let i = 0; ; i++) {
    const next = item(i);
    const add = next.length + (items.length > 0 ? 1 : 0);
    if (size + add > target) break;
    items.push(next);
    size += add;
  }
  return `${before}[${items.join(",")}]${after}`;
}

function beliefsValue(rng: Rng, userId: string, at: string): string {
  const target = intBetween(rng, 430, 570);
  const answers = ["a", "b", "c", "d"] as const;
  return fillTo(
    {
      user_id: userId,
      preferences: {
        risk_tolerance: round(rng(), 2),
        time_horizon: pick(rng, ["short", "medium", "long"]),
        confidence: round(between(rng, 0.4, 0.99), 2),
      },
      last_updated: at,
      question_count: intBetween(rng, 1, 20),
      answers: [],
    },
    "answers",
    target,
    (i) =>
      JSON.stringify({
        q: `q${String(i + 1).padStart(2, "0")}`,
        choice: answers[(i * 7 + userId.charCodeAt(i % userId.length)) % 4],
        w: round(((i * 37) % 100) / 100, 2),
      }),
  );
}

function identValue(rng: Rng, dagHash: string, at: string): string {
  const target = intBetween(rng, 880, 1170);
  const identifiable = rng() < 0.85;
  const nodes = intBetween(rng, 6, 14);
  return fillTo(
    {
      dag_hash: dagHash,
      identifiable,
      treatment: "X",
      outcome: "Y",
      adjustment_set: identifiable ? [variable(intBetween(rng, 0, 5)), variable(intBetween(rng, 6, 11))] : [],
      backdoor_paths: identifiable ? [] : [["X", variable(intBetween(rng, 0, 9)), "Y"]],
      estimand: identifiable ? "sum_z P(Y|X,Z)P(Z)" : null,
      edges: [],
      computed_at: at,
    },
    "edges",
    target,
    () => {
      const from = intBetween(rng, 0, nodes - 1);
      return JSON.stringify([variable(from), variable((from + intBetween(rng, 1, nodes - 1)) % nodes)]);
    },
  );
}

function resultValue(rng: Rng, requestHash: string, at: string): string {
  const target = intBetween(rng, 5120, 10240);
  const mean = between(rng, 20, 80);
  const sd = between(rng, 2, 12);
  const ci = (z: number) => [round(mean - z * sd, 2), round(mean + z * sd, 2)];
  const bins = 40;
  const lo = mean - 3 * sd;
  const width = (6 * sd) / bins;
  return fillTo(
    {
      request_hash: requestHash,
      outcome_range: ci(2.5),
      confidence_intervals: { "0.5": ci(0.674), "0.8": ci(1.282), "0.95": ci(1.96) },
      mean: round(mean, 3),
      std_dev: round(sd, 3),
      samples: 10000,
      computed_at: at,
      sample_statistics: [],
    },
    "sample_statistics",
    target,
    (i) => {
      const bin = i % bins;
      const x = (bin - bins / 2 + 0.5) / (bins / 6);
      const count = Math.round((10000 / bins) * 2.5 * Math.exp(-(x * x) / 2) * between(rng, 0.85, 1.15));
      // Hand-built JSON: this is the hot loop of a large seed.
      return `{"run":${Math.floor(i / bins)},"bin_start":${round(lo + bin * width)},"bin_end":${round(lo + (bin + 1) * width)},"count":${count}}`;
    },
  );
}

function sensitivityValue(rng: Rng, modelHash: string, at: string): string {
  const target = intBetween(rng, 1750, 2350);
  const share = between(rng, 0.35, 0.65);
  return fillTo(
    {
      model_hash: modelHash,
      method: pick(rng, ["sobol", "morris", "tornado"]),
      computed_at: at,
      top_drivers: [],
    },
    "top_drivers",
    target,
    (i) =>
      JSON.stringify({
        variable: variable(i),
        contribution: round(share * 0.85 ** i, 4),
        direction: i % 3 === 1 ? "negative" : "positive",
      }),
  );
}

const builders: Record<DemoPattern, (rng: Rng, id: string, at: string) => string> = {
  beliefs: beliefsValue,
  ident: identValue,
  result: resultValue,
  sensitivity: sensitivityValue,
};

function stringKey(
  key: string | Buffer,
  pattern: DemoPattern | null,
  value: string,
  ttlSeconds: number | null,
): DemoKey {
  return {
    key: typeof key === "string" ? Buffer.from(key, "utf8") : key,
    type: "string",
    value,
    ttlSeconds,
    pattern,
    valueBytes: Buffer.byteLength(value),
  };
}

/** Key `index` of a pattern: TTL spread uniformly over (1 min, standard], as keys written steadily over time. */
export function regularKey(seed: string, pattern: DemoPattern, index: number): DemoKey {
  const { id, rng } = identity({ seed, pattern, n: index });
  const standard = standardTtl(pattern);
  const ttl = intBetween(rng, MIN_TTL_SECONDS, standard);
  return stringKey(
    `${prefix(pattern)}${id}`,
    pattern,
    builders[pattern](rng, id, computedAt(standard, ttl)),
    ttl,
  );
}

/** Every regular key for a seed and scale, pattern by pattern, produced lazily (memory stays flat). */
export function* regularKeys(seed: string, scale: number): Generator<DemoKey> {
  const counts = regularCounts(scale);
  for (const pattern of DEMO_PATTERNS) {
    for (let i = 0; i < counts[pattern]; i++) yield regularKey(seed, pattern, i);
  }
}

function planted(
  seed: string,
  name: string,
  pattern: DemoPattern,
  ttl: number | null,
  problem: string,
): DemoKey {
  const { id, rng } = identity({ seed, planted: name });
  const standard = standardTtl(pattern);
  const value = builders[pattern](rng, id, computedAt(standard, ttl ?? standard));
  return { ...stringKey(`${prefix(pattern)}${id}`, pattern, value, ttl), problem };
}

/**
 * The policy violations and oddities an operator should find: keys without TTL, TTLs above
 * standard, an unknown pattern, a readable user id, a foreign key, a binary key name, and a
 * hash and a list where JSON strings are expected. All but the no-TTL ones expire.
 */
export function plantedKeys(seed: string): DemoKey[] {
  const keys: DemoKey[] = [];
  for (let i = 1; i <= 3; i++) {
    keys.push(planted(seed, `ident-no-ttl-${i}`, "ident", null, "no TTL (TTL -1): written without expiry"));
  }
  keys.push(
    planted(seed, "beliefs-long-ttl", "beliefs", 72 * HOUR, "TTL above standard: 72 h, standard 24 h"),
  );
  keys.push(planted(seed, "result-long-ttl", "result", 24 * HOUR, "TTL above standard: 24 h, standard 2 h"));
  keys.push(
    planted(seed, "sensitivity-long-ttl", "sensitivity", 12 * HOUR, "TTL above standard: 12 h, standard 4 h"),
  );

  const scratch = identity({ seed, planted: "scratch" });
  keys.push({
    ...stringKey(
      `isl:scratch:${scratch.id}`,
      null,
      JSON.stringify({
        note: "ad-hoc debugging dump",
        request_hash: scratch.id,
        created_at: isoTime(BASE_TIME_MS),
      }),
      HOUR,
    ),
    problem: "unknown pattern: isl:scratch: matches no policy pattern",
  });

  const user = identity({ seed, planted: "readable-user" });
  keys.push({
    ...stringKey(
      "isl:beliefs:user_123",
      "beliefs",
      beliefsValue(user.rng, "user_123", computedAt(24 * HOUR, 12 * HOUR)),
      12 * HOUR,
    ),
    problem: "possible PII: readable user id instead of a hash",
  });

  keys.push({
    ...stringKey(
      "plot:session:42",
      null,
      JSON.stringify({ session: 42, owner: "plot", started_at: isoTime(BASE_TIME_MS) }),
      30 * 60,
    ),
    problem: "foreign: outside the isl: namespace (the instance is dedicated to ISL)",
  });

  const binary = identity({ seed, planted: "binary-name" });
  const binaryValue = resultValue(binary.rng, binary.id, computedAt(2 * HOUR, HOUR));
  keys.push({
    ...stringKey(
      Buffer.concat([Buffer.from("isl:result:"), Buffer.from([0xff, 0xfe, 0x00, 0x01])]),
      "result",
      binaryValue,
      HOUR,
    ),
    problem: "binary key name: id bytes ff fe 00 01 are not a hash",
  });

  keys.push(plantedHash(seed));
  keys.push(plantedList(seed));
  return keys;
}

function plantedHash(seed: string): DemoKey {
  const { id, rng } = identity({ seed, planted: "sensitivity-hash" });
  const fields: Record<string, string> = {
    model_hash: id,
    method: "sobol",
    computed_at: computedAt(4 * HOUR, 2 * HOUR),
  };
  for (let i = 0; i < 40; i++) fields[`driver:${variable(i)}`] = String(round(rng() * 0.6 ** (i / 4), 4));
  const valueBytes = Object.entries(fields).reduce((n, [f, v]) => n + f.length + v.length, 0);
  return {
    key: Buffer.from(`isl:sensitivity:${id}`),
    type: "hash",
    value: fields,
    ttlSeconds: 2 * HOUR,
    pattern: "sensitivity",
    valueBytes,
    problem: "hash under a pattern whose values are JSON strings",
  };
}

function plantedList(seed: string): DemoKey {
  const { id, rng } = identity({ seed, planted: "result-list" });
  const elements: string[] = [];
  for (let i = 0; i < 60; i++) {
    elements.push(
      JSON.stringify({ run: i, outcome: round(between(rng, 40, 70), 3), weight: round(rng(), 4) }),
    );
  }
  return {
    key: Buffer.from(`isl:result:${id}`),
    type: "list",
    value: elements,
    ttlSeconds: HOUR,
    pattern: "result",
    valueBytes: elements.reduce((n, e) => n + e.length, 0),
    problem: "list under a pattern whose values are JSON strings",
  };
}
