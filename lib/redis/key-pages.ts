// Pages of keys, as Redis has them: one time-bounded SCAN page with each key's metadata (type, TTL,
// size), never KEYS. Keys are Buffers end to end (binary-safe). Classifying the keys and shaping the
// API answer happen above (lib/browse).
//
// A cluster's listing walks its masters one after another in slot order (the master serving the
// lowest slot first), each with its own SCAN; the page cursor is an opaque token naming the node
// (its address and the first slot it served) and that node's SCAN cursor, so each key comes once
// across the pages. A node that is gone when the cursor comes back (a failover) is found again by
// its first slot: the master now serving it restarts its part from the beginning, and the page
// says so (keys of that part may be listed again). When no master serves that slot the page is a
// ClusterConflictError (409): start again.
import "server-only";
import type Redis from "ioredis";
import type { InstanceConfig } from "@/lib/config";
import { instanceKind } from "./connection";
import { ClusterConflictError, KeyArgumentError } from "./errors";
import { readKeyMeta, type KeyMetaResult } from "./key-meta";
import { atNode, describeSlots, keyspaceNodes, uncoveredSlots, type RedisNode } from "./topology";
import { DensityThrottle, walkKeyspace } from "./walk";
import { fromBase64Url } from "@/lib/keys/encoding";

/** How long one keys request keeps SCANning before it answers with what it found and the cursor. */
export const SCAN_BUDGET_MS = 200;

/** What a page asks for: a glob (as typed, see matchToRedis), where to continue, how many, which type. */
export interface KeyPageQuery {
  match: string;
  cursor: string;
  count: number;
  type?: string;
}

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
  query: KeyPageQuery,
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

/** One key of a page: its name, what reading its metadata found, and (cluster) the master's address. */
export interface PageKey {
  key: Buffer;
  meta: KeyMetaResult;
  node?: string;
}

/** One page of keys: where to continue ("0": done) and, for a cluster, where the listing stands. */
export interface KeyPage {
  cursor: string;
  keys: PageKey[];
  cluster?: { nodes: number; nodeIndex?: number };
  /** Slots no master serves right now (their keys cannot be listed), as ranges. */
  uncoveredSlots?: string;
  /** Why part of the listing restarted (a failover). */
  notice?: string;
}

/**
 * One page of keys with their metadata. A refused command (TTL, TYPE) or a timeout fails the page;
 * a key the console's user may not read comes back `unknown` with its error. A cluster instance is
 * listed master after master (see the top of this file); a failing master fails the page with its
 * address in the message.
 */
export async function readKeyPage(
  instance: InstanceConfig,
  query: KeyPageQuery,
  budgetMs = SCAN_BUDGET_MS,
): Promise<KeyPage> {
  if (instanceKind(instance) === "cluster") return readClusterKeyPage(instance, query, budgetMs);
  if (!/^\d+$/.test(query.cursor))
    throw new KeyArgumentError(
      "cursor: this instance is one server: its cursor is the number a previous page returned",
    );
  const [node] = await keyspaceNodes(instance);
  if (!node) throw new Error(`instance ${instance.id} has no server`);
  const page = await scanPage(node.client, query, budgetMs);
  const metas = await readKeyMeta(node.client, page.keys);
  return {
    cursor: page.cursor,
    keys: page.keys.map((key, i) => ({ key, meta: metas[i] ?? { state: "missing" } })),
  };
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
    throw new ClusterConflictError(
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

async function readClusterKeyPage(
  instance: InstanceConfig,
  query: KeyPageQuery,
  budgetMs: number,
): Promise<KeyPage> {
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
  const metas = new Array<KeyMetaResult>(found.length);
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
    keys: found.map((f, i) => ({ key: f.key, meta: metas[i] ?? { state: "missing" }, node: f.node.address })),
    cluster: { nodes: masters.length, ...(next ? { nodeIndex: index + 1 } : {}) },
    ...(uncovered.length > 0 ? { uncoveredSlots: describeSlots(uncovered) } : {}),
    ...(start.notice ? { notice: start.notice } : {}),
  };
}
