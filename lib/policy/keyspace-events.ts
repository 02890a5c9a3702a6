// What the live TTL watch needs of `notify-keyspace-events`: keyevent notifications (E) for the
// generic, string, list, hash, set and sorted-set classes (g $ l h s z). Pure: a CONFIG GET value
// in, what is missing and the value to set out, keeping every flag already set (another consumer
// may rely on K, x, e, t, m, n...).

/** The flags the watch needs: keyevent channel plus the classes of every write ISL makes. */
export const WATCH_EVENT_FLAGS = ["E", "g", "$", "l", "h", "s", "z"] as const;

/** `A` is Redis's alias for these classes. */
const ALIAS_A = ["g", "$", "l", "s", "h", "z", "x", "e", "t", "d"];

/** The flags a value enables, with `A` expanded. */
export function keyspaceEventFlags(value: string): Set<string> {
  const flags = new Set<string>();
  for (const c of value) {
    if (c === "A") for (const f of ALIAS_A) flags.add(f);
    else if (c.trim() !== "") flags.add(c);
  }
  return flags;
}

/** The required flags the value lacks, in WATCH_EVENT_FLAGS order ([] = the watch can run). */
export function missingWatchFlags(value: string): string[] {
  const flags = keyspaceEventFlags(value);
  return WATCH_EVENT_FLAGS.filter((f) => !flags.has(f));
}

/**
 * The value to set: the current flags (as written, `A` kept) plus the missing ones, or null when
 * nothing is missing. "" -> "Eg$lhsz"; "Ex" -> "Exg$lhsz"; "KEA" -> null.
 */
export function recommendedKeyspaceEvents(current: string): string | null {
  const missing = missingWatchFlags(current);
  if (missing.length === 0) return null;
  const kept = current.replace(/\s+/g, "");
  // E first when absent, so the value reads like the README's "Eg$lhsz".
  const add = missing.includes("E") ? ["E", ...missing.filter((f) => f !== "E")] : missing;
  return missing.includes("E") ? `${add.join("")}${kept}` : `${kept}${add.join("")}`;
}
