// Where an instance is (its address and database, without credentials) and a timeout for probes.
import "server-only";
import type { InstanceConfig } from "@/lib/config";
import { instanceKind } from "./connection";

/** A probe never takes longer than this, so a hung Redis cannot hang a page. */
export const PROBE_TIMEOUT_MS = 2000;

export function instanceDb(instance: InstanceConfig): number {
  const db = new URL(instance.url).pathname.replace(/^\//, "");
  return db === "" ? 0 : Number(db);
}

/** Where the instance is, without credentials: a server, a cluster's seeds, or the sentinels and the master name. */
export function instanceAddress(instance: InstanceConfig): string {
  const kind = instanceKind(instance);
  if (kind === "sentinel" && instance.sentinel) {
    const sentinels = instance.sentinel.addresses.map((a) => `${a.host}:${a.port}`).join(", ");
    return `sentinel ${instance.sentinel.masterName} via ${sentinels}/${instanceDb(instance)}`;
  }
  if (kind === "cluster") {
    const seeds = (instance.nodes ?? [instance.url]).map((u) => {
      const url = new URL(u);
      return `${url.hostname}:${url.port || "6379"}`;
    });
    return `cluster via ${seeds.join(", ")}`;
  }
  const url = new URL(instance.url);
  return `${url.hostname}:${url.port || "6379"}/${instanceDb(instance)}`;
}

export class TimeoutError extends Error {
  override name = "TimeoutError";
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
