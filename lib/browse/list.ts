// The key browser's pages: the keys Redis listed (lib/redis/key-pages.ts) with each key's policy
// class, shaped as the keys API answers. Unreadable keys are counted with the first reason.
import "server-only";
import type { InstanceConfig } from "@/lib/config";
import { displayKey, hashTag, keyRef } from "@/lib/keys/encoding";
import { classifyKey, matchPattern, type CompiledPolicy } from "@/lib/policy/classify";
import type { KeyMeta } from "@/lib/redis/key-meta";
import { readKeyPage, SCAN_BUDGET_MS, type PageKey } from "@/lib/redis/key-pages";
import { keySlot } from "@/lib/redis/topology";
import type { KeyListItem, KeysQuery, KeysResponse } from "@/lib/schemas/keys";

/** A key as the list shows it: type, TTL, size and its policy class. */
export function listItem(compiled: CompiledPolicy, key: Buffer, meta: KeyMeta): KeyListItem {
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

/** The items to list; keys that vanished are left out, unreadable ones counted with the first reason. */
function pageItems(
  compiled: CompiledPolicy,
  keys: PageKey[],
  cluster: boolean,
): Pick<KeysResponse, "keys" | "unreadable" | "unreadableReason"> {
  const items: KeyListItem[] = [];
  let unreadable = 0;
  let reason: string | undefined;
  for (const { key, meta, node } of keys) {
    if (meta.state === "present")
      items.push({ ...listItem(compiled, key, meta.meta), ...(cluster ? clusterPlace(key, node) : {}) });
    else if (meta.state === "unknown") {
      unreadable++;
      reason ??= meta.error.message;
    }
  }
  return { keys: items, ...(unreadable > 0 ? { unreadable, unreadableReason: reason } : {}) };
}

/**
 * One page of keys with type, TTL, size and policy class. Keys that vanished meanwhile are left
 * out; keys the console's user may not read (ACL key patterns) are counted in `unreadable` with the
 * reason, never shown as missing. A refused command (TTL, TYPE) or a timeout fails the page.
 */
export async function listKeys(
  instance: InstanceConfig,
  compiled: CompiledPolicy,
  query: KeysQuery,
  budgetMs = SCAN_BUDGET_MS,
): Promise<KeysResponse> {
  const page = await readKeyPage(instance, query, budgetMs);
  return {
    cursor: page.cursor,
    ...pageItems(compiled, page.keys, page.cluster !== undefined),
    ...(page.cluster ? { cluster: page.cluster } : {}),
    ...(page.uncoveredSlots ? { uncoveredSlots: page.uncoveredSlots } : {}),
    ...(page.notice ? { notice: page.notice } : {}),
  };
}
