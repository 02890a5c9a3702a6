// Per-pattern cache effectiveness from the access figure a scan reads with each key's metadata
// (OBJECT IDLETIME under LRU-clock policies, OBJECT FREQ under LFU): of the keys written with the
// pattern's standard TTL, how many were read since they were written, how many never were, and
// at what point of their life they were last read. Pure: counters in, counts out.
//
// What the figures assume, stated where they are shown (ACCESS_ASSUMPTIONS):
//   - a key was written once, with the pattern's standard TTL (SET ... EX / SETEX), so its age is
//     standard TTL - remaining TTL; keys whose remaining TTL is above the standard (or none) are
//     not judged;
//   - only strings are judged: ISL's cached values are strings, and the scan's own length read
//     (HLEN, LLEN ...) resets a collection's idle time for the next scan;
//   - Redis's clocks tick in whole seconds: a read within ACCESS_TOLERANCE_SECONDS of the write
//     cannot be told from the write, and keys younger than that are not judged;
//   - under LFU a key counts as read while its counter is above its initial value; the counter
//     loses one per lfu-decay-time minutes (default 1, counted in clock minutes), so a single read
//     a minute or more after the write, or reads long ago, look like no read (the never-read share
//     is an upper bound), and there is no "when".
import type { ScanEffectiveness } from "@/lib/schemas/scans";

/** Reads within this many seconds of the write look like the write itself (1 s clocks, TTL rounding). */
export const ACCESS_TOLERANCE_SECONDS = 2;
/** A new key's LFU counter (Redis's LFU_INIT_VAL): above it, the key was read since. */
export const LFU_INIT_VAL = 5;
/** "Last read at x % of the TTL" in buckets of 10 %. */
export const LAST_READ_BUCKETS = 10;
/**
 * Up to this many keys, every string key's access figure is read; above, one in n (n = keys / this,
 * rounded up), so about this many are judged whatever the size: the shares of 100,000 keys are
 * within a fraction of a percent, and a large keyspace does not pay an extra OBJECT call per key.
 */
export const ACCESS_SAMPLE_TARGET = 100_000;

/** Read one string key's access figure in this many, for a keyspace of `total` keys. */
export function accessSampleEvery(total: number): number {
  return Math.max(1, Math.ceil(total / ACCESS_SAMPLE_TARGET));
}

export type AccessModeRead = "idle" | "freq" | "none";

export type AccessVerdict =
  | {
      judged: true;
      read: boolean;
      /** 0..LAST_READ_BUCKETS-1, idle mode and read only. */ bucket: number | null;
    }
  | { judged: false; why: keyof ScanEffectiveness["notJudged"] };

/**
 * Judges one key. `ttl` Redis's TTL reply (-1 none), `access` the idle seconds or LFU counter
 * (null: not read or refused; undefined: left out of the sample), `mode` what `access` is.
 */
export function judgeAccess(
  type: string,
  ttl: number,
  standardTtlSeconds: number,
  access: number | null | undefined,
  mode: AccessModeRead,
): AccessVerdict {
  if (type !== "string") return { judged: false, why: "notString" };
  if (ttl <= 0 || ttl > standardTtlSeconds) return { judged: false, why: "ttlOutside" };
  if (access === null || mode === "none") return { judged: false, why: "unknown" };
  if (access === undefined) return { judged: false, why: "notSampled" };
  const age = standardTtlSeconds - ttl;
  if (mode === "freq") return { judged: true, read: access > LFU_INIT_VAL, bucket: null };
  if (age < ACCESS_TOLERANCE_SECONDS) return { judged: false, why: "tooYoung" };
  // Idle longer than the age: the key's TTL was not set by its write (an EXPIRE later, a shorter TTL).
  if (access > age + ACCESS_TOLERANCE_SECONDS) return { judged: false, why: "inconsistent" };
  const sinceWrite = age - access;
  if (sinceWrite < ACCESS_TOLERANCE_SECONDS) return { judged: true, read: false, bucket: null };
  const at = sinceWrite / standardTtlSeconds;
  return {
    judged: true,
    read: true,
    bucket: Math.min(LAST_READ_BUCKETS - 1, Math.floor(at * LAST_READ_BUCKETS)),
  };
}

/** One pattern's counters; merged across a cluster's nodes by adding. */
export class EffectivenessCounter {
  idleJudged = 0;
  idleRead = 0;
  freqJudged = 0;
  freqRead = 0;
  lastRead = new Array<number>(LAST_READ_BUCKETS).fill(0);
  /** One string key in this many had its figure read. */
  sampleEvery = 1;
  notJudged: ScanEffectiveness["notJudged"] = {
    notString: 0,
    ttlOutside: 0,
    tooYoung: 0,
    unknown: 0,
    inconsistent: 0,
    notSampled: 0,
  };

  add(
    type: string,
    ttl: number,
    standardTtlSeconds: number,
    access: number | null | undefined,
    mode: AccessModeRead,
  ): void {
    const v = judgeAccess(type, ttl, standardTtlSeconds, access, mode);
    if (!v.judged) {
      this.notJudged[v.why]++;
      return;
    }
    if (mode === "freq") {
      this.freqJudged++;
      if (v.read) this.freqRead++;
      return;
    }
    this.idleJudged++;
    if (v.read) this.idleRead++;
    if (v.bucket !== null) this.lastRead[v.bucket] = (this.lastRead[v.bucket] ?? 0) + 1;
  }

  merge(other: EffectivenessCounter): void {
    this.idleJudged += other.idleJudged;
    this.idleRead += other.idleRead;
    this.freqJudged += other.freqJudged;
    this.freqRead += other.freqRead;
    this.sampleEvery = Math.max(this.sampleEvery, other.sampleEvery);
    other.lastRead.forEach((n, i) => (this.lastRead[i] = (this.lastRead[i] ?? 0) + n));
    for (const k of Object.keys(this.notJudged) as (keyof ScanEffectiveness["notJudged"])[])
      this.notJudged[k] += other.notJudged[k];
  }

  result(): ScanEffectiveness {
    const judged = this.idleJudged + this.freqJudged;
    const read = this.idleRead + this.freqRead;
    const mode =
      this.idleJudged > 0 && this.freqJudged > 0
        ? "mixed"
        : this.freqJudged > 0
          ? "freq"
          : this.idleJudged > 0
            ? "idle"
            : null;
    // A "when" exists only where every judged key carried an idle time.
    const histogram =
      mode === "idle"
        ? this.lastRead.map((count, i) => ({
            from: i / LAST_READ_BUCKETS,
            to: (i + 1) / LAST_READ_BUCKETS,
            count,
          }))
        : null;
    return {
      mode,
      judged,
      read,
      neverRead: judged - read,
      readShare: judged > 0 ? read / judged : null,
      neverReadShare: judged > 0 ? (judged - read) / judged : null,
      lastReadHistogram: histogram,
      notJudged: { ...this.notJudged },
      toleranceSeconds: ACCESS_TOLERANCE_SECONDS,
      sampleEvery: this.sampleEvery,
      ...(mode === null ? { reason: noFigureReason(this.notJudged) } : {}),
      ...(mode === "freq" || mode === "mixed"
        ? {
            reason:
              'LFU policy: Redis keeps a decaying read counter, not the time of the last read: no "when"; the counter loses one per lfu-decay-time minutes, so a single read a minute after the write, or reads long ago, look like none (the never-read share is an upper bound)',
          }
        : {}),
    };
  }
}

function noFigureReason(n: ScanEffectiveness["notJudged"]): string {
  if (n.unknown > 0)
    return "the access figure (OBJECT IDLETIME / FREQ) was not read: refused (see the scan's problems) or not meaningful where the scan ran (a replica)";
  if (n.ttlOutside + n.notString + n.tooYoung + n.inconsistent + n.notSampled === 0) return "no keys";
  return "no string key written with the standard TTL could be judged";
}

/** What the figures assume: shown next to them and in the review's text. */
export const ACCESS_ASSUMPTIONS =
  `Judged: string keys whose remaining TTL is at most the pattern's standard, assumed written once with the standard TTL (age = standard TTL − remaining TTL). ` +
  `Read since written: OBJECT IDLETIME at least ${ACCESS_TOLERANCE_SECONDS} s under the age (Redis's clocks tick in seconds, so a read within ${ACCESS_TOLERANCE_SECONDS} s of the write is not seen); ` +
  `under an LFU policy, an OBJECT FREQ counter above ${LFU_INIT_VAL} (it decays by one per lfu-decay-time minutes: a single read long after the write can look like none, so the never-read share is an upper bound). Collections are not judged: the scan's own length read resets their idle time. ` +
  `A key re-expired after its write (idle time longer than its age) is not judged. ` +
  `Above ${ACCESS_SAMPLE_TARGET.toLocaleString("en-US")} keys the figure is read for one string key in n (a systematic sample in SCAN order), so the counts are a sample's and the shares estimates.`;
