// The weekly key-distribution review, computed from one finished scan, the stored scan closest to
// 7 days earlier and the sampler's memory history. Pure: everything, `now` included, is passed in.
import { formatDuration, formatTime } from "@/lib/format";
import { ACCESS_ASSUMPTIONS } from "@/lib/scan/effectiveness";
import type {
  KeysStatus,
  Review,
  ReviewChange,
  ReviewPattern,
  ReviewRecommendation,
  ReviewTtlBucket,
  SizeFlag,
} from "@/lib/schemas/review";
import type { ScanEffectiveness, ScanJob, ScanPattern, ScanResult, TtlBucket } from "@/lib/schemas/scans";
import type { Environment } from "@/lib/policy/types";
import { projectCapacity, type CapacityOptions, type MemoryPoint } from "./capacity";

export interface ReviewOptions {
  /** How far before the scan the baseline should be. */
  baselineOffsetMs: number;
  /** A baseline further than this from the target is no week-over-week comparison: ignored. */
  baselineToleranceMs: number;
  /** Entries kept in the biggest-keys tables and in the unknown/foreign samples. */
  topN: number;
  capacity?: Partial<CapacityOptions>;
}

const DAY_MS = 86_400_000;

export const DEFAULT_REVIEW_OPTIONS: ReviewOptions = {
  baselineOffsetMs: 7 * DAY_MS,
  baselineToleranceMs: 3 * DAY_MS,
  topN: 20,
};

/** A finished scan: the job with its result. */
export type DoneScan = ScanJob & { result: ScanResult };

export interface ReviewInput {
  instance: { id: string; name: string; environment: Environment };
  scan: DoneScan;
  /** The stored scan closest to `baselineTarget(scan)`, if any (it may be this scan itself). */
  baseline: ScanJob | null | undefined;
  memory: { points: readonly MemoryPoint[]; maxBytes: number | null; maxBytesUnknown?: string };
  now: number;
}

export function isDoneScan(job: ScanJob | null | undefined): job is DoneScan {
  return job?.status === "done" && job.result !== undefined;
}

/** The time whose closest stored scan is the baseline: 7 days before the scan started. */
export function baselineTarget(
  scan: Pick<ScanJob, "startedAt">,
  options: Partial<ReviewOptions> = {},
): string {
  const offset = options.baselineOffsetMs ?? DEFAULT_REVIEW_OPTIONS.baselineOffsetMs;
  return new Date(Date.parse(scan.startedAt) - offset).toISOString();
}

export function keysStatus(keys: number, expected: { min: number; max: number }): KeysStatus {
  if (keys < expected.min) return "below";
  if (keys > expected.max) return "above";
  return "within";
}

/** Off by more than 2x either way is flagged; exactly 2x (or half) is still typical. */
export function sizeFlag(
  avgBytes: number,
  typicalBytes: number,
): { ratio: number | null; flag: SizeFlag | null } {
  if (typicalBytes <= 0) return { ratio: null, flag: null };
  const ratio = avgBytes / typicalBytes;
  return { ratio, flag: ratio > 2 ? "large" : ratio < 0.5 ? "small" : "typical" };
}

/** Labels the non-cumulative buckets (previous le, le] and marks those wholly above the standard TTL. */
export function labelTtlHistogram(
  buckets: readonly TtlBucket[],
  standardTtlSeconds: number,
): ReviewTtlBucket[] {
  let previous = 0;
  return buckets.map((b) => {
    const lower = previous;
    if (b.le !== null) previous = b.le;
    const label =
      b.le === null
        ? `> ${formatDuration(lower)}`
        : lower === 0
          ? `≤ ${formatDuration(b.le)}`
          : `${formatDuration(lower)} – ${formatDuration(b.le)}`;
    return { le: b.le, count: b.count, label, overStandard: lower >= standardTtlSeconds };
  });
}

/** A never-read share at or above this gets a recommendation. */
export const NEVER_READ_SHARE_THRESHOLD = 0.3;
/** Of the keys read since written, this share last read in the final LATE_READ_FROM of their life or more. */
export const LATE_READ_SHARE_THRESHOLD = 0.1;
/** "The last 10 % of their life": last read at 90 % of the TTL or later. */
export const LATE_READ_FROM = 0.9;
/** Fewer judged keys than this say too little for a recommendation. */
export const MIN_JUDGED_KEYS = 20;
/** TTLs the guide suggests ("Cache Hit Rate Optimization": consider beliefs=48h). */
export const GUIDE_TTL_SUGGESTIONS: Readonly<Record<string, number>> = { beliefs: 48 * 3600 };

const percent = (share: number) => `${Math.round(share * 100)} %`;

/** Recommendations from one pattern's cache effectiveness (none when too few keys were judged). */
export function recommendTtl(
  name: string,
  standardTtlSeconds: number,
  e: ScanEffectiveness | null | undefined,
): ReviewRecommendation[] {
  if (!e || e.mode === null || e.judged < MIN_JUDGED_KEYS || e.neverReadShare === null) return [];
  const out: ReviewRecommendation[] = [];
  if (e.neverReadShare >= NEVER_READ_SHARE_THRESHOLD) {
    const text =
      e.mode === "idle"
        ? `${percent(e.neverReadShare)} of ${name} keys are never read again: their memory buys no hits`
        : `${percent(e.neverReadShare)} of ${name} keys show no recent read (LFU counter at its initial value): their memory likely buys no hits`;
    out.push({
      kind: "never-read",
      text,
      share: e.neverReadShare,
      threshold: NEVER_READ_SHARE_THRESHOLD,
      suggestedTtlSeconds: null,
    });
  }
  const late = lateReadShare(e);
  if (late !== null && late >= LATE_READ_SHARE_THRESHOLD) {
    const guide = GUIDE_TTL_SUGGESTIONS[name] ?? null;
    const hint =
      guide !== null && guide > standardTtlSeconds
        ? `the guide suggests ${guide % 3600 === 0 ? `${guide / 3600} h` : formatDuration(guide)}`
        : `longer than the standard ${formatDuration(standardTtlSeconds)}; the guide names no figure`;
    out.push({
      kind: "late-reads",
      text: `${name} keys are still read in the last ${percent(1 - LATE_READ_FROM)} of their life (${percent(late)} of the keys read): a longer TTL would likely raise the hit rate (${hint})`,
      share: late,
      threshold: LATE_READ_SHARE_THRESHOLD,
      suggestedTtlSeconds: guide !== null && guide > standardTtlSeconds ? guide : null,
    });
  }
  return out;
}

/** Of the keys read since written, the share last read at LATE_READ_FROM of the TTL or later; null without a histogram. */
export function lateReadShare(e: ScanEffectiveness): number | null {
  if (!e.lastReadHistogram || e.read === 0) return null;
  const late = e.lastReadHistogram
    .filter((b) => b.from >= LATE_READ_FROM - 1e-9)
    .reduce((n, b) => n + b.count, 0);
  return late / e.read;
}

/** How the effectiveness figures were read (each node's policy) and what they assume. */
export function effectivenessNote(r: ScanResult): string {
  const how = new Set<string>();
  for (const n of r.nodes ?? []) {
    if (!n.access) continue;
    const figure =
      n.access.mode === "idle"
        ? "OBJECT IDLETIME"
        : n.access.mode === "freq"
          ? "OBJECT FREQ"
          : `nothing (${n.access.note ?? "no policy read"})`;
    how.add(`${figure} under maxmemory-policy ${n.access.policy ?? "unknown"}`);
  }
  if (how.size === 0)
    return "This scan read no access figure (it was stored before the console read them): no cache effectiveness.";
  return `Read with ${[...how].join("; ")}. ${ACCESS_ASSUMPTIONS}`;
}

function reviewPattern(
  p: ScanPattern,
  totalBytes: number,
  before: ScanPattern | undefined,
  hasBaseline: boolean,
): ReviewPattern {
  const sized = p.keys - p.sizeUnknown;
  const avgBytes = sized > 0 ? Math.round(p.bytes / sized) : null;
  const size = avgBytes === null ? { ratio: null, flag: null } : sizeFlag(avgBytes, p.typicalBytes);
  return {
    name: p.name,
    pattern: p.pattern,
    keys: p.keys,
    expected: p.expected,
    keysStatus: keysStatus(p.keys, p.expected),
    bytes: p.bytes,
    sizeUnknown: p.sizeUnknown,
    shareOfBytes: totalBytes > 0 ? Math.min(1, p.bytes / totalBytes) : 0,
    avgBytes,
    typicalBytes: p.typicalBytes,
    sizeRatio: size.ratio,
    sizeFlag: size.flag,
    standardTtlSeconds: p.standardTtlSeconds,
    noTtl: p.noTtl,
    aboveStandard: p.aboveStandard,
    possiblePii: p.possiblePii,
    ttlHistogram: labelTtlHistogram(p.ttlHistogram, p.standardTtlSeconds),
    // A pattern the baseline did not know (the policy changed) started from zero.
    change: hasBaseline
      ? { keys: p.keys - (before?.keys ?? 0), bytes: p.bytes - (before?.bytes ?? 0) }
      : null,
    effectiveness: p.effectiveness ?? null,
    recommendations: recommendTtl(p.name, p.standardTtlSeconds, p.effectiveness),
  };
}

interface BaselineVerdict {
  baseline: DoneScan | null;
  note: string;
}

/** Whether the stored scan nearest the target can serve as the week-over-week baseline. */
export function judgeBaseline(
  scan: DoneScan,
  candidate: ScanJob | null | undefined,
  options: ReviewOptions,
): BaselineVerdict {
  const want = formatDuration(options.baselineOffsetMs / 1000);
  if (!isDoneScan(candidate) || candidate.id === scan.id) {
    return {
      baseline: null,
      note: `no earlier scan stored to compare with (wanted one from about ${want} before this one)`,
    };
  }
  const target = Date.parse(scan.startedAt) - options.baselineOffsetMs;
  const started = Date.parse(candidate.startedAt);
  if (started >= Date.parse(scan.startedAt) || Math.abs(started - target) > options.baselineToleranceMs) {
    return {
      baseline: null,
      note: `no stored scan from about ${want} before this one (the nearest, ${formatTime(candidate.startedAt)}, is too far from ${formatTime(target)})`,
    };
  }
  if (candidate.match !== scan.match) {
    return {
      baseline: null,
      note: `the scan from ${formatTime(candidate.startedAt)} covered match ${JSON.stringify(candidate.match)}, this one ${JSON.stringify(scan.match)}: not comparable`,
    };
  }
  const age = formatDuration((Date.parse(scan.startedAt) - started) / 1000);
  return {
    baseline: candidate,
    note: `compared with the scan of ${formatTime(candidate.startedAt)} (${age} earlier)`,
  };
}

function changeFrom(scan: DoneScan, baseline: DoneScan): ReviewChange {
  const now = scan.result;
  const then = baseline.result;
  return {
    baseline: {
      scanId: baseline.id,
      startedAt: baseline.startedAt,
      ageSeconds: (Date.parse(scan.startedAt) - Date.parse(baseline.startedAt)) / 1000,
    },
    keys: now.keys - then.keys,
    bytes: now.bytes - then.bytes,
    classes: {
      noTtl: now.classes.noTtl - then.classes.noTtl,
      aboveStandard: now.classes.aboveStandard - then.classes.aboveStandard,
      unknownPattern: now.classes.unknownPattern - then.classes.unknownPattern,
      foreign: now.classes.foreign - then.classes.foreign,
      possiblePii: now.classes.possiblePii - then.classes.possiblePii,
    },
  };
}

export function buildReview(input: ReviewInput, options: Partial<ReviewOptions> = {}): Review {
  const o: ReviewOptions = { ...DEFAULT_REVIEW_OPTIONS, ...options };
  const { scan } = input;
  const r = scan.result;
  const { baseline, note } = judgeBaseline(scan, input.baseline, o);
  const before = new Map((baseline?.result.patterns ?? []).map((p) => [p.name, p]));
  return {
    instance: input.instance,
    generatedAt: new Date(input.now).toISOString(),
    scan: {
      id: scan.id,
      match: scan.match,
      mode: scan.mode,
      startedAt: scan.startedAt,
      finishedAt: scan.finishedAt ?? null,
      durationMs: r.durationMs,
      keys: r.keys,
      bytes: r.bytes,
      vanished: r.vanished,
      classes: r.classes,
    },
    patterns: r.patterns.map((p) => reviewPattern(p, r.bytes, before.get(p.name), baseline !== null)),
    unknownPattern: {
      total: r.listTotals.unknownPattern,
      prefixes: r.prefixes.unknownPattern,
      sample: r.lists.unknownPattern.slice(0, o.topN),
    },
    foreign: {
      total: r.listTotals.foreign,
      prefixes: r.prefixes.foreign,
      sample: r.lists.foreign.slice(0, o.topN),
    },
    biggest: { byMemory: r.biggest.byMemory.slice(0, o.topN), byLength: r.biggest.byLength.slice(0, o.topN) },
    change: baseline ? changeFrom(scan, baseline) : null,
    changeNote: note,
    capacity: projectCapacity({ ...input.memory, now: input.now }, o.capacity),
    effectivenessNote: effectivenessNote(r),
  };
}
