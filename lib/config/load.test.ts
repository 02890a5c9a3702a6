import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultPolicy } from "@/lib/policy/default-policy";
import { ConfigError } from "./errors";
import { loadConfig } from "./load";

/** The ConfigError message loadConfig throws for this env; fails the test if it does not throw one. */
function configError(env: Record<string, string | undefined>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as ConfigError).message;
    expect(message).not.toContain("\n");
    return message;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

let dir: string;
let fileCount = 0;

function writeJson(value: unknown, name = `file-${++fileCount}.json`): string {
  const file = path.join(dir, name);
  writeFileSync(file, typeof value === "string" ? value : JSON.stringify(value));
  return file;
}

const entry = (over: Record<string, unknown> = {}) => ({
  id: "primary",
  name: "Primary",
  environment: "staging",
  url: "redis://cache.internal:6380/2",
  ...over,
});

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "isl-config-"));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("single-instance configuration from the environment", () => {
  it("defaults to a local development Redis and ./data", () => {
    const config = loadConfig({});
    expect(config.instances).toEqual([
      {
        id: "local",
        name: "local",
        environment: "development",
        kind: "standalone",
        url: "redis://127.0.0.1:6379/0",
        tls: undefined,
        readOnly: false,
        scanUrl: undefined,
      },
    ]);
    expect(config.dataDir).toBe(path.resolve("./data"));
    expect(path.isAbsolute(config.dataDir)).toBe(true);
    expect(config.nodeEnv).toBe("development");
    expect(config.policy.namespace).toBe("isl:");
    expect(config.policy.patterns.map((p) => p.name)).toEqual(defaultPolicy.patterns.map((p) => p.name));
  });

  it("takes every REDIS_* variable", () => {
    const config = loadConfig({
      REDIS_URL: "redis://ops:pw@10.0.0.5:6390/3",
      REDIS_INSTANCE_ID: "prod-eu",
      REDIS_INSTANCE_NAME: "Production EU",
      REDIS_ENVIRONMENT: "production",
      REDIS_READ_ONLY: "true",
      REDIS_SCAN_URL: "redis://10.0.0.6:6390/3",
      CONSOLE_DATA_DIR: "/var/lib/isl-console",
    });
    expect(config.instances[0]).toMatchObject({
      id: "prod-eu",
      name: "Production EU",
      environment: "production",
      url: "redis://ops:pw@10.0.0.5:6390/3",
      readOnly: true,
      scanUrl: "redis://10.0.0.6:6390/3",
      tls: undefined,
    });
    expect(config.dataDir).toBe("/var/lib/isl-console");
  });

  it("REDIS_TLS=true turns TLS on with certificate checks", () => {
    expect(loadConfig({ REDIS_TLS: "true" }).instances[0]?.tls).toEqual({ rejectUnauthorized: true });
    expect(loadConfig({ REDIS_TLS: "false" }).instances[0]?.tls).toBeUndefined();
  });

  it("a rediss:// URL implies TLS", () => {
    expect(loadConfig({ REDIS_URL: "rediss://cache:6380/0" }).instances[0]?.tls).toEqual({
      rejectUnauthorized: true,
    });
  });

  it.each([
    ["http://x", /^REDIS_URL: scheme http: is not redis: or rediss:$/],
    ["not a url", /^REDIS_URL: is not a URL/],
    ["redis://h:6379/abc", /^REDIS_URL: database "abc" is not a number$/],
    ["", /^REDIS_URL: is not a URL/],
  ])("a wrong REDIS_URL %j stops with one line naming REDIS_URL", (url, expected) => {
    expect(configError({ REDIS_URL: url })).toMatch(expected);
  });

  it("the REDIS_URL message does not repeat a password", () => {
    expect(configError({ REDIS_URL: "redis://:hunter2@h:6379/abc" })).not.toContain("hunter2");
  });

  it("a wrong REDIS_ENVIRONMENT names the variable and the allowed values", () => {
    const message = configError({ REDIS_ENVIRONMENT: "prod" });
    expect(message).toMatch(/^REDIS_ENVIRONMENT: /);
    expect(message).toContain("production");
  });

  it("a wrong REDIS_TLS names the variable", () => {
    expect(configError({ REDIS_TLS: "maybe" })).toMatch(/^REDIS_TLS: /);
  });

  it("a bad REDIS_INSTANCE_ID names the variable", () => {
    expect(configError({ REDIS_INSTANCE_ID: "Has Spaces" })).toMatch(
      /^REDIS_INSTANCE_ID: must be 1-63 lowercase/,
    );
  });
});

describe("multi-instance configuration from ISL_INSTANCES_FILE", () => {
  it("reads every entry, resolving caFile from the file's directory and passwords from the environment", () => {
    const sub = path.join(dir, "conf");
    mkdirSync(path.join(sub, "certs"), { recursive: true });
    writeFileSync(
      path.join(sub, "certs", "ca.pem"),
      "-----BEGIN CERTIFICATE-----\nTESTCA\n-----END CERTIFICATE-----\n",
    );
    const file = path.join(sub, "instances.json");
    writeFileSync(
      file,
      JSON.stringify([
        entry({
          id: "prod",
          name: "Production",
          environment: "production",
          url: "rediss://cache.prod:6380/0",
          tls: { caFile: "certs/ca.pem", servername: "cache.prod.internal" },
          passwordEnv: "PROD_REDIS_PASSWORD",
          readOnly: true,
          scanUrl: "rediss://replica.prod:6380/0",
        }),
        entry({ id: "dev", name: "Dev", environment: "development", url: "redis://127.0.0.1:6379/1" }),
      ]),
    );
    const config = loadConfig({
      ISL_INSTANCES_FILE: file,
      PROD_REDIS_PASSWORD: "s3cret",
      REDIS_URL: "redis://ignored:1/0",
    });
    expect(config.instances).toEqual([
      {
        id: "prod",
        name: "Production",
        environment: "production",
        kind: "standalone",
        url: "rediss://cache.prod:6380/0",
        password: "s3cret",
        tls: {
          ca: "-----BEGIN CERTIFICATE-----\nTESTCA\n-----END CERTIFICATE-----\n",
          servername: "cache.prod.internal",
          rejectUnauthorized: true,
        },
        readOnly: true,
        scanUrl: "rediss://replica.prod:6380/0",
      },
      {
        id: "dev",
        name: "Dev",
        environment: "development",
        kind: "standalone",
        url: "redis://127.0.0.1:6379/1",
        password: undefined,
        tls: undefined,
        readOnly: false,
        scanUrl: undefined,
      },
    ]);
  });

  it("keeps rejectUnauthorized: false when the file says so", () => {
    const file = writeJson([entry({ tls: { rejectUnauthorized: false } })]);
    expect(loadConfig({ ISL_INSTANCES_FILE: file }).instances[0]?.tls).toEqual({
      ca: undefined,
      servername: undefined,
      rejectUnauthorized: false,
    });
  });

  it("malformed JSON stops with one line naming ISL_INSTANCES_FILE and the file", () => {
    const file = writeJson('[{"id": "a",\n  "name": }\n]');
    const message = configError({ ISL_INSTANCES_FILE: file });
    expect(message).toMatch(/^ISL_INSTANCES_FILE: /);
    expect(message).toContain(file);
    expect(message).toContain("not valid JSON");
  });

  it.each([
    // V8 quotes the text around these two and gives no position: only the token is kept.
    ['[\n  {"id": "a", "url": "redis://:hunter2@h:1/0"},\n]', "(Unexpected token ']')"],
    ['[\n\n{"id": "a",\n"url": \'redis://:hunter2@h:1/0\'}]', "(Unexpected token ''')"],
    ['[{"id": "a", "url": "redis://:hunter2@h:1/0"} x]', "after array element at line 1 column 47)"],
    ['[\n  {"id": "a", "url": "redis://:hunter2@h:1/0"}\n', "after array element at line 3 column 1)"],
  ])("a syntax error names the token or line and column, never quotes the file (%#)", (text, where) => {
    const message = configError({ ISL_INSTANCES_FILE: writeJson(text) });
    expect(message).toMatch(/^ISL_INSTANCES_FILE: .* is not valid JSON \(/);
    expect(message).toContain(where);
    expect(message).not.toContain("hunter2");
  });

  it("a missing file names ISL_INSTANCES_FILE", () => {
    const missing = path.join(dir, "nope.json");
    expect(configError({ ISL_INSTANCES_FILE: missing })).toBe(
      `ISL_INSTANCES_FILE: cannot read ${missing} (ENOENT)`,
    );
  });

  it.each<[string, unknown, string]>([
    [
      "a wrong url",
      [entry(), entry({ id: "b", url: "http://x" })],
      "ISL_INSTANCES_FILE[1].url: scheme http: is not redis: or rediss:",
    ],
    ["a duplicate id", [entry(), entry({ name: "Again" })], "ISL_INSTANCES_FILE[1].id: duplicate id primary"],
    [
      "an unknown field",
      [entry(), entry({ id: "b", passwrodEnv: "X" })],
      "ISL_INSTANCES_FILE[1].passwrodEnv: unknown field",
    ],
    [
      "an unknown tls field",
      [entry({ tls: { cafile: "ca.pem" } })],
      "ISL_INSTANCES_FILE[0].tls.cafile: unknown field",
    ],
    [
      "a missing name",
      [entry(), { id: "b", environment: "staging", url: "redis://h:1/0" }],
      "ISL_INSTANCES_FILE[1].name: is missing (expected string)",
    ],
    ["a bad environment", [entry({ environment: "prod" })], "ISL_INSTANCES_FILE[0].environment: "],
    [
      "a bad passwordEnv",
      [entry({ passwordEnv: "not a var" })],
      "ISL_INSTANCES_FILE[0].passwordEnv: must be an environment variable name",
    ],
    ["an empty list", [], "ISL_INSTANCES_FILE: lists no instance"],
    ["an object instead of a list", { primary: entry() }, "ISL_INSTANCES_FILE: "],
  ])("%s is reported with the field's path", (_label, content, expected) => {
    const message = configError({ ISL_INSTANCES_FILE: writeJson(content) });
    if (expected.endsWith(": ")) expect(message.startsWith(expected)).toBe(true);
    else expect(message).toBe(expected);
  });

  it("passwordEnv naming an unset variable names the field and the variable", () => {
    const file = writeJson([entry(), entry({ id: "b", passwordEnv: "B_REDIS_PASSWORD" })]);
    expect(configError({ ISL_INSTANCES_FILE: file })).toBe(
      "ISL_INSTANCES_FILE[1].passwordEnv: environment variable B_REDIS_PASSWORD is not set",
    );
    expect(configError({ ISL_INSTANCES_FILE: file, B_REDIS_PASSWORD: "" })).toMatch(
      /^ISL_INSTANCES_FILE\[1\]\.passwordEnv: /,
    );
  });

  it("a caFile that cannot be read names the field and the resolved path", () => {
    const file = writeJson([entry({ tls: { caFile: "missing-ca.pem" } })]);
    expect(configError({ ISL_INSTANCES_FILE: file })).toBe(
      `ISL_INSTANCES_FILE[0].tls.caFile: cannot read ${path.join(dir, "missing-ca.pem")} (ENOENT)`,
    );
  });
});

describe("ISL_POLICY_FILE", () => {
  const pattern = {
    name: "plan",
    template: "isl:plan:{id}",
    keyPrefix: "isl:plan:",
    standardTtlSeconds: 600,
    typicalBytes: 2048,
    expectedKeys: { min: 1, max: 10 },
  };

  it("replaces the default policy, filling defaults", () => {
    const file = writeJson({ namespace: "isl:", patterns: [pattern] });
    const { policy } = loadConfig({ ISL_POLICY_FILE: file });
    expect(policy).toEqual({
      namespace: "isl:",
      patterns: [{ ...pattern, sensitive: false, idPattern: "^[0-9a-f]{16}$", description: "" }],
    });
  });

  it.each<[string, unknown, string]>([
    [
      "a prefix outside the namespace",
      { namespace: "isl:", patterns: [{ ...pattern, keyPrefix: "other:" }] },
      "ISL_POLICY_FILE.patterns[0].keyPrefix: must start with the namespace isl:",
    ],
    [
      "a negative TTL",
      { namespace: "isl:", patterns: [pattern, { ...pattern, name: "b", standardTtlSeconds: -5 }] },
      "ISL_POLICY_FILE.patterns[1].standardTtlSeconds: ",
    ],
    [
      "a missing namespace",
      { patterns: [pattern] },
      "ISL_POLICY_FILE.namespace: is missing (expected string)",
    ],
    ["no patterns", { namespace: "isl:", patterns: [] }, "ISL_POLICY_FILE.patterns: "],
  ])("%s is reported with the field's path", (_label, content, expected) => {
    const message = configError({ ISL_POLICY_FILE: writeJson(content) });
    if (expected.endsWith(": ")) expect(message.startsWith(expected)).toBe(true);
    else expect(message).toBe(expected);
  });

  it("malformed JSON names ISL_POLICY_FILE", () => {
    expect(configError({ ISL_POLICY_FILE: writeJson("{ namespace: isl }") })).toMatch(
      /^ISL_POLICY_FILE: .* is not valid JSON/,
    );
  });
});

describe("cluster and sentinel deployments", () => {
  it("reads a cluster entry: seed nodes, the first as url, scanFrom defaulting to masters", () => {
    const file = writeJson([
      {
        id: "prod",
        kind: "cluster",
        name: "Prod",
        environment: "production",
        nodes: ["rediss://isl-console@node-1:6379", "rediss://node-2:6379/0"],
        passwordEnv: "PROD_PW",
      },
    ]);
    const [prod] = loadConfig({ ISL_INSTANCES_FILE: file, PROD_PW: "pw" }).instances;
    expect(prod).toMatchObject({
      kind: "cluster",
      url: "rediss://isl-console@node-1:6379",
      nodes: ["rediss://isl-console@node-1:6379", "rediss://node-2:6379/0"],
      password: "pw",
      scanFrom: "masters",
      tls: { rejectUnauthorized: true },
    });
  });

  it("refuses a cluster seed with a database other than 0", () => {
    const file = writeJson([{ ...entry(), url: undefined, kind: "cluster", nodes: ["redis://a:6379/3"] }]);
    expect(configError({ ISL_INSTANCES_FILE: file })).toBe(
      "ISL_INSTANCES_FILE[0].nodes[0]: a cluster has database 0 only: drop the /db part",
    );
  });

  it("reads a sentinel entry with its own sentinel password", () => {
    const file = writeJson([
      {
        id: "staging",
        kind: "sentinel",
        name: "Staging",
        environment: "staging",
        sentinels: ["sentinel-1:26379", "[::1]:26380"],
        masterName: "isl",
        url: "redis://isl-console@isl/2",
        passwordEnv: "STAGING_PW",
        sentinelPasswordEnv: "SENTINEL_PW",
        scanFrom: "replicas",
      },
    ]);
    const [staging] = loadConfig({ ISL_INSTANCES_FILE: file, STAGING_PW: "a", SENTINEL_PW: "b" }).instances;
    expect(staging).toMatchObject({
      kind: "sentinel",
      url: "redis://isl-console@isl/2",
      password: "a",
      scanFrom: "replicas",
      sentinel: {
        addresses: [
          { host: "sentinel-1", port: 26379 },
          { host: "::1", port: 26380 },
        ],
        masterName: "isl",
        password: "b",
        tls: false,
      },
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      "a sentinel url naming another host",
      { url: "redis://other/0" },
      "ISL_INSTANCES_FILE[0].url: host must be the master name isl (the address comes from the sentinels)",
    ],
    [
      "a sentinel address without port",
      { sentinels: ["sentinel-1"] },
      "ISL_INSTANCES_FILE[0].sentinels[0]: must be host:port, e.g. sentinel-1:26379",
    ],
    [
      "an unset sentinel password variable",
      { sentinelPasswordEnv: "NOPE" },
      "ISL_INSTANCES_FILE[0].sentinelPasswordEnv: environment variable NOPE is not set",
    ],
  ])("%s is reported with the field's path", (_label, over, expected) => {
    const file = writeJson([
      {
        id: "s",
        kind: "sentinel",
        name: "S",
        environment: "staging",
        sentinels: ["127.0.0.1:26379"],
        masterName: "isl",
        ...over,
      },
    ]);
    expect(configError({ ISL_INSTANCES_FILE: file })).toBe(expected);
  });

  it("an unknown kind is named", () => {
    expect(configError({ ISL_INSTANCES_FILE: writeJson([entry({ kind: "ring" })]) })).toMatch(
      /^ISL_INSTANCES_FILE\[0\]\.kind: kind must be standalone, cluster or sentinel/,
    );
  });

  it("the environment form: a cluster from several REDIS_URL seeds, a sentinel from REDIS_SENTINELS", () => {
    const [cluster] = loadConfig({
      REDIS_KIND: "cluster",
      REDIS_URL: "redis://a:7000, redis://b:7001",
      REDIS_SCAN_FROM: "replicas",
    }).instances;
    expect(cluster).toMatchObject({
      kind: "cluster",
      url: "redis://a:7000",
      nodes: ["redis://a:7000", "redis://b:7001"],
      scanFrom: "replicas",
    });
    const [sentinel] = loadConfig({
      REDIS_KIND: "sentinel",
      REDIS_URL: "redis://isl-console:pw@ignored:6379/1",
      REDIS_SENTINELS: "s1:26379,s2:26379",
      REDIS_SENTINEL_MASTER: "isl",
      REDIS_SENTINEL_PASSWORD: "sp",
    }).instances;
    expect(sentinel).toMatchObject({
      kind: "sentinel",
      url: "redis://isl-console:pw@isl/1",
      sentinel: {
        masterName: "isl",
        password: "sp",
        addresses: [
          { host: "s1", port: 26379 },
          { host: "s2", port: 26379 },
        ],
      },
    });
  });

  it.each<[string, Record<string, string>, string]>([
    [
      "several URLs for a standalone",
      { REDIS_URL: "redis://a:1,redis://b:2" },
      "REDIS_URL: lists 2 URLs; only a cluster (REDIS_KIND=cluster) takes several seed nodes",
    ],
    [
      "a sentinel without sentinels",
      { REDIS_KIND: "sentinel", REDIS_SENTINEL_MASTER: "isl" },
      "REDIS_SENTINELS: is missing (REDIS_KIND=sentinel needs host:port,...)",
    ],
    [
      "a sentinel without master name",
      { REDIS_KIND: "sentinel", REDIS_SENTINELS: "s:1" },
      "REDIS_SENTINEL_MASTER: is missing (REDIS_KIND=sentinel needs the master name)",
    ],
    [
      "a cluster seed with a db",
      { REDIS_KIND: "cluster", REDIS_URL: "redis://a:1/2" },
      "REDIS_URL: a cluster has database 0 only: drop the /db part of a:1",
    ],
    [
      "a scan URL for a cluster",
      { REDIS_KIND: "cluster", REDIS_SCAN_URL: "redis://r:1" },
      "REDIS_SCAN_URL: only for a standalone instance; use REDIS_SCAN_FROM=replicas",
    ],
  ])("environment: %s is named", (_label, env, expected) => {
    expect(configError(env)).toBe(expected);
  });
});
