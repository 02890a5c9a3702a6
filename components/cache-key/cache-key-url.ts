// URLs the calculator uses: its API, and the key browser opened on one key. Pure.
import { escapeGlob } from "@/components/keys/glob";
import { base64ToBase64Url } from "@/lib/redis/keys";

export function cacheKeyApiUrl(instanceId: string): string {
  return `/api/instances/${encodeURIComponent(instanceId)}/cache-key`;
}

/** The key browser listing exactly this key, with its detail open. */
export function keyBrowserUrl(instanceId: string, key: string, keyBase64: string): string {
  const query = new URLSearchParams({ match: escapeGlob(key), key: base64ToBase64Url(keyBase64) });
  return `/i/${encodeURIComponent(instanceId)}/keys?${query.toString()}`;
}
