// This console process's name in the store: who holds a sampler lease, who runs a scan or a bulk
// job. Host, pid and a random part, so a restarted process (same pid in a container) is another.
import "server-only";
import { randomUUID } from "node:crypto";
import os from "node:os";

const registry = globalThis as typeof globalThis & { __islProcessId?: string };

export function processId(): string {
  registry.__islProcessId ??= `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  return registry.__islProcessId;
}
