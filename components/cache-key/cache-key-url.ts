// The key browser's URL opened on one key, for the calculator's "open in the key browser". Pure.
import { escapeGlob } from "@/components/keys/glob";
import { base64ToBase64Url } from "@/lib/keys/encoding";

/** The key browser listing exactly this key, with its detail open. */
export function keyBrowserUrl(instanceId: string, key: string, keyBase64: string): string {
  const query = new URLSearchParams({ match: escapeGlob(key), key: base64ToBase64Url(keyBase64) });
  return `/i/${encodeURIComponent(instanceId)}/keys?${query.toString()}`;
}
