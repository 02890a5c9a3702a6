// The key browser's reads: one time-bounded SCAN page of keys with their metadata and policy class,
// and one key's value for every Redis type, truncated so no answer grows past about a megabyte.
// Keys are Buffers end to end (binary-safe); never KEYS.
//
// A cluster's listing walks its masters one after another in slot order (the master serving the
// lowest slot first), each with its own SCAN; the page cursor is an opaque token naming the node
// (its address and the first slot it served) and that node's SCAN cursor, so each key comes once
// across the pages. A node that is gone when the cursor comes back (a failover) is found again by
// its first slot: the master now serving it restarts its part from the beginning, and the page
// says so (keys of that part may be listed again). When no master serves that slot the page is a
// 409: start again. Key details go through the cluster client, which routes by slot.
import "server-only";
import type Redis from "ioredis";
import { ConflictError } from "@/lib/http/errors";
import type { InstanceConfig } from "@/lib/config";
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
import { instanceKind, isCluster, type KeyClient } from "./client";
import { KeyArgumentError } from "./errors";
import { readKeyMeta, type KeyMeta } from "./key-meta";
import { atNode, describeSlots, keySlot, keyspaceNodes, uncoveredSlots, type RedisNode } from "./topology";
import { DensityThrottle, walkKeyspace } from "./walk";
import { displayKey, fromBase64Url, hashTag, keyRef } from "./keys";

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

/** Where a key lives in a cluster: its slot, its hash tag (if any) and the master holding it. */
export function clusterPlace(
  key: Buffer,
  node: string | undefined,
): Pick<KeyListItem, "slot" | "node" | "hashTag"> {
  const tag = hashTag(key);
  return {
    slot: keySlot(key),
    ...(node ? { node } : {}),
    ...(tag ? { hashTag: displayKey(tag) } : {}),
  };
}

/** Metadata of the keys of a page and the items to list; unreadable keys counted with the first reason. */
function pageItems(
  compiled: CompiledPolicy,
  keys: Buffer[],
  metas: Awaited<ReturnType<typeof readKeyMeta>>,
  place?: (i: number) => Pick<KeyListItem, "slot" | "node" | "hashTag">,
): Pick<KeysResponse, "keys" | "unreadable" | "unreadableReason"> {
  const items: KeyListItem[] = [];
  let unreadable = 0;
  let reason: string | undefined;
  keys.forEach((key, i) => {
    const r = metas[i];
    if (r?.state === "present") items.push({ ...listItem(compiled, key, r.meta), ...place?.(i) });
    else if (r?.state === "unknown") {
      unreadable++;
      reason ??= r.error.message;
    }
  });
  return { keys: items, ...(unreadable > 0 ? { unreadable, unreadableReason: reason } : {}) };
}

/**
 * One page of keys with type, TTL, size and policy class. Keys that vanished meanwhile are left
 * out; keys the console's user may not read (ACL key patterns) are counted in `unreadable` with the
 * reason, never shown as missing. A refused command (TTL, TYPE) or a timeout fails the page. A
 * cluster instance is listed master after master (see the top of this file); a failing master
 * fails the page with its address in the message.
 */
export async function listKeys(
  instance: InstanceConfig,
  compiled: CompiledPolicy,
  query: KeysQuery,
  budgetMs = SCAN_BUDGET_MS,
): Promise<KeysResponse> {
  if (instanceKind(instance) === "cluster") return listClusterKeys(instance, compiled, query, budgetMs);
  if (!/^\d+$/.test(query.cursor))
    throw new KeyArgumentError(
      "cursor: this instance is one server: its cursor is the number a previous page returned",
    );
  const [node] = await keyspaceNodes(instance);
  if (!node) throw new Error(`instance ${instance.id} has no server`);
  const page = await scanPage(node.client, query, budgetMs);
  const metas = await readKeyMeta(node.client, page.keys);
  return { cursor: page.cursor, ...pageItems(compiled, page.keys, metas) };
}

// ---------------------------------------------------------------- cluster listing

const CURSOR_VERSION = "c1";

/** Where a cluster listing continues: the node (by address and the first slot it served) and its SCAN cursor. */
export interface NodeCursor {
  firstSlot: number;
  address: string;
  scan: string;
}

/** The opaque page cursor of a cluster listing (base64url, never only digits). */
export function encodeNodeCursor(c: NodeCursor): string {
  return Buffer.from(`${CURSOR_VERSION}:${c.firstSlot}:${c.scan}:${c.address}`).toString("base64url");
}

/** Decodes a cluster listing's cursor; anything that is not one a page returned is a 400. */
export function decodeNodeCursor(cursor: string): NodeCursor {
  const bad = () =>
    new KeyArgumentError("cursor: not a cursor this cluster's listing returned (start again with cursor=0)");
  const bytes = fromBase64Url(cursor);
  if (!bytes) throw bad();
  const text = bytes.toString("utf8");
  const m = /^c1:(\d{1,5}):(\d{1,20}):(.+:\d{1,5})$/.exec(text);
  if (!m) throw bad();
  const firstSlot = Number(m[1]);
  const scan = m[2] as string;
  if (firstSlot > 16383 || BigInt(scan) > 2n ** 64n - 1n || BigInt(scan).toString() !== scan) throw bad();
  return { firstSlot, address: m[3] as string, scan };
}

function firstSlotOf(node: RedisNode): number {
  return node.slots[0]?.[0] ?? 0;
}

function servesSlot(node: RedisNode, slot: number): boolean {
  return node.slots.some(([a, b]) => slot >= a && slot <= b);
}

/** The node and SCAN cursor a cluster cursor continues with, or a restart notice after a failover. */
function resume(masters: RedisNode[], cursor: string): { index: number; scan: string; notice?: string } {
  if (cursor === "0") return { index: 0, scan: "0" };
  if (/^\d+$/.test(cursor))
    throw new KeyArgumentError(
      "cursor: a cluster's listing continues from the cursor a previous page returned (0 to start)",
    );
  const at = decodeNodeCursor(cursor);
  const same = masters.findIndex((m) => m.address === at.address);
  if (same !== -1) return { index: same, scan: at.scan };
  const successor = masters.findIndex((m) => servesSlot(m, at.firstSlot));
  if (successor === -1) {
    throw new ConflictError(
      `cluster node ${at.address} is no longer a master and no master serves its slot ${at.firstSlot}: start the listing again`,
    );
  }
  const now = (masters[successor] as RedisNode).address;
  return {
    index: successor,
    scan: "0",
    notice: `cluster node ${at.address} is no longer a master (failover): its slots are now on ${now}, whose part of the listing restarted, so some of its keys may be listed again`,
  };
}

async function listClusterKeys(
  instance: InstanceConfig,
  compiled: CompiledPolicy,
  query: KeysQuery,
  budgetMs: number,
): Promise<KeysResponse> {
  const masters = [...(await keyspaceNodes(instance))].sort((a, b) => firstSlotOf(a) - firstSlotOf(b));
  const uncovered = await uncoveredSlots(instance);
  const start = resume(masters, query.cursor);
  let { index, scan } = start;
  const started = performance.now();
  const found: { key: Buffer; node: RedisNode }[] = [];
  while (index < masters.length) {
    const node = masters[index] as RedisNode;
    const left = Math.max(0, budgetMs - (performance.now() - started));
    let page: ScanPage;
    try {
      page = await scanPage(node.client, { ...query, cursor: scan, count: query.count - found.length }, left);
    } catch (err) {
      throw atNode(err, instance, node, masters.length);
    }
    for (const key of page.keys) found.push({ key, node });
    scan = page.cursor;
    if (scan === "0") index++;
    if (found.length >= query.count || performance.now() - started >= budgetMs) break;
  }
  const keys = found.map((f) => f.key);
  const metas = new Array<Awaited<ReturnType<typeof readKeyMeta>>[number]>(found.length);
  await Promise.all(
    masters.map(async (node) => {
      const mine = found.flatMap((f, i) => (f.node === node ? [i] : []));
      if (mine.length === 0) return;
      try {
        const read = await readKeyMeta(
          node.client,
          mine.map((i) => keys[i] as Buffer),
        );
        mine.forEach((i, j) => (metas[i] = read[j] as (typeof metas)[number]));
      } catch (err) {
        throw atNode(err, instance, node, masters.length);
      }
    }),
  );
  const next = masters[index];
  return {
    cursor: next ? encodeNodeCursor({ firstSlot: firstSlotOf(next), address: next.address, scan }) : "0",
    ...pageItems(compiled, keys, metas, (i) => clusterPlace(keys[i] as Buffer, found[i]?.node.address)),
    cluster: { nodes: masters.length, ...(next ? { nodeIndex: index + 1 } : {}) },
    ...(uncovered.length > 0 ? { uncoveredSlots: describeSlots(uncovered) } : {}),
    ...(start.notice ? { notice: start.notice } : {}),
  };
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

async function readHash(redis: KeyClient, key: Buffer, total: number, q: KeyDetailQuery): Promise<KeyValue> {
  const { items, next } = await scanCollection(redis, "HSCAN", key, position(q, "a cursor", "hash"), q.limit);
  const budget = new PageBudget();
  const fields = pairs(items).map(([f, v]) => ({ field: budget.text(f), value: budget.text(v) }));
  return { kind: "hash", total, truncated: fields.length < total, next, fields };
}

async function readSet(redis: KeyClient, key: Buffer, total: number, q: KeyDetailQuery): Promise<KeyValue> {
  const { items, next } = await scanCollection(redis, "SSCAN", key, position(q, "a cursor", "set"), q.limit);
  const budget = new PageBudget();
  const members = items.sort(Buffer.compare).map((m) => budget.text(m));
  return { kind: "set", total, truncated: members.length < total, next, members };
}

async function readList(redis: KeyClient, key: Buffer, total: number, q: KeyDetailQuery): Promise<KeyValue> {
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

async function readZset(redis: KeyClient, key: Buffer, total: number, q: KeyDetailQuery): Promise<KeyValue> {
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

async function readStream(
  redis: KeyClient,
  key: Buffer,
  total: number,
  q: KeyDetailQuery,
): Promise<KeyValue> {
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

async function readValue(redis: KeyClient, key: Buffer, meta: KeyMeta, q: KeyDetailQuery): Promise<KeyValue> {
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
 * such key". A sensitive key's value is not even read unless the caller may see it. Through a
 * cluster client every command goes to the key's master (routed by slot), and the answer says
 * which master, the slot and the hash tag.
 */
export async function readKey(
  redis: KeyClient,
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
    ...(isCluster(redis) ? clusterPlace(key, redis.slots[keySlot(key)]?.[0]) : {}),
    standardTtl: matchPattern(compiled, key)?.pattern.standardTtlSeconds ?? null,
    readAt,
    value,
  };
}
