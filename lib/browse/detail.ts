// One key for the key browser: its metadata, policy class and one page of its value (read by
// lib/redis/values.ts), rendered as text within the page's budget (value-text.ts).
import "server-only";
import { keySlot } from "@/lib/redis/topology";
import { matchPattern, type CompiledPolicy } from "@/lib/policy/classify";
import { isCluster, type KeyClient } from "@/lib/redis/connection";
import { readKeyMeta } from "@/lib/redis/key-meta";
import { readValuePage, type ValuePage } from "@/lib/redis/values";
import type { KeyDetailQuery, KeyDetailResponse, KeyValue } from "@/lib/schemas/keys";
import { clusterPlace, listItem } from "./list";
import { PageBudget, renderString } from "./value-text";

/** The API's value from the page Redis gave: text within one page budget, `next` to continue. */
export function valueOf(page: ValuePage, limit: number): KeyValue {
  const budget = new PageBudget();
  switch (page.kind) {
    case "string":
      return renderString(page.bytes, page.size);
    case "hash": {
      const fields = page.fields.map(([f, v]) => ({ field: budget.text(f), value: budget.text(v) }));
      return {
        kind: "hash",
        total: page.total,
        truncated: fields.length < page.total,
        next: page.next,
        fields,
      };
    }
    case "set": {
      const members = page.members.map((m) => budget.text(m));
      return {
        kind: "set",
        total: page.total,
        truncated: members.length < page.total,
        next: page.next,
        members,
      };
    }
    case "list": {
      const end = page.offset + page.elements.length;
      return {
        kind: "list",
        total: page.total,
        offset: page.offset,
        truncated: page.elements.length < page.total,
        next: end < page.total ? String(end) : undefined,
        elements: page.elements.map((e) => budget.text(e)),
      };
    }
    case "zset": {
      const members = page.members.map(([m, score]) => ({ member: budget.text(m), score }));
      const end = page.offset + members.length;
      return {
        kind: "zset",
        total: page.total,
        offset: page.offset,
        truncated: members.length < page.total,
        next: end < page.total ? String(end) : undefined,
        members,
      };
    }
    case "stream": {
      const entries = page.entries.map(({ id, fields }) => ({
        id,
        fields: fields.map(([f, v]) => ({ field: budget.text(f), value: budget.text(v) })),
      }));
      const last = entries[entries.length - 1];
      return {
        kind: "stream",
        total: page.total,
        truncated: entries.length < page.total,
        next: entries.length === limit && last ? last.id : undefined,
        entries,
      };
    }
    case "unsupported":
      return page;
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
      : valueOf(await readValuePage(redis, key, meta, query), query.limit);
  return {
    ...item,
    ...(isCluster(redis) ? clusterPlace(key, redis.slots[keySlot(key)]?.[0]) : {}),
    standardTtl: matchPattern(compiled, key)?.pattern.standardTtlSeconds ?? null,
    readAt,
    value,
  };
}
