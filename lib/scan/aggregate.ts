// Streaming aggregation of a keyspace scan: every key is added once and forgotten; what stays
// is bounded (per-pattern counters, lists capped at SCAN_LIST_CAP, top-N heaps, a capped
// prefix map), so memory is flat whatever the key count. Pure: no I/O, no clock.
import { classifyKey, matchPattern, type Classification, type CompiledPolicy } from "@/lib/policy/classify";
import { keyRef } from "@/lib/keys/encoding";
import {
  SCAN_LIST_CAP,
  SCAN_TOP_N,
  TTL_BUCKETS_SECONDS,
  type ScanBiggestEntry,
  type ScanKeyEntry,
  type ScanListName,
  type ScanPrefix,
  type ScanProblem,
  type ScanResult,
} from "@/lib/schemas/scans";
import { EffectivenessCounter, type AccessModeRead } from "./effectiveness";
import { TopN } from "./top-n";

/** Distinct prefixes tracked per group; past this, new prefixes are counted under "(other)". */
const MAX_PREFIXES = 10_000;
const PREFIXES_REPORTED = 50;

interface PatternStats {
  keys: number;
  bytes: number;
  sizeUnknown: number;
  noTtl: number;
  aboveStandard: number;
  possiblePii: number;
  /** One slot per TTL_BUCKETS_SECONDS bound plus the open bucket. */
  histogram: number[];
  access: EffectivenessCounter;
}

interface Candidate {
  key: Uint8Array;
  type: string;
  ttl: number | null;
  bytes: number | null;
  length: number;
  pattern: string | null;
}

/** A classified reason part of a scan could not be read (lib/redis's RedisError has these fields). */
export interface ReadProblem {
  kind: string;
  command?: string;
  message: string;
}

const MAX_PROBLEMS = 10;

/** Index of the histogram bucket for a TTL in seconds (ttl > 0). */
export function ttlBucketIndex(ttl: number): number {
  let lo = 0;
  let hi: number = TTL_BUCKETS_SECONDS.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ttl <= (TTL_BUCKETS_SECONDS[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** "isl:tmp:abc" -> "isl:tmp:", "sess:1" -> "sess:", "plain" -> "plain" (the first two segments). */
export function groupPrefix(key: Uint8Array): string {
  let colons = 0;
  for (let i = 0; i < key.length; i++) {
    if (key[i] === 0x3a && ++colons === 2) return keyRef(key.subarray(0, i + 1)).key;
  }
  if (colons === 1) return keyRef(key.subarray(0, key.indexOf(0x3a) + 1)).key;
  return keyRef(key).key;
}

function toEntry(c: Candidate): ScanKeyEntry {
  const ref = keyRef(c.key);
  return {
    key: ref.key,
    keyBase64: ref.keyBase64,
    type: c.type,
    ttl: c.ttl,
    bytes: c.bytes,
    pattern: c.pattern,
  };
}

function toBiggest(c: Candidate): ScanBiggestEntry {
  return { ...toEntry(c), length: c.length };
}

export class ScanAggregator {
  private readonly patterns = new Map<string, PatternStats>();
  private readonly classes = {
    ok: 0,
    noTtl: 0,
    aboveStandard: 0,
    unknownPattern: 0,
    foreign: 0,
    possiblePii: 0,
  };
  private readonly lists: Record<ScanListName, ScanKeyEntry[]> = {
    noTtl: [],
    aboveStandard: [],
    unknownPattern: [],
    foreign: [],
    possiblePii: [],
    unknown: [],
  };
  private readonly totals: Record<ScanListName, number> = {
    noTtl: 0,
    aboveStandard: 0,
    unknownPattern: 0,
    foreign: 0,
    possiblePii: 0,
    unknown: 0,
  };
  private readonly problems = new Map<string, ScanProblem>();
  private readonly byMemory = new TopN<Candidate>(SCAN_TOP_N);
  private readonly byLength = new TopN<Candidate>(SCAN_TOP_N);
  private readonly prefixes = {
    unknownPattern: new Map<string, ScanPrefix>(),
    foreign: new Map<string, ScanPrefix>(),
  };
  private keys = 0;
  private bytes = 0;
  private sizeUnknown = 0;
  /** Keys whose access figure was wanted (a mode was chosen) but not read. */
  private accessUnknown = 0;
  private vanishedKeys = 0;

  private readonly standardTtl = new Map<string, number>();

  constructor(private readonly compiled: CompiledPolicy) {
    for (const pattern of compiled.policy.patterns) {
      this.standardTtl.set(pattern.name, pattern.standardTtlSeconds);
      this.patterns.set(pattern.name, {
        keys: 0,
        bytes: 0,
        sizeUnknown: 0,
        noTtl: 0,
        aboveStandard: 0,
        possiblePii: 0,
        histogram: new Array<number>(TTL_BUCKETS_SECONDS.length + 1).fill(0),
        access: new EffectivenessCounter(),
      });
    }
  }

  /** One string key in `every` has its access figure read (see accessSampleEvery). */
  setAccessSampling(every: number): void {
    for (const stats of this.patterns.values()) stats.access.sampleEvery = every;
  }

  /** A key SCAN returned that was gone (TTL -2) when we looked: skipped, only counted. */
  vanished(count = 1): void {
    this.vanishedKeys += count;
  }

  get keyCount(): number {
    return this.keys;
  }

  /** MEMORY USAGE sum of the keys counted (sizes Redis refused left out). */
  get byteCount(): number {
    return this.bytes;
  }

  get vanishedCount(): number {
    return this.vanishedKeys;
  }

  get unknownCount(): number {
    return this.totals.unknown;
  }

  /**
   * Adds everything `other` counted (another node's part of the keyspace, same policy) as if its
   * keys had been added here: counters and histograms sum, lists append up to their cap, the
   * biggest keys compete again, prefixes merge under the same cap. `other` is left as it was.
   */
  merge(other: ScanAggregator): void {
    this.keys += other.keys;
    this.bytes += other.bytes;
    this.sizeUnknown += other.sizeUnknown;
    this.accessUnknown += other.accessUnknown;
    this.vanishedKeys += other.vanishedKeys;
    for (const name of Object.keys(this.classes) as (keyof typeof this.classes)[])
      this.classes[name] += other.classes[name];
    for (const [name, theirs] of other.patterns) {
      const ours = this.patterns.get(name);
      if (!ours) continue;
      ours.keys += theirs.keys;
      ours.bytes += theirs.bytes;
      ours.sizeUnknown += theirs.sizeUnknown;
      ours.noTtl += theirs.noTtl;
      ours.aboveStandard += theirs.aboveStandard;
      ours.possiblePii += theirs.possiblePii;
      theirs.histogram.forEach((n, i) => (ours.histogram[i] = (ours.histogram[i] ?? 0) + n));
      ours.access.merge(theirs.access);
    }
    for (const name of Object.keys(this.lists) as ScanListName[]) {
      this.totals[name] += other.totals[name];
      const room = SCAN_LIST_CAP - this.lists[name].length;
      if (room > 0) this.lists[name].push(...other.lists[name].slice(0, room));
    }
    for (const [id, p] of other.problems) {
      const known = this.problems.get(id);
      if (known) known.keys += p.keys;
      else if (this.problems.size < MAX_PROBLEMS) this.problems.set(id, { ...p });
    }
    for (const [score, c] of other.byMemory.entries()) this.byMemory.push(score, c);
    for (const [score, c] of other.byLength.entries()) this.byLength.push(score, c);
    for (const group of ["unknownPattern", "foreign"] as const) {
      const map = this.prefixes[group];
      for (const theirs of other.prefixes[group].values()) {
        const prefix = !map.has(theirs.prefix) && map.size >= MAX_PREFIXES ? "(other)" : theirs.prefix;
        const entry = map.get(prefix) ?? { prefix, keys: 0, bytes: 0 };
        entry.keys += theirs.keys;
        entry.bytes += theirs.bytes;
        map.set(prefix, entry);
      }
    }
  }

  /** A key whose metadata could not be read: listed as unknown, never counted as vanished or in a class. */
  unknown(key: Uint8Array, problem?: ReadProblem): void {
    this.list("unknown", {
      key: Uint8Array.from(key),
      type: "unknown",
      ttl: null,
      bytes: null,
      length: 0,
      pattern: matchPattern(this.compiled, key)?.pattern.name ?? null,
    });
    if (problem) this.problem(problem, "unknown");
  }

  /** Counts a refusal against the keys it hit; the first reasons are kept. */
  problem(p: ReadProblem, affects: ScanProblem["affects"]): void {
    const id = `${affects}:${p.kind}:${p.command ?? ""}`;
    const known = this.problems.get(id);
    if (known) known.keys++;
    else if (this.problems.size < MAX_PROBLEMS)
      this.problems.set(id, {
        kind: p.kind,
        ...(p.command ? { command: p.command } : {}),
        message: p.message,
        affects,
        keys: 1,
      });
  }

  /**
   * `ttl` is Redis's TTL reply (-1 = no expiry); -2 must go to vanished() instead. `bytes` null:
   * Redis refused MEMORY USAGE (counted in sizeUnknown, never as 0 bytes). `access`: the key's
   * OBJECT IDLETIME or OBJECT FREQ (`accessMode` says which), null where not read.
   */
  add(
    key: Uint8Array,
    type: string,
    ttl: number,
    bytes: number | null,
    length: number | null,
    access?: number | null,
    accessMode: AccessModeRead = "none",
  ): void {
    const verdict = classifyKey(this.compiled, key, ttl);
    const len = length ?? 0;
    this.keys++;
    if (bytes === null) this.sizeUnknown++;
    else this.bytes += bytes;
    this.countAccessUnknown(type, ttl, access, accessMode);
    this.classes[verdict.class]++;
    if (verdict.pattern !== null) this.countPattern(verdict, type, ttl, bytes, access, accessMode);
    else this.countPrefix(verdict.class === "foreign" ? "foreign" : "unknownPattern", key, bytes ?? 0);
    const listed = verdict.class !== "ok";
    const bigByMemory = bytes !== null && this.byMemory.accepts(bytes);
    const bigByLength = len > 0 && this.byLength.accepts(len);
    // Most keys are ok and small: they allocate nothing here.
    const c: Candidate | undefined =
      this.wantsListing(verdict) || bigByMemory || bigByLength
        ? { key: Uint8Array.from(key), type, ttl, bytes, length: len, pattern: verdict.pattern }
        : undefined;
    if (listed) this.list(verdict.class as ScanListName, c);
    if (verdict.possiblePii) {
      this.classes.possiblePii++;
      this.list("possiblePii", c);
    }
    if (c && bigByMemory) this.byMemory.push(bytes, c);
    if (c && bigByLength) this.byLength.push(len, c);
  }

  /** A key whose access figure was wanted (a string with a TTL) but not read: counted for the access problem. */
  private countAccessUnknown(
    type: string,
    ttl: number,
    access: number | null | undefined,
    accessMode: AccessModeRead,
  ): void {
    if (access === null && accessMode !== "none" && type === "string" && ttl > 0) this.accessUnknown++;
  }

  /** Whether a list this key belongs on still has room for its entry. */
  private wantsListing(verdict: Classification): boolean {
    return (
      (verdict.class !== "ok" && this.lists[verdict.class as ScanListName].length < SCAN_LIST_CAP) ||
      (verdict.possiblePii && this.lists.possiblePii.length < SCAN_LIST_CAP)
    );
  }

  private countPattern(
    verdict: Classification,
    type: string,
    ttl: number,
    bytes: number | null,
    access: number | null | undefined,
    accessMode: AccessModeRead,
  ): void {
    const stats = verdict.pattern === null ? undefined : this.patterns.get(verdict.pattern);
    if (!stats) return;
    stats.keys++;
    const standard = this.standardTtl.get(verdict.pattern as string);
    if (standard !== undefined) stats.access.add(type, ttl, standard, access, accessMode);
    if (bytes === null) stats.sizeUnknown++;
    else stats.bytes += bytes;
    if (verdict.class === "noTtl") stats.noTtl++;
    else {
      const b = ttlBucketIndex(ttl);
      stats.histogram[b] = (stats.histogram[b] ?? 0) + 1;
    }
    if (verdict.class === "aboveStandard") stats.aboveStandard++;
    if (verdict.possiblePii) stats.possiblePii++;
  }

  private list(name: ScanListName, c: Candidate | undefined): void {
    this.totals[name]++;
    if (c && this.lists[name].length < SCAN_LIST_CAP) this.lists[name].push(toEntry(c));
  }

  private countPrefix(group: "unknownPattern" | "foreign", key: Uint8Array, bytes: number): void {
    const map = this.prefixes[group];
    let prefix = groupPrefix(key);
    if (!map.has(prefix) && map.size >= MAX_PREFIXES) prefix = "(other)";
    let entry = map.get(prefix);
    if (!entry) {
      entry = { prefix, keys: 0, bytes: 0 };
      map.set(prefix, entry);
    }
    entry.keys++;
    entry.bytes += bytes;
  }

  result(durationMs: number): ScanResult {
    const topPrefixes = (map: Map<string, ScanPrefix>) =>
      [...map.values()]
        .sort((a, b) => b.keys - a.keys || a.prefix.localeCompare(b.prefix))
        .slice(0, PREFIXES_REPORTED);
    return {
      keys: this.keys,
      bytes: this.bytes,
      durationMs,
      vanished: this.vanishedKeys,
      unknown: this.totals.unknown,
      sizeUnknown: this.sizeUnknown,
      // A size reason is found once; it stands for every key whose size is unknown.
      problems: [...this.problems.values()].map((p) =>
        p.affects === "size"
          ? { ...p, keys: this.sizeUnknown }
          : p.affects === "access"
            ? { ...p, keys: this.accessUnknown }
            : p,
      ),
      classes: { ...this.classes },
      patterns: this.compiled.policy.patterns.map((p) => {
        const s = this.patterns.get(p.name) as PatternStats;
        return {
          name: p.name,
          pattern: p.template,
          keys: s.keys,
          bytes: s.bytes,
          avgBytes: s.keys - s.sizeUnknown > 0 ? Math.round(s.bytes / (s.keys - s.sizeUnknown)) : 0,
          sizeUnknown: s.sizeUnknown,
          typicalBytes: p.typicalBytes,
          expected: { min: p.expectedKeys.min, max: p.expectedKeys.max },
          standardTtlSeconds: p.standardTtlSeconds,
          noTtl: s.noTtl,
          aboveStandard: s.aboveStandard,
          possiblePii: s.possiblePii,
          ttlHistogram: s.histogram.map((count, i) => ({ le: TTL_BUCKETS_SECONDS[i] ?? null, count })),
          effectiveness: s.access.result(),
        };
      }),
      lists: {
        noTtl: [...this.lists.noTtl],
        aboveStandard: [...this.lists.aboveStandard],
        unknownPattern: [...this.lists.unknownPattern],
        foreign: [...this.lists.foreign],
        possiblePii: [...this.lists.possiblePii],
        unknown: [...this.lists.unknown],
      },
      listTotals: { ...this.totals },
      biggest: {
        byMemory: this.byMemory.sorted().map(toBiggest),
        byLength: this.byLength.sorted().map(toBiggest),
      },
      prefixes: {
        unknownPattern: topPrefixes(this.prefixes.unknownPattern),
        foreign: topPrefixes(this.prefixes.foreign),
      },
    };
  }
}
