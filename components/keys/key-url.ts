"use client";
// The key browser's state lives in the URL (?match=isl:result:*&type=hash&key=<base64url>), so a link
// in a chat opens the same view. This hook reads it and writes it back without scrolling.
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback } from "react";
import { redisTypeSchema, type RedisTypeName } from "@/lib/schemas/keys";

export interface KeysView {
  match: string;
  type: RedisTypeName | undefined;
  /** The selected key's base64url id. */
  key: string | undefined;
}

export function useKeysView(): [KeysView, (patch: Partial<KeysView>) => void] {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const type = redisTypeSchema.safeParse(params.get("type"));
  const view: KeysView = {
    match: params.get("match") || "*",
    type: type.success ? type.data : undefined,
    key: params.get("key") || undefined,
  };
  const update = useCallback(
    (patch: Partial<KeysView>) => {
      const next = new URLSearchParams(params.toString());
      for (const [name, value] of Object.entries(patch)) {
        if (value === undefined || value === "" || (name === "match" && value === "*")) next.delete(name);
        else next.set(name, value);
      }
      const query = next.toString();
      router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
    },
    [params, pathname, router],
  );
  return [view, update];
}
