// scripts/preflight.sh without installing anything: PATH points at a directory of stand-in tools,
// so the script sees exactly the tools a test leaves there; PREFLIGHT_DRY_RUN=1 prints the apt-get
// commands instead of running them and PREFLIGHT_AS_USER=1 takes the non-root branches.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const script = path.resolve(__dirname, "../../scripts/preflight.sh");
const bash = execFileSync("sh", ["-c", "command -v bash"], { encoding: "utf8" }).trim();
const dirs: string[] = [];

const everyTool = ["redis-server", "redis-cli", "openssl", "promtool", "g++", "make", "python3"];

function executable(file: string, body = "#!/bin/sh\nexit 0\n"): void {
  writeFileSync(file, body);
  chmodSync(file, 0o755);
}

/** A directory holding stand-ins for `tools`, and a stand-in browser when `browser` is set. */
function machine(tools: string[], opts: { browser?: boolean; sudo?: boolean } = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "isl-preflight-"));
  dirs.push(dir);
  for (const tool of tools) executable(path.join(dir, tool));
  if (opts.sudo) executable(path.join(dir, "sudo"));
  const chromium = path.join(dir, opts.browser ? "chromium-browser" : "no-chromium");
  if (opts.browser) executable(chromium);
  return { path: dir, chromium };
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function preflight(
  needs: string[],
  m: { path: string; chromium: string },
  env: Record<string, string> = {},
): Run {
  const res = spawnSync(bash, [script, ...needs], {
    encoding: "utf8",
    env: { NODE_ENV: "test", PATH: m.path, PREFLIGHT_DRY_RUN: "1", PREFLIGHT_CHROMIUM: m.chromium, ...env },
    timeout: 10_000,
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

const installing = (out: string) => [...out.matchAll(/^preflight: installing (\S+) \(/gm)].map((m) => m[1]);

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("preflight", () => {
  it("says in one line that nothing is missing when every tool is there, and runs no apt-get", () => {
    const r = preflight(["test"], machine(everyTool, { browser: true }));
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
    expect(r.stdout).toMatch(/^preflight: nothing to install \(/);
    expect(r.stdout + r.stderr).not.toMatch(/apt-get/);
  });

  it("for npm test, installs every missing package with one reason line each", () => {
    const r = preflight(["test"], machine([], { sudo: true }), { PREFLIGHT_AS_USER: "1" });
    expect(r.code).toBe(0);
    expect(installing(r.stdout)).toEqual([
      "redis-server",
      "redis-tools",
      "openssl",
      "chromium",
      "prometheus",
      "g++",
      "make",
      "python3",
    ]);
    expect(r.stdout).toMatch(/^preflight: installing prometheus \(.*promtool.*\)$/m);
    expect(r.stdout).toContain("would run: sudo -n apt-get update");
    expect(r.stdout).toContain(
      "would run: sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server redis-tools openssl chromium prometheus g++ make python3",
    );
  });

  it("installs only what is missing: the browser when /usr/bin/chromium is absent", () => {
    const m = machine(everyTool, { sudo: true });
    const r = preflight(["test"], m, { PREFLIGHT_AS_USER: "1" });
    expect(r.code).toBe(0);
    expect(installing(r.stdout)).toEqual(["chromium"]);
    expect(r.stdout).toContain(`installing chromium (the end-to-end tests drive ${m.chromium})`);
  });

  it("for the quick start, redis and build are checked separately", () => {
    const m = machine(["redis-server", "make"], { sudo: true });
    expect(installing(preflight(["redis"], m, { PREFLIGHT_AS_USER: "1" }).stdout)).toEqual(["redis-tools"]);
    expect(installing(preflight(["build"], m, { PREFLIGHT_AS_USER: "1" }).stdout)).toEqual([
      "g++",
      "python3",
    ]);
  });

  it.runIf(process.getuid?.() === 0)("as root, runs apt-get itself, without sudo", () => {
    const r = preflight(["redis"], machine([]));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^preflight: dry run, would run: apt-get update -qq$/m);
    expect(r.stdout).toContain(
      "would run: env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server redis-tools",
    );
  });

  it("without root or sudo, prints the exact sudo command and exits 1", () => {
    const r = preflight(["redis"], machine(["redis-cli"]), { PREFLIGHT_AS_USER: "1" });
    expect(r.code).toBe(1);
    expect(installing(r.stdout)).toEqual([]);
    expect(r.stderr).toContain("not root, and sudo -n does not work");
    expect(r.stderr).toContain("    sudo apt-get update && sudo apt-get install -y redis-server\n");
  });

  it("without root or sudo but nothing missing, succeeds", () => {
    const r = preflight(["redis", "build"], machine(everyTool), { PREFLIGHT_AS_USER: "1" });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^preflight: nothing to install/);
  });

  it("refuses an unknown need with exit 2", () => {
    const r = preflight(["tests"], machine(everyTool));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown need 'tests'");
  });
});
