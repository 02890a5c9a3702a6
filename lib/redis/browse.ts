// The key browser's reads: one time-bounded SCAN page of keys with their metadata and policy class,
// and one key's value for every Redis type, truncated so no answer grows past about a megabyte.
// Keys are Buffers end to end (binary-safe); never KEYS.
import "server-only";
import type Redis from "ioredis";
import { classifyKey, matchPattern, type CompiledPolicy } from "@/lib/policy/classify";
import type {
  KeyDetailQuery,
  KeyDetailResponse,
  KeyListItem,
  KeysQuery,
  KeysResponse,
  KeyValue,
  TextValue,
} from "@/lib/schemas/keys";
import { KeyArgumentError } from "./errors";
import { readKeyMeta, type KeyMeta } from "./key-meta";
import { DensityThrottle, walkKeyspace } from "./walk";
import { displayKey, keyRef } from "./keys";

/** How long one keys request keeps SCANning before it answers with what it found and the cursor. */
export const SCAN_BUDGET_MS = 200;
/** Strings longer than this come back truncated, with their full size. */
export const MAX_STRING_BYTES = 1024 * 1024;
/** Binary strings are shown as hex (two characters per byte): a shorter window keeps the answer small. */
export const MAX_HEX_BYTES = 256 * 1024;
/** One collection element is shown up to this many bytes. */
const MAX_ELEMENT_BYTES = 64 * 1024;
/** Text shown for one page of a collection; past it, elements are cut short. */
const MAX_PAGE_BYTES = 1024 * 1024;
const ELEMENT_BYTES_PAST_BUDGET = 256;

// ---------------------------------------------------------------- match patterns

const CONTROL_ESCAPES: Record<string, number> = { n: 0x0a, r: 0x0d, t: 0x09, a: 0x07, b: 0x08 };
const GLOB_SPECIAL = new Set([0x2a, 0x3f, 0x5b, 0x5d, 0x5c]);

/**
 * The glob as Redis receives it. Escapes that displayKey writes (`\xff`, `\n`) become their bytes,
 * so a key copied from the table can be pasted into the search box; a byte that is itself a glob
 * character stays escaped. Other escapes (`\*`, `\[`, `\\`, `\"`) pass through for Redis's matcher.
 */
export function matchToRedis(match: string): Buffer {
  const out: number[] = [];
  const encoder = new TextEncoder();
  const chars = Array.from(match);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] as string;
    const next = chars[i + 1];
    if (ch !== "\\" || next === undefined) {
      out.push(...encoder.encode(ch));
      continue;
    }
    const hex = chars.slice(i + 2, i + 4).join("");
    if (next === "x" && /^[0-9a-fA-F]{2}$/.test(hex)) {
      const byte = parseInt(hex, 16);
      if (GLOB_SPECIAL.has(byte)) out.push(0x5c);
      out.push(byte);
      i += 3;
    } else if (next in CONTROL_ESCAPES) {
      out.push(CONTROL_ESCAPES[next] as number);
      i++;
    } else {
      out.push(0x5c, ...encoder.encode(next));
      i++;
    }
  }
  return Buffer.from(out);
}

// ---------------------------------------------------------------- key pages

export interface ScanPage {
  cursor: string;
  keys: Buffer[];
}

/**
 * SCANs from `cursor` until `count` keys matched, the iteration ended, or `budgetMs` passed, and
 * returns what it found with the cursor to continue. The COUNT hint grows with how sparse the
 * matches are (DensityThrottle), so a pattern matching 10 keys in a million still moves fast. A
 * page can hold a few more keys than `count`: SCAN cannot resume in the middle of a batch, and
 * dropping keys would lose them.
 */
export async function scanPage(
  redis: Redis,
  query: Pick<KeysQuery, "match" | "cursor" | "count" | "type">,
  budgetMs = SCAN_BUDGET_MS,
): Promise<ScanPage> {
  const seen = new Set<string>();
  const keys: Buffer[] = [];
  const { cursor } = await walkKeyspace(redis, {
    match: matchToRedis(query.match),
    type: query.type,
    cursor: query.cursor,
    throttle: new DensityThrottle(query.count),
    budgetMs,
    enough: () => keys.length >= query.count,
    onKeys: (batch) => {
      for (const key of batch) {
        // SCAN may repeat a key when the table rehashes; a page lists it once.
        const id = key.toString("latin1");
        if (seen.has(id)) continue;
        seen.add(id);
        keys.push(key);
      }
    },
  });
  return { cursor, keys };
}

function listItem(compiled: CompiledPolicy, key: Buffer, meta: KeyMeta): KeyListItem {
  const verdict = classifyKey(compiled, key, meta.ttl);
  return {
    ...keyRef(key),
    type: meta.type,
    ttl: meta.ttl,
    bytes: meta.bytes,
    length: meta.length,
    pattern: verdict.pattern,
    class: verdict.class,
    possiblePii: verdict.possiblePii,
    sensitive: matchPattern(compiled, key)?.pattern.sensitive ?? false,
  };
}

/**
 * One page of keys with type, TTL, size and policy class. Keys that vanished meanwhile are left
 * out; keys the console's user may not read (ACL key patterns) are counted in `unreadable` with the
 * reason, never shown as missing. A refused command (TTL, TYPE) or a timeout fails the page.
 */
export async function listKeys(
  redis: Redis,
  compiled: CompiledPolicy,
  query: KeysQuery,
  budgetMs = SCAN_BUDGET_MS,
): Promise<KeysResponse> {
  const page = await scanPage(redis, query, budgetMs);
  const metas = await readKeyMeta(redis, page.keys);
  const keys: KeyListItem[] = [];
  let unreadable = 0;
  let reason: string | undefined;
  page.keys.forEach((key, i) => {
    const r = metas[i];
    if (r?.state === "present") keys.push(listItem(compiled, key, r.meta));
    else if (r?.state === "unknown") {
      unreadable++;
      reason ??= r.error.message;
    }
  });
  return { cursor: page.cursor, keys, ...(unreadable > 0 ? { unreadable, unreadableReason: reason } : {}) };
}

// ---------------------------------------------------------------- values

const NOT_PRINTABLE = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;
const utf8Decoder = new TextDecoder("utf-8", { fatal: true });

/** The bytes as text when they are printable UTF-8; a cut may split the last character, so trim it. */
export function decodePrintable(bytes: Buffer, cut: boolean): string | undefined {
  for (let trim = 0; trim <= (cut ? 3 : 0) && trim < bytes.length + 1; trim++) {
    try {
      const text = utf8Decoder.decode(bytes.subarray(0, bytes.length - trim));
      return NOT_PRINTABLE.test(text) ? undefined : text;
    } catch {
      // try one byte shorter
    }
  }
  return undefined;
}

/**
 * Re-indents JSON text that JSON.parse accepted, without parsing its numbers: a 20-digit id or
 * 0.10000000000000001 is shown exactly as stored.
 */
export function reindentJson(text: string, indentBy = 2): string {
  const out: string[] = [];
  let depth = 0;
  const newline = () => "\n" + " ".repeat(depth * indentBy);
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      out.push(text.slice(i, j + 1));
      i = j;
    } else if (c === "{" || c === "[") {
      let j = i + 1;
      while (/\s/.test(text[j] ?? "")) j++;
      if (text[j] === (c === "{" ? "}" : "]")) {
        out.push(c, text[j] as string);
        i = j;
      } else {
        depth++;
        out.push(c, newline());
      }
    } else if (c === "}" || c === "]") {
      depth--;
      out.push(newline(), c);
    } else if (c === ",") {
      out.push(",", newline());
    } else if (c === ":") {
      out.push(": ");
    } else if (!/\s/.test(c)) {
      out.push(c);
    }
  }
  return out.join("");
}

function prettyJson(text: string): string | undefined {
  const start = text.trimStart()[0];
  if (start !== "{" && start !== "[") return undefined;
  try {
    JSON.parse(text);
  } catch {
    return undefined;
  }
  return reindentJson(text);
}

/** A string value as text, pretty JSON or hex, from the first bytes read and the full size. */
export function renderString(bytes: Buffer, size: number): Extract<KeyValue, { kind: "string" }> {
  const cut = bytes.length < size;
  const text = decodePrintable(bytes, cut);
  if (text !== undefined) {
    const json = cut ? undefined : prettyJson(text);
    if (json !== undefined)
      return {
        kind: "string",
        encoding: "json",
        value: json,
        size,
        shownBytes: bytes.length,
        truncated: false,
      };
    return {
      kind: "string",
      encoding: "text",
      value: text,
      size,
      shownBytes: Buffer.byteLength(text),
      truncated: cut,
    };
  }
  const shown = bytes.subarray(0, MAX_HEX_BYTES);
  return {
    kind: "string",
    encoding: "hex",
    value: shown.toString("hex"),
    size,
    shownBytes: shown.length,
    truncated: shown.length < size,
  };
}

/** Hands out text for a page's elements until the page budget is spent, then cuts elements short. */
class PageBudget {
  private left = MAX_PAGE_BYTES;

  text(bytes: Buffer): TextValue {
    const cap = this.left > 0 ? Math.min(MAX_ELEMENT_BYTES, this.left) : ELEMENT_BYTES_PAST_BUDGET;
    const shown = bytes.length > cap ? bytes.subarray(0, cap) : bytes;
    const cut = shown.length < bytes.length;
    const printable = decodePrintable(shown, cut);
    const text = printable ?? displayKey(shown);
    this.left -= text.length;
    const value: TextValue = { text, utf8: printable !== undefined };
    if (cut) value.truncatedFrom = bytes.length;
    return value;
  }
}

/** `from` for a page of a hash, set, list or sorted set: digits only (a stream id belongs to streams). */
function position(q: KeyDetailQuery, what: string, type: string): string {
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
  redis: Redis,
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

async function readHash(redis: Redis, key: Buffer, total: number, q: KeyDetailQuery): Promise<KeyValue> {
  const { items, next } = await scanCollection(redis, "HSCAN", key, position(q, "a cursor", "hash"), q.limit);
  const budget = new PageBudget();
  const fields = pairs(items).map(([f, v]) => ({ field: budget.text(f), value: budget.text(v) }));
  return { kind: "hash", total, truncated: fields.length < total, next, fields };
}

async function readSet(redis: Redis, key: Buffer, total: number, q: KeyDetailQuery): Promise<KeyValue> {
  const { items, next } = await scanCollection(redis, "SSCAN", key, position(q, "a cursor", "set"), q.limit);
  const budget = new PageBudget();
  const members = items.sort(Buffer.compare).map((m) => budget.text(m));
  return { kind: "set", total, truncated: members.length < total, next, members };
}

async function readList(redis: Redis, key: Buffer, total: number, q: KeyDetailQuery): Promise<KeyValue> {
  const offset = Number(position(q, "an index", "list or sorted set"));
  const items = (await redis.callBuffer(
    "LRANGE",
    key,
    String(offset),
    String(offset + q.limit - 1),
  )) as Buffer[];
  const budget = new PageBudget();
  const end = offset + items.length;
  return {
    kind: "list",
    total,
    offset,
    truncated: items.length < total,
    next: end < total ? String(end) : undefined,
    elements: items.map((e) => budget.text(e)),
  };
}

/** Scores as Redis prints them ("1", "2.5", "inf"), whichever form the protocol delivered. */
function scoreText(score: unknown): string {
  if (typeof score === "number")
    return Number.isFinite(score) ? String(score) : score > 0 ? "inf" : score < 0 ? "-inf" : "nan";
  return Buffer.isBuffer(score) ? score.toString() : String(score);
}

async function readZset(redis: Redis, key: Buffer, total: number, q: KeyDetailQuery): Promise<KeyValue> {
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
  const budget = new PageBudget();
  const members = scored.map(([m, s]) => ({ member: budget.text(m), score: scoreText(s) }));
  const end = offset + members.length;
  return {
    kind: "zset",
    total,
    offset,
    truncated: members.length < total,
    next: end < total ? String(end) : undefined,
    members,
  };
}

async function readStream(redis: Redis, key: Buffer, total: number, q: KeyDetailQuery): Promise<KeyValue> {
  const end = q.from ? `(${q.from}` : "+";
  const raw = (await redis.callBuffer("XREVRANGE", key, end, "-", "COUNT", String(q.limit))) as [
    Buffer,
    Buffer[],
  ][];
  const budget = new PageBudget();
  const entries = raw.map(([id, flat]) => ({
    id: id.toString(),
    fields: pairs(flat).map(([f, v]) => ({ field: budget.text(f), value: budget.text(v) })),
  }));
  const last = entries[entries.length - 1];
  return {
    kind: "stream",
    total,
    truncated: entries.length < total,
    next: entries.length === q.limit && last ? last.id : undefined,
    entries,
  };
}

async function readValue(redis: Redis, key: Buffer, meta: KeyMeta, q: KeyDetailQuery): Promise<KeyValue> {
  const total = meta.length ?? 0;
  switch (meta.type) {
    case "string": {
      const bytes = (await redis.callBuffer("GETRANGE", key, "0", String(MAX_STRING_BYTES - 1))) as Buffer;
      return renderString(bytes, Math.max(total, bytes.length));
    }
    case "hash":
      return readHash(redis, key, total, q);
    case "list":
      return readList(redis, key, total, q);
    case "set":
      return readSet(redis, key, total, q);
    case "zset":
      return readZset(redis, key, total, q);
    case "stream":
      return readStream(redis, key, total, q);
    default:
      return { kind: "unsupported", type: meta.type };
  }
}

export interface ReadKeyOptions {
  /** The caller may see values of sensitive patterns: the answer of `canReadSensitive(principal)`. */
  revealSensitive: boolean;
}

/**
 * One key's metadata, class and value, or null when Redis said the key does not exist. A key the
 * console's user may not read, a refused command or a timeout throws its RedisError: never "no
 * such key". A sensitive key's value is not even read unless the caller may see it.
 */
export async function readKey(
  redis: Redis,
  compiled: CompiledPolicy,
  key: Buffer,
  query: KeyDetailQuery,
  { revealSensitive }: ReadKeyOptions,
): Promise<KeyDetailResponse | null> {
  const [read] = await readKeyMeta(redis, [key]);
  if (read?.state === "unknown") throw read.error;
  if (read?.state !== "present") return null;
  const meta = read.meta;
  const item = listItem(compiled, key, meta);
  const readAt = new Date().toISOString();
  const value: KeyValue =
    item.sensitive && !revealSensitive
      ? {
          kind: "hidden",
          reason: `values of ${item.pattern ?? "this"} keys are sensitive: operators and admins only`,
        }
      : await readValue(redis, key, meta, query);
  return {
    ...item,
    standardTtl: matchPattern(compiled, key)?.pattern.standardTtlSeconds ?? null,
    readAt,
    value,
  };
}
