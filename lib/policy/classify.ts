// Classifies one key against the policy. Pure: bytes and TTL in, verdict out.
import type { KeyPattern, Policy } from "./types";

export type KeyClass = "ok" | "noTtl" | "aboveStandard" | "unknownPattern" | "foreign";

export interface Classification {
  /** The matching pattern's name, or null for unknown-pattern and foreign keys. */
  pattern: string | null;
  class: KeyClass;
  /** The id segment is not shaped like the pattern's hash: it may be a readable identifier. */
  possiblePii: boolean;
}

export interface CompiledPolicy {
  policy: Policy;
  namespace: Buffer;
  patterns: { pattern: KeyPattern; prefix: Buffer; idRegex: RegExp }[];
}

/** Pre-encodes prefixes and regexes once; classification then allocates nothing per key. */
export function compilePolicy(policy: Policy): CompiledPolicy {
  return {
    policy,
    namespace: Buffer.from(policy.namespace, "utf8"),
    // Longest prefix first, so "isl:result:big:" can refine "isl:result:".
    patterns: policy.patterns
      .map((pattern) => ({
        pattern,
        prefix: Buffer.from(pattern.keyPrefix, "utf8"),
        idRegex: new RegExp(pattern.idPattern),
      }))
      .sort((a, b) => b.prefix.length - a.prefix.length),
  };
}

function startsWith(key: Uint8Array, prefix: Buffer): boolean {
  if (key.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (key[i] !== prefix[i]) return false;
  return true;
}

/** The pattern a key belongs to, by prefix, or undefined. */
export function matchPattern(
  compiled: CompiledPolicy,
  key: Uint8Array,
): CompiledPolicy["patterns"][number] | undefined {
  return compiled.patterns.find((p) => startsWith(key, p.prefix));
}

/**
 * `ttlSeconds` is Redis's TTL reply: -1 no expiry; -2 (key gone) is the caller's to skip.
 * Possible PII is judged for keys under a pattern by their id segment and for unknown-pattern
 * keys under the namespace by any segment that is neither hash-shaped nor a plain word.
 */
export function classifyKey(compiled: CompiledPolicy, key: Uint8Array, ttlSeconds: number): Classification {
  const match = matchPattern(compiled, key);
  if (!match) {
    const inNamespace = startsWith(key, compiled.namespace);
    return {
      pattern: null,
      class: inNamespace ? "unknownPattern" : "foreign",
      possiblePii: inNamespace && looksLikeReadableId(latin1From(key, compiled.namespace.length)),
    };
  }
  const id = latin1From(key, match.prefix.length);
  const possiblePii = !match.idRegex.test(id);
  if (ttlSeconds === -1) return { pattern: match.pattern.name, class: "noTtl", possiblePii };
  if (ttlSeconds > match.pattern.standardTtlSeconds)
    return { pattern: match.pattern.name, class: "aboveStandard", possiblePii };
  return { pattern: match.pattern.name, class: "ok", possiblePii };
}

/** The bytes from `start` as latin1 text, without copying them (a scan classifies millions of keys). */
function latin1From(key: Uint8Array, start: number): string {
  return Buffer.from(key.buffer, key.byteOffset + start, Math.max(0, key.byteLength - start)).toString(
    "latin1",
  );
}

/** "user_123", "alice@example.com", "john.smith" look like identifiers a person could read. */
function looksLikeReadableId(rest: string): boolean {
  return rest
    .split(":")
    .some((segment) => /@|(user|email|name|phone)[_-]?\w|^[a-z]+[._-][a-z]+$/i.test(segment));
}

/** The standard TTL that `expire`/`fix-ttl` may set for a key, or undefined outside the patterns. */
export function standardTtlFor(compiled: CompiledPolicy, key: Uint8Array): number | undefined {
  return matchPattern(compiled, key)?.pattern.standardTtlSeconds;
}
