import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InstanceConfig } from "@/lib/config";
import { closeAllConnections, withRedis } from "@/lib/redis/connection";
import { probeInstance } from "@/lib/metrics/instance-status";
import { startRedisServer, type RedisServer } from "../helpers/redis-server";
import { makeTlsFiles, type TlsFiles } from "../helpers/tls";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "@/lib/config/load";

function instance(id: string, url: string, extra: Partial<InstanceConfig> = {}): InstanceConfig {
  return { id, name: id, environment: "development", url, readOnly: false, ...extra };
}

describe("connecting to Redis", () => {
  let plain: RedisServer;
  let secured: RedisServer;
  let tlsServer: RedisServer;
  let tls: TlsFiles;

  beforeAll(async () => {
    tls = makeTlsFiles();
    [plain, secured, tlsServer] = await Promise.all([
      startRedisServer(),
      startRedisServer({ requirepass: "s3cret", aclUsers: ["user ops on >opspass ~* &* +@all"] }),
      startRedisServer({ tls, requirepass: "tlspass" }),
    ]);
  });

  afterAll(async () => {
    await closeAllConnections();
    await Promise.all([plain?.stop(), secured?.stop(), tlsServer?.stop()]);
    if (tls) rmSync(tls.dir, { recursive: true, force: true });
  });

  it("reaches a plain server and reports version, memory and keys", async () => {
    await plain.cli("SET", "isl:result:0123456789abcdef", "x", "EX", "60");
    const status = await probeInstance(instance("plain", plain.url));
    expect(status.reachable).toBe(true);
    expect(status.redisVersion).toMatch(/^\d+\.\d+/);
    expect(status.keys).toBe(1);
    expect(status.memory?.usedBytes).toBeGreaterThan(0);
  });

  it("authenticates with a password", async () => {
    const status = await probeInstance(instance("pw", secured.url, { password: "s3cret" }));
    expect(status).toMatchObject({ reachable: true });
  });

  it("authenticates as an ACL user given in the URL", async () => {
    const url = `redis://ops:opspass@127.0.0.1:${secured.port}/0`;
    const who = await withRedis(instance("acl", url), (r) => r.call("ACL", "WHOAMI"));
    expect(who).toBe("ops");
  });

  it("signs in as the URL's ACL user with the password from passwordEnv (instances file)", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "isl-conn-"));
    try {
      const file = path.join(dir, "instances.json");
      writeFileSync(
        file,
        JSON.stringify([
          {
            id: "acl-env",
            name: "acl-env",
            environment: "staging",
            url: `redis://ops@127.0.0.1:${secured.port}/0`,
            passwordEnv: "CONN_TEST_OPS_PASSWORD",
          },
        ]),
      );
      const config = loadConfig({
        ISL_INSTANCES_FILE: file,
        CONN_TEST_OPS_PASSWORD: "opspass",
        CONSOLE_DATA_DIR: dir,
      });
      const inst = config.instances[0];
      if (!inst) throw new Error("no instance loaded");
      expect(inst.url).not.toContain("opspass");
      // Through the console's own connection, not a fresh one: the URL's user with the env's password.
      expect(await withRedis(inst, (r) => r.call("ACL", "WHOAMI"))).toBe("ops");
      expect((await probeInstance(inst)).reachable).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reports a wrong password clearly, without hanging", async () => {
    const started = Date.now();
    const status = await probeInstance(instance("wrongpw", secured.url, { password: "nope" }));
    expect(status.reachable).toBe(false);
    expect(status.error).toMatch(/authentication failed/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("reports a missing password clearly", async () => {
    const status = await probeInstance(instance("nopw", secured.url));
    expect(status.reachable).toBe(false);
    expect(status.error).toMatch(/authentication/);
  });

  it("connects over TLS with a custom CA", async () => {
    const status = await probeInstance(
      instance("tls", tlsServer.url, {
        password: "tlspass",
        tls: { ca: readFileSync(tls.caCert, "utf8"), rejectUnauthorized: true },
      }),
    );
    expect(status).toMatchObject({ reachable: true });
  });

  it("refuses a TLS server whose CA it does not trust", async () => {
    const status = await probeInstance(
      instance("tls-untrusted", tlsServer.url, { password: "tlspass", tls: { rejectUnauthorized: true } }),
    );
    expect(status.reachable).toBe(false);
    expect(status.error).toMatch(/TLS|certificate/i);
  });

  it("reports a stopped server unreachable within 3 s, and recovers when it is back", async () => {
    const server = await startRedisServer();
    const inst = instance("flaky", server.url);
    expect((await probeInstance(inst)).reachable).toBe(true);
    server.process.kill("SIGKILL");
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    const status = await probeInstance(inst);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(status.reachable).toBe(false);
    await server.restart();
    await expect
      .poll(async () => (await probeInstance(inst)).reachable, { timeout: 8000, interval: 200 })
      .toBe(true);
    await server.stop();
  });

  it("reports a port nobody listens on unreachable within 3 s", async () => {
    const started = Date.now();
    const status = await probeInstance(instance("nobody", "redis://127.0.0.1:1/0"));
    expect(Date.now() - started).toBeLessThan(3000);
    expect(status).toMatchObject({ reachable: false });
    expect(status.error).toMatch(/refused|timed out|not connected/);
  });
});
