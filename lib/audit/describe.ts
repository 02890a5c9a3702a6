// Audit entries in words for the /audit page: who did what to which keys, and where a list-based
// fix came from. Pure: the entry (and the policy's patterns) in, display text out.
import { formatCount, formatDuration } from "@/lib/format";
import type { AuditEntry } from "@/lib/schemas/audit";

/** A policy pattern, enough to name the pattern of a key's display text. */
export interface PatternRef {
  name: string;
  keyPrefix: string;
}

export interface AuditDescription {
  /** "alice (operator) set TTL 6 h on 36 keys of pattern ident". */
  sentence: string;
  /** The keys the request named, as stored (at most the sample cap). */
  keys: string[];
  /** Keys named beyond `keys` ("and N more"). */
  moreKeys: number;
  /** The scan a list-based fix came from. */
  scan?: { id: string; href: string };
  /** The outcome's detail, worded for a reader (null when there is none). */
  detail: string | null;
}

/** How the sentence reads: what was done, what was asked (intent) or what was tried (refused, failed). */
type Mood = "done" | "asked" | "tried";

interface Phrase {
  /** "deleted 2 keys" */
  past: string;
  /** "delete 2 keys" */
  base: string;
}

function moodOf(e: AuditEntry): Mood {
  if (e.kind === "intent") return "asked";
  return e.outcome === "ok" ? "done" : "tried";
}

function say(mood: Mood, p: Phrase): string {
  if (mood === "done") return p.past;
  return `${mood === "asked" ? "asked to" : "tried to"} ${p.base}`;
}

function nonEmptyString(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

function finiteNumber(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

export function keysText(n: number): string {
  return `${formatCount(n)} ${n === 1 ? "key" : "keys"}`;
}

/** A scan or job id cut for reading: "5b0e…" (the full id is in the link and the raw parameters). */
export function shortId(id: string): string {
  return id.length > 8 ? `${id.slice(0, 4)}…` : id;
}

/** The one pattern all the given keys belong to, if there is one. */
export function commonPattern(keys: string[], patterns: PatternRef[]): string | undefined {
  let name: string | undefined;
  for (const key of keys) {
    const p = patterns.find((candidate) => key.startsWith(candidate.keyPrefix));
    if (!p || (name !== undefined && p.name !== name)) return undefined;
    name = p.name;
  }
  return name;
}

/** "36 keys of pattern ident": the pattern only when every stored key shares it (and says so when only the first were stored). */
function namedKeys(e: AuditEntry, patterns: PatternRef[]): string {
  const n = e.targetCount ?? e.sample.length;
  const pattern = e.sample.length > 0 ? commonPattern(e.sample, patterns) : undefined;
  if (!pattern) return keysText(n);
  if (e.sample.length >= n) return `${keysText(n)} of pattern ${pattern}`;
  return `${keysText(n)} (the first ${formatCount(e.sample.length)} of pattern ${pattern})`;
}

/** The count an ok outcome reports, else nothing ("fixed the TTL of 36 keys" vs "fix the TTL of the keys"). */
function doneCount(e: AuditEntry, mood: Mood): number | undefined {
  return mood === "done" && e.affected !== null ? e.affected : undefined;
}

const LIST_NAMES: Record<string, string> = {
  noTtl: "no-TTL list",
  aboveStandard: "above-standard list",
};

function fixTtl(e: AuditEntry, mood: Mood, patterns: PatternRef[]): Phrase {
  const { params } = e;
  const dry = params.dryRun === true;
  const match = nonEmptyString(params.match);
  const list = nonEmptyString(params.list);
  const scanId = nonEmptyString(params.scanId);
  let what: string;
  if (e.targetCount !== null) {
    what = namedKeys(e, patterns);
    if (dry) return { past: `previewed a TTL fix of ${what}`, base: `preview a TTL fix of ${what}` };
    return { past: `fixed the TTL of ${what}`, base: `fix the TTL of ${what}` };
  }
  if (list) {
    const from = `the ${LIST_NAMES[list] ?? `${list} list`}${scanId ? ` of scan ${shortId(scanId)}` : " of the latest scan"}`;
    what = `${from}${match ? ` (match ${match})` : ""}`;
  } else {
    what = `matching ${match ?? "*"}`;
  }
  if (dry)
    return {
      past: `previewed a TTL fix of the keys ${list ? "from " : ""}${what}`,
      base: `preview a TTL fix of the keys ${list ? "from " : ""}${what}`,
    };
  const n = doneCount(e, mood);
  const sep = list ? " from " : " ";
  return {
    past: `fixed the TTL of ${n !== undefined ? keysText(n) : "the keys"}${sep}${what}`,
    base: `fix the TTL of the keys${sep}${what}`,
  };
}

function deletePattern(e: AuditEntry, mood: Mood): Phrase {
  const match = nonEmptyString(e.params.match) ?? "*";
  if (e.params.dryRun === true)
    return {
      past: `previewed deleting the keys matching ${match}`,
      base: `preview deleting the keys matching ${match}`,
    };
  const n = doneCount(e, mood);
  return {
    past: `deleted ${n !== undefined ? keysText(n) : "the keys"} matching ${match}`,
    base: `delete the keys matching ${match}`,
  };
}

function flushdb(e: AuditEntry, mood: Mood): Phrase {
  const n = doneCount(e, mood);
  // A cluster's flush runs on every master: the intent records how many.
  const nodes = finiteNumber(e.params.nodes);
  const masters = nodes !== undefined && nodes > 1 ? `${formatCount(nodes)} masters` : undefined;
  const on = masters ? ` on ${masters}` : "";
  if (e.params.dryRun === true)
    return { past: `previewed flushing the database${on}`, base: `preview flushing the database${on}` };
  const counts = [masters, n !== undefined ? keysText(n) : undefined].filter(Boolean).join(", ");
  return { past: `flushed the database${counts ? ` (${counts})` : ""}`, base: `flush the database${on}` };
}

function scanStart(e: AuditEntry): Phrase {
  const match = nonEmptyString(e.params.match);
  const mode = nonEmptyString(e.params.mode);
  if (!match) return { past: "started a scan", base: "start a scan" };
  const what = `${mode === "fast" ? "a fast" : mode === "gentle" ? "a gentle" : "a"} scan of ${match}`;
  return { past: `started ${what}`, base: `start ${what}` };
}

function cancelled(thing: string, e: AuditEntry): Phrase {
  const by = nonEmptyString(e.params.startedBy);
  const what = `${thing}${by ? ` started by ${by}` : ""}`;
  return { past: `cancelled ${what}`, base: `cancel ${what}` };
}

const JOB_NAMES: Record<string, string> = { "fix-ttl": "TTL fix", "delete-pattern": "pattern delete" };

function jobCancel(e: AuditEntry): Phrase {
  const job = nonEmptyString(e.params.job);
  const id = nonEmptyString(e.params.jobId);
  const match = nonEmptyString(e.params.match);
  const name = job ? (JOB_NAMES[job] ?? job) : "bulk";
  return cancelled(`the ${name} job${id ? ` ${id}` : ""}${match ? ` (match ${match})` : ""}`, e);
}

function scanCancel(e: AuditEntry): Phrase {
  const id = nonEmptyString(e.params.scanId);
  const scheduled = e.params.trigger === "scheduled" ? "scheduled " : "";
  return cancelled(`${scheduled}scan${id ? ` ${shortId(id)}` : ""}`, e);
}

function phraseOf(e: AuditEntry, mood: Mood, patterns: PatternRef[]): Phrase {
  const { params } = e;
  switch (e.action) {
    case "expire": {
      const ttl = finiteNumber(params.ttlSeconds);
      const what = `${ttl !== undefined ? ` ${formatDuration(ttl)}` : ""} on ${namedKeys(e, patterns)}`;
      return { past: `set TTL${what}`, base: `set TTL${what}` };
    }
    case "delete": {
      const what = namedKeys(e, patterns);
      return { past: `deleted ${what}`, base: `delete ${what}` };
    }
    case "fix-ttl":
      return fixTtl(e, mood, patterns);
    case "delete-pattern":
      return deletePattern(e, mood);
    case "flushdb":
      return flushdb(e, mood);
    case "config-set":
      return { past: "applied the recommended config", base: "apply the recommended config" };
    case "slowlog-reveal": {
      const n = doneCount(e, mood);
      const entries = n !== undefined ? ` (${formatCount(n)} ${n === 1 ? "entry" : "entries"})` : "";
      return { past: `revealed the slow log's arguments${entries}`, base: "reveal the slow log's arguments" };
    }
    case "slowlog-reset":
      return { past: "reset the slow log", base: "reset the slow log" };
    case "scan-start":
      return scanStart(e);
    case "scan-cancel":
      return scanCancel(e);
    case "job-cancel":
      return jobCancel(e);
    case "invalid": {
      const requested = nonEmptyString(params.requested);
      const what = `an invalid action request${requested ? ` (action ${JSON.stringify(requested)})` : ""}`;
      return { past: `sent ${what}`, base: `send ${what}` };
    }
    default:
      return { past: `ran ${e.action}`, base: `run ${e.action}` };
  }
}

const SKIPPED =
  /^(\d+) keys outside every pattern (?:skipped|left alone \(no standard TTL to give them\))(.*)$/s;

/**
 * The outcome's detail for a reader. A fix's "outside every pattern" count (entries written before it
 * said why) is reworded: those keys were never candidates (no standard TTL to give them), which is
 * not the same as keys that needed no fix; for a fix of named keys the latter is counted too.
 */
export function describeDetail(e: AuditEntry): string | null {
  if (e.detail === null) return null;
  const m = e.action === "fix-ttl" ? SKIPPED.exec(e.detail) : null;
  if (!m) return e.detail;
  const skipped = Number(m[1]);
  let text = `${keysText(skipped)} outside every pattern left alone (no standard TTL to give them)`;
  const rest = m[2] ?? "";
  if (rest === "" && e.targetCount !== null && e.affected !== null) {
    const unchanged = e.targetCount - e.affected - skipped;
    if (unchanged > 0) text += `; ${keysText(unchanged)} under a pattern needed no fix`;
  }
  return text + rest;
}

/** An entry in words: the sentence, its keys, the scan a list-based fix came from, the detail. */
export function describeAuditEntry(e: AuditEntry, patterns: PatternRef[] = []): AuditDescription {
  const mood = moodOf(e);
  const sentence = `${e.actor} (${e.role}) ${say(mood, phraseOf(e, mood, patterns))}`;
  const named = e.targetCount ?? 0;
  const scanId = e.action === "fix-ttl" ? nonEmptyString(e.params.scanId) : undefined;
  return {
    sentence,
    keys: e.sample,
    moreKeys: Math.max(0, named - e.sample.length),
    ...(scanId ? { scan: { id: scanId, href: `/i/${encodeURIComponent(e.instance)}/ttl` } } : {}),
    detail: describeDetail(e),
  };
}
