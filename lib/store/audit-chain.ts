// Canonical JSON and the SHA-256 chain of the audit log. Pure: the same content always hashes
// to the same hex string, whatever order its fields were built in.
import { createHash } from "node:crypto";

/** The prevHash of the first entry. */
export const GENESIS_HASH = "0".repeat(64);

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * JSON with object keys sorted by code point, no whitespace, `undefined` fields dropped.
 * Refuses what JSON cannot carry exactly (NaN, Infinity, functions), so no two contents collide.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} is not representable`);
      return JSON.stringify(value);
    case "string":
      return JSON.stringify(value);
    case "object": {
      if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(",")}]`;
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((k) => record[k] !== undefined)
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(",")}}`;
    }
    default:
      throw new TypeError(`canonicalJson: ${typeof value} is not representable`);
  }
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** An entry's hash covers its whole content, its id and the previous entry's hash. */
export function entryHash(content: Record<string, unknown>, prevHash: string): string {
  return sha256Hex(canonicalJson({ ...content, prevHash }));
}

export interface ChainRow {
  id: number;
  hash: string;
  prevHash: string;
  /** Everything the hash covers except prevHash (which is added). */
  content: Record<string, unknown>;
}

export type ChainVerdict =
  | { ok: true; checked: number; head: string }
  | { ok: false; checked: number; brokenId: number; reason: string };

/** The chain walk, one row at a time: `step` answers the verdict at the first broken row. */
function chainWalker(): { step(row: ChainRow): ChainVerdict | undefined; end(): ChainVerdict } {
  let prev = GENESIS_HASH;
  let prevId: number | undefined;
  let checked = 0;
  return {
    step(row) {
      if (row.prevHash !== prev) {
        const reason =
          prevId === undefined
            ? "the first entry does not start the chain (entries before it were removed)"
            : `its prevHash does not match entry ${prevId}'s hash (an entry was altered, removed or inserted)`;
        return { ok: false, checked, brokenId: row.id, reason };
      }
      if (entryHash(row.content, row.prevHash) !== row.hash) {
        return {
          ok: false,
          checked,
          brokenId: row.id,
          reason: "its content does not match its hash (the entry was altered)",
        };
      }
      prev = row.hash;
      prevId = row.id;
      checked++;
      return undefined;
    },
    end: () => ({ ok: true, checked, head: prev }),
  };
}

/**
 * Walks rows in id order. The first row whose prevHash is not its predecessor's hash, or whose
 * stored hash is not the hash of its content, is the first broken entry.
 */
export function verifyChain(rows: Iterable<ChainRow>): ChainVerdict {
  const walker = chainWalker();
  for (const row of rows) {
    const broken = walker.step(row);
    if (broken) return broken;
  }
  return walker.end();
}

/** `verifyChain` over rows read a page at a time from the store. */
export async function verifyChainAsync(rows: AsyncIterable<ChainRow>): Promise<ChainVerdict> {
  const walker = chainWalker();
  for await (const row of rows) {
    const broken = walker.step(row);
    if (broken) return broken;
  }
  return walker.end();
}
