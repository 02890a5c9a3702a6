// Keeps a finished scan's lists and counts current after the console's own actions: each key an
// action touched is judged on its TTL re-read from Redis after the action (-2: gone), and leaves
// the lists it no longer belongs in, with the counts following. Pure: result and changes in,
// adjusted result out.
import { classifyKey, matchPattern, type CompiledPolicy } from "@/lib/policy/classify";
import type { ScanListName, ScanPattern, ScanResult } from "@/lib/schemas/scans";

/** One key an action touched: its TTL read just before and just after (null: could not be read). */
export interface KeyChange {
  key: Buffer;
  before: number | null;
  after: number | null;
}

export interface AppliedChanges {
  result: ScanResult;
  /** Keys that left a violation list (or its count) with a TTL now. */
  fixed: number;
  /** Keys that left the lists because they are gone. */
  deleted: number;
}

type Tracked = Exclude<ScanListName, "unknown">;
const TRACKED: Tracked[] = ["noTtl", "aboveStandard", "unknownPattern", "foreign", "possiblePii"];

/**
 * Whether a key is inside the scan's SCAN MATCH glob, for the simple globs ("*", "isl:*"); other
 * globs answer false, so a key outside the stored lists is then never counted off.
 */
export function withinMatch(match: string, key: Buffer): boolean {
  if (match === "*") return true;
  const prefix = match.slice(0, -1);
  if (!match.endsWith("*") || /[*?[\]\\]/.test(prefix)) return false;
  return key.subarray(0, Buffer.byteLength(prefix)).equals(Buffer.from(prefix));
}

/** How much an action must read of a key to keep the scan current: see `scanInterest`. */
export type Interest = "listed" | "infer" | undefined;

/** Where an action reports the keys it changed, and learns which keys it needs to re-read. */
export interface ChangeSink {
  interest(key: Buffer): Interest;
  add(changes: KeyChange[]): void;
}

/**
 * Which keys of an action matter to the scan: "listed" (in a stored list: its TTL after the
 * action decides), "infer" (past a capped list, inside the scan's match: its TTL before the action
 * is needed too), else none, so a bulk job re-reads only what can change the lists.
 */
export function scanInterest(result: ScanResult, match: string): (key: Buffer) => Interest {
  const listed = new Set<string>();
  for (const list of TRACKED) for (const e of result.lists[list]) listed.add(e.keyBase64);
  const capped = TRACKED.some((list) => result.listTotals[list] > result.lists[list].length);
  return (key) => {
    if (listed.size > 0 && listed.has(key.toString("base64"))) return "listed";
    return capped && withinMatch(match, key) ? "infer" : undefined;
  };
}

/** Whether the key still belongs in the list after the action, on its re-read TTL. */
function leaves(list: Tracked, after: number, standard: number | undefined): boolean {
  if (after === -2) return true;
  if (list === "noTtl") return after !== -1;
  if (list === "aboveStandard") return after >= 0 && standard !== undefined && after <= standard;
  return false;
}

/** Whether the TTL read before the action puts the key in the list (for keys past the stored cap). */
function wasIn(list: Tracked, before: number | null, compiled: CompiledPolicy, key: Buffer): boolean {
  if (before === null || before === -2) return false;
  const verdict = classifyKey(compiled, key, before);
  return list === "possiblePii" ? verdict.possiblePii : verdict.class === list;
}

function decrement(result: ScanResult, list: Tracked, pattern: string | null, gone: boolean): void {
  const dec = (n: number) => Math.max(0, n - 1);
  result.listTotals[list] = dec(result.listTotals[list]);
  result.classes[list] = dec(result.classes[list]);
  if (!gone && (list === "noTtl" || list === "aboveStandard")) result.classes.ok++;
  const p: ScanPattern | undefined = result.patterns.find((x) => x.name === pattern);
  if (p && (list === "noTtl" || list === "aboveStandard" || list === "possiblePii")) p[list] = dec(p[list]);
}

interface Lists {
  index: Map<Tracked, Map<string, number>>;
  capped: Map<Tracked, boolean>;
  removed: Map<Tracked, Set<number>>;
}

function listsOf(result: ScanResult): Lists {
  const lists: Lists = { index: new Map(), capped: new Map(), removed: new Map() };
  for (const list of TRACKED) {
    lists.index.set(list, new Map(result.lists[list].map((e, i) => [e.keyBase64, i])));
    lists.capped.set(list, result.listTotals[list] > result.lists[list].length);
    lists.removed.set(list, new Set());
  }
  return lists;
}

/** Takes one changed key out of `next` where it no longer belongs; answers whether anything changed. */
function applyOne(
  next: ScanResult,
  lists: Lists,
  match: string,
  compiled: CompiledPolicy,
  change: KeyChange & { after: number },
): boolean {
  const b64 = change.key.toString("base64");
  const gone = change.after === -2;
  const pattern = matchPattern(compiled, change.key)?.pattern;
  let touched = false;
  for (const list of TRACKED) {
    if (!leaves(list, change.after, pattern?.standardTtlSeconds)) continue;
    const at = lists.index.get(list)?.get(b64);
    const removed = lists.removed.get(list);
    if (at !== undefined) {
      if (!removed || removed.has(at)) continue;
      removed.add(at);
      decrement(next, list, next.lists[list][at]?.pattern ?? null, gone);
      touched = true;
    } else if (
      lists.capped.get(list) &&
      withinMatch(match, change.key) &&
      wasIn(list, change.before, compiled, change.key)
    ) {
      decrement(next, list, pattern?.name ?? null, gone);
      touched = true;
    }
  }
  return touched;
}

/**
 * Applies the changes to a copy of `result` (a scan of `match`). A key found in a stored list
 * leaves it when its re-read TTL says it no longer belongs; a key past a capped list's stored
 * entries is counted off only when its TTL before the action put it in that class. A key whose
 * re-read failed (`after` null) is not judged at all.
 */
export function applyKeyChanges(
  result: ScanResult,
  match: string,
  compiled: CompiledPolicy,
  changes: KeyChange[],
): AppliedChanges {
  const next: ScanResult = structuredClone(result);
  const lists = listsOf(next);
  let fixed = 0;
  let deleted = 0;
  const seen = new Set<string>();
  for (const change of changes) {
    const { after } = change;
    if (after === null) continue;
    const b64 = change.key.toString("base64");
    if (seen.has(b64)) continue;
    seen.add(b64);
    if (!applyOne(next, lists, match, compiled, { ...change, after })) continue;
    if (after === -2) deleted++;
    else fixed++;
  }
  for (const list of TRACKED) {
    const drop = lists.removed.get(list);
    if (drop && drop.size > 0) next.lists[list] = next.lists[list].filter((_, i) => !drop.has(i));
  }
  return { result: next, fixed, deleted };
}
