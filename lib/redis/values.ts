// One key's value as Redis holds it, one page at a time: the first MAX_STRING_BYTES of a string,
// a page of a hash, set, list, sorted set or stream, as bytes. Rendering the bytes as text and
// shaping the API answer happen above (lib/browse).
import "server-only";
import type { KeyClient } from "./connection";
import { KeyArgumentError } from "./errors";
import type { KeyMeta } from "./key-meta";

/** A string's value is read up to this many bytes; its full size comes with it. */
export const MAX_STRING_BYTES = 1024 * 1024;

/** Which page of a collection: `from` as a previous page returned it, and how many elements. */
export interface ValuePageQuery {
  /** list / zset: index of the first element; hash / set: the SCAN cursor; stream: the id to continue before. */
  from?: string;
  limit: number;
}

/** One page of a value, as bytes. `total` is the collection's length (elements, fields, entries). */
export type ValuePage =
  | { kind: "string"; bytes: Buffer; size: number }
  | { kind: "hash"; total: number; next: string | undefined; fields: [Buffer, Buffer][] }
  | { kind: "set"; total: number; next: string | undefined; members: Buffer[] }
  | { kind: "list"; total: number; offset: number; elements: Buffer[] }
  | { kind: "zset"; total: number; offset: number; members: [Buffer, string][] }
  | { kind: "stream"; total: number; entries: { id: string; fields: [Buffer, Buffer][] }[] }
  | { kind: "unsupported"; type: string };

/** `from` for a page of a hash, set, list or sorted set: digits only (a stream id belongs to streams). */
function position(q: ValuePageQuery, what: string, type: string): string {
  if (q.from === undefined) return "0";
  if (!/^\d+$/.test(q.from))
    throw new KeyArgumentError(`from: a ${type} is paged by ${what} (digits), not ${JSON.stringify(q.from)}`);
  return q.from;
}

function pairs(flat: Buffer[]): [Buffer, Buffer][] {
  const out: [Buffer, Buffer][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i] as Buffer, flat[i + 1] as Buffer]);
  return out;
}

/** HSCAN / SSCAN from a cursor until about `limit` elements (a small hash or set answers in one call). */
async function scanCollection(
  redis: KeyClient,
  command: "HSCAN" | "SSCAN",
  key: Buffer,
  from: string,
  limit: number,
) {
  const items: Buffer[] = [];
  const per = command === "HSCAN" ? 2 : 1;
  let cursor = from;
  do {
    const hint = Math.max(10, limit - items.length / per);
    const [next, batch] = (await redis.callBuffer(command, key, cursor, "COUNT", String(hint))) as [
      Buffer,
      Buffer[],
    ];
    cursor = next.toString();
    items.push(...batch);
  } while (cursor !== "0" && items.length / per < limit);
  return { items, next: cursor === "0" ? undefined : cursor };
}

/** Scores as Redis prints them ("1", "2.5", "inf"), whichever form the protocol delivered. */
function scoreText(score: unknown): string {
  if (typeof score === "number")
    return Number.isFinite(score) ? String(score) : score > 0 ? "inf" : score < 0 ? "-inf" : "nan";
  return Buffer.isBuffer(score) ? score.toString() : String(score);
}

/** Reads one page of `key`'s value; `meta` (from readKeyMeta) says its type and length. */
export async function readValuePage(
  redis: KeyClient,
  key: Buffer,
  meta: KeyMeta,
  q: ValuePageQuery,
): Promise<ValuePage> {
  const total = meta.length ?? 0;
  switch (meta.type) {
    case "string": {
      const bytes = (await redis.callBuffer("GETRANGE", key, "0", String(MAX_STRING_BYTES - 1))) as Buffer;
      return { kind: "string", bytes, size: Math.max(total, bytes.length) };
    }
    case "hash": {
      const { items, next } = await scanCollection(
        redis,
        "HSCAN",
        key,
        position(q, "a cursor", "hash"),
        q.limit,
      );
      return { kind: "hash", total, next, fields: pairs(items) };
    }
    case "set": {
      const { items, next } = await scanCollection(
        redis,
        "SSCAN",
        key,
        position(q, "a cursor", "set"),
        q.limit,
      );
      return { kind: "set", total, next, members: items.sort(Buffer.compare) };
    }
    case "list": {
      const offset = Number(position(q, "an index", "list or sorted set"));
      const elements = (await redis.callBuffer(
        "LRANGE",
        key,
        String(offset),
        String(offset + q.limit - 1),
      )) as Buffer[];
      return { kind: "list", total, offset, elements };
    }
    case "zset": {
      const offset = Number(position(q, "an index", "list or sorted set"));
      const reply = (await redis.callBuffer(
        "ZRANGE",
        key,
        String(offset),
        String(offset + q.limit - 1),
        "WITHSCORES",
      )) as unknown[];
      // RESP3 answers [member, score] pairs, RESP2 a flat list.
      const scored = Array.isArray(reply[0]) ? (reply as [Buffer, unknown][]) : pairs(reply as Buffer[]);
      return { kind: "zset", total, offset, members: scored.map(([m, s]) => [m, scoreText(s)]) };
    }
    case "stream": {
      const end = q.from ? `(${q.from}` : "+";
      const raw = (await redis.callBuffer("XREVRANGE", key, end, "-", "COUNT", String(q.limit))) as [
        Buffer,
        Buffer[],
      ][];
      return {
        kind: "stream",
        total,
        entries: raw.map(([id, flat]) => ({ id: id.toString(), fields: pairs(flat) })),
      };
    }
    default:
      return { kind: "unsupported", type: meta.type };
  }
}
