// What one key's batch of events and its TTL read mean: a finding (no TTL, or above its pattern's
// standard), a clear (the key is fine or gone), or unread (the read failed: never "no TTL"). Pure.
import { matchPattern, type CompiledPolicy } from "@/lib/policy/classify";
import type { Finding } from "@/lib/store/watch";
import { eventKind, typeOfEvent } from "./events";

/** The events one key had within a batch window. */
export interface KeyEvents {
  key: Buffer;
  keyBase64: string;
  /** In arrival order, each at most once. */
  events: string[];
  /** When the first of them arrived (ms). */
  firstSeen: number;
  node?: string;
}

export type Verdict = { kind: "finding"; finding: Finding } | { kind: "clear" } | { kind: "unread" };

/**
 * Only keys of a policy pattern carry a standard TTL: the others are the scan's (unknown pattern,
 * foreign). The key is bytes[start, end) of a received chunk, read in place: most events of a
 * flood are of keys the watch then only counts.
 */
export function watchedAt(compiled: CompiledPolicy, bytes: Uint8Array, start: number, end: number): boolean {
  for (const { prefix } of compiled.patterns) {
    if (end - start < prefix.length) continue;
    let i = 0;
    while (i < prefix.length && bytes[start + i] === prefix[i]) i++;
    if (i === prefix.length) return true;
  }
  return false;
}

/** Whether the batch needs a TTL read: not when the key is only gone (its finding clears without one). */
export function needsRead(k: KeyEvents): boolean {
  return k.events.some((e) => eventKind(e) !== "gone");
}

/**
 * `ttl` is the TTL read after the batch window (null: the read failed; -2: gone). A persist is a
 * violation by itself: PERSIST only fires when it removed a TTL, so a failed read still records it
 * (as "persisted", TTL -1); a read showing a TTL within the standard means the app set one again since.
 */
export function judge(compiled: CompiledPolicy, k: KeyEvents, ttl: number | null): Verdict {
  const match = matchPattern(compiled, k.key);
  if (!match) return { kind: "clear" };
  const persisted = k.events.includes("persist");
  const lastWrite = [...k.events].reverse().find((e) => eventKind(e) === "write");
  const typed = k.events.map(typeOfEvent).find((t) => t !== "unknown") ?? "unknown";
  const base = {
    keyBase64: k.keyBase64,
    pattern: match.pattern.name,
    seenAt: k.firstSeen,
    type: typed,
    ...(k.node ? { node: k.node } : {}),
  };
  if (ttl === null) {
    if (!persisted) return { kind: "unread" };
    return { kind: "finding", finding: { ...base, class: "noTtl", ttl: -1, event: "persist" } };
  }
  if (ttl === -2) return { kind: "clear" };
  const event = persisted ? "persist" : (lastWrite ?? k.events.at(-1) ?? "set");
  if (ttl === -1) return { kind: "finding", finding: { ...base, class: "noTtl", ttl, event } };
  if (ttl > match.pattern.standardTtlSeconds)
    return { kind: "finding", finding: { ...base, class: "aboveStandard", ttl, event } };
  return { kind: "clear" };
}
