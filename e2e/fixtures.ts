// Fixtures every spec uses: `api` (the console's JSON API over HTTP), `demo` and `chaos` (the two
// real redis-servers behind the console's instances "demo" and "chaos").
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test as base, expect, type APIRequestContext } from "@playwright/test";
import type { E2eState } from "./global-setup";
import { chaosRedisArgs, e2eEnv, stateFile } from "./support/env";
import { killQuietly, spawnRedis } from "./support/processes";

export interface RedisHandle {
  port: number;
  /** redis-cli against this server; returns stdout. */
  cli(...args: string[]): string;
}

export interface ChaosRedis extends RedisHandle {
  stop(): void;
  start(): Promise<void>;
}

function readState(): E2eState {
  return JSON.parse(readFileSync(stateFile(), "utf8")) as E2eState;
}

function handle(port: number): RedisHandle {
  return {
    port,
    cli: (...args) => execFileSync("redis-cli", ["-h", "127.0.0.1", "-p", String(port), ...args], { encoding: "utf8" }),
  };
}

function isUp(port: number): boolean {
  try {
    return handle(port).cli("PING").trim() === "PONG";
  } catch {
    return false;
  }
}

export class Api {
  constructor(private readonly request: APIRequestContext) {}

  async get<T = unknown>(url: string): Promise<{ status: number; body: T }> {
    const res = await this.request.get(url);
    return { status: res.status(), body: (await res.json()) as T };
  }
}

export const test = base.extend<{ api: Api; demo: RedisHandle; chaos: ChaosRedis }>({
  api: async ({ request }, use) => {
    await use(new Api(request));
  },
  demo: async ({}, use) => {
    await use(handle(e2eEnv.demoRedisPort));
  },
  chaos: async ({}, use) => {
    const port = e2eEnv.chaosRedisPort;
    const chaos: ChaosRedis = {
      ...handle(port),
      stop() {
        killQuietly(readState().chaosRedisPid, "SIGKILL");
      },
      async start() {
        const child = await spawnRedis(port, path.join(e2eEnv.workDir, "redis-chaos"), chaosRedisArgs);
        writeFileSync(stateFile(), JSON.stringify({ ...readState(), chaosRedisPid: child.pid ?? 0 }));
      },
    };
    await use(chaos);
    // Leave it running for the next spec, whatever this one did.
    if (!isUp(port)) await chaos.start();
  },
});

export { expect };
