// npm run seed:demo -- [--url URL] [--kind KIND] [--sentinels H:P,..] [--master-name NAME] [--environment ENV]
//                       [--instance ID] [--scale N] [--seed S] [--force]
// Parses arguments, picks the target instance from the configuration, runs lib/seed/seed.ts and prints.
// Exit codes: 0 seeded, 1 Redis or unexpected error, 2 bad arguments or configuration, 3 refused
// (production instance, or a non-empty database without --force).
import { parseArgs } from "node:util";
import { ConfigError, getConfig, loadConfigWith, type InstanceConfig } from "@/lib/config";
import { formatBytes, formatCount, formatDuration } from "@/lib/format";
import { closeAllConnections } from "@/lib/redis/connection";
import { RedisError } from "@/lib/redis/errors";
import { instanceAddress } from "@/lib/redis/instances";
import {
  DEFAULT_SEED,
  MAX_SCALE,
  SeedRefusedError,
  seedDemo,
  type SeedProgress,
  type SeedSummary,
} from "@/lib/seed/seed";

const USAGE = `Usage: npm run seed:demo -- [options]

Fills an empty Redis database with a realistic ISL keyspace: the policy's four patterns at
pilot counts times --scale, plus planted problems the console should find.

  --url URL            Redis to seed (default: the configured instance: REDIS_URL or ISL_INSTANCES_FILE);
                       a cluster: its seed nodes separated by commas, with --kind cluster
  --kind KIND          kind of --url: standalone (default) | cluster | sentinel
  --sentinels H:P,...  sentinel addresses of --url (--kind sentinel; --url then gives user and database)
  --master-name NAME   the sentinels' master name (--kind sentinel)
  --environment ENV    environment of --url: development | staging | production
                       (default: REDIS_ENVIRONMENT, else development); production is refused
  --instance ID        which instance of ISL_INSTANCES_FILE (when it lists several)
  --scale N            multiply the pilot key counts (default 1; 1000 gives about 290,000 keys)
  --seed S             same seed, same keys, values and TTLs (default "${DEFAULT_SEED}")
  --force              seed a non-empty database: adds/overwrites the demo keys, deletes nothing
  -h, --help           this text

A cluster gets its keys on the master of each key's slot; a cluster or a sentinel-managed master is
refused unless every master is empty (or --force).

Exit codes: 0 seeded, 1 Redis error, 2 bad arguments or configuration, 3 refused.`;

class UsageError extends Error {
  override name = "UsageError";
}

interface Args {
  url?: string;
  kind?: string;
  sentinels?: string;
  masterName?: string;
  environment?: string;
  instance?: string;
  scale: number;
  seed: string;
  force: boolean;
}

function parse(argv: string[]): Args | "help" {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        url: { type: "string" },
        kind: { type: "string" },
        sentinels: { type: "string" },
        "master-name": { type: "string" },
        environment: { type: "string" },
        instance: { type: "string" },
        scale: { type: "string", default: "1" },
        seed: { type: "string", default: DEFAULT_SEED },
        force: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return "help";
  const scale = Number(values.scale);
  if (!/^\d+(\.\d+)?$/.test(values.scale) || !(scale > 0 && scale <= MAX_SCALE)) {
    throw new UsageError(`--scale must be a number above 0 and at most ${MAX_SCALE}, got "${values.scale}"`);
  }
  if (values.seed === "") throw new UsageError("--seed must not be empty");
  if (values.environment !== undefined && values.url === undefined) {
    throw new UsageError(
      "--environment applies to --url only; a configured instance keeps its configured environment",
    );
  }
  if (values.instance !== undefined && values.url !== undefined)
    throw new UsageError("use either --url or --instance");
  const { "master-name": masterName, ...rest } = values;
  for (const [flag, value] of [
    ["--kind", rest.kind],
    ["--sentinels", rest.sentinels],
    ["--master-name", masterName],
  ]) {
    if (value !== undefined && values.url === undefined)
      throw new UsageError(`${flag} applies to --url only`);
  }
  if (rest.kind !== undefined && !["standalone", "cluster", "sentinel"].includes(rest.kind))
    throw new UsageError(`--kind must be standalone, cluster or sentinel, got "${rest.kind}"`);
  if ((rest.sentinels !== undefined || masterName !== undefined) && rest.kind !== "sentinel")
    throw new UsageError("--sentinels and --master-name go with --kind sentinel");
  return {
    ...rest,
    ...(masterName !== undefined ? { masterName } : {}),
    scale,
    seed: values.seed,
    force: values.force,
  };
}

function targetInstance(args: Args): InstanceConfig {
  if (args.url !== undefined) {
    const overrides: Record<string, string | undefined> = {
      REDIS_URL: args.url,
      REDIS_KIND: args.kind,
      REDIS_SENTINELS: args.sentinels,
      REDIS_SENTINEL_MASTER: args.masterName,
      ISL_INSTANCES_FILE: undefined,
      REDIS_SCAN_URL: undefined,
    };
    if (args.environment !== undefined) overrides.REDIS_ENVIRONMENT = args.environment;
    let instance: InstanceConfig | undefined;
    try {
      instance = loadConfigWith(overrides).instances[0];
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      throw new ConfigError(
        err.message
          .replace(/^REDIS_URL\b/, "--url")
          .replace(/^REDIS_ENVIRONMENT\b/, "--environment")
          .replace(/^REDIS_KIND\b/, "--kind")
          .replace(/^REDIS_SENTINELS\b/, "--sentinels")
          .replace(/^REDIS_SENTINEL_MASTER\b/, "--master-name"),
      );
    }
    if (!instance) throw new ConfigError("REDIS_URL: no instance");
    return instance;
  }
  const { instances } = getConfig();
  if (args.instance !== undefined) {
    const found = instances.find((i) => i.id === args.instance);
    if (!found)
      throw new UsageError(
        `--instance ${args.instance}: not configured (ids: ${instances.map((i) => i.id).join(", ")})`,
      );
    return found;
  }
  if (instances.length > 1) {
    throw new UsageError(
      `${instances.length} instances are configured; pick one with --instance (ids: ${instances.map((i) => i.id).join(", ")})`,
    );
  }
  const only = instances[0];
  if (!only) throw new ConfigError("no instance configured");
  return only;
}

function progressPrinter(): (p: SeedProgress) => void {
  let lastTenth = 0;
  return ({ written, total, elapsedMs }) => {
    if (total < 5000) return;
    const line = `  ${formatCount(written)} / ${formatCount(total)} keys (${Math.floor((written / total) * 100)} %), ${(elapsedMs / 1000).toFixed(1)} s`;
    if (process.stdout.isTTY) {
      process.stdout.write(`\r${line}${written === total ? "\n" : ""}`);
      return;
    }
    const tenth = Math.floor((written / total) * 10);
    if (tenth > lastTenth || written === total) {
      lastTenth = tenth;
      console.log(line);
    }
  };
}

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

function printSummary(s: SeedSummary): void {
  console.log(
    `Wrote ${formatCount(s.keysWritten)} keys (${formatBytes(s.valueBytes)} of values) in ${(s.elapsedMs / 1000).toFixed(1)} s; ` +
      `the database now holds ${formatCount(s.dbsizeAfter)} keys (before: ${formatCount(s.dbsizeBefore)}).`,
  );
  if (s.nodes.length > 1) {
    console.log(
      `Keys per master: ${s.nodes.map((n) => `${n.address} ${formatCount(n.keysAfter)}`).join(", ")}.`,
    );
  }
  console.log("");
  console.log(
    `${pad("pattern", 13)}${pad("keys", 9, true)}${pad("planted", 9, true)}  ${pad("standard TTL", 14)}${pad("TTLs written", 28)}avg value`,
  );
  for (const p of s.patterns) {
    console.log(
      `${pad(p.pattern, 13)}${pad(formatCount(p.keys), 9, true)}${pad(String(p.planted), 9, true)}  ${pad(formatDuration(p.standardTtlSeconds), 14)}` +
        `${pad(`${formatDuration(p.ttlMinSeconds)} .. ${formatDuration(p.ttlMaxSeconds)}`, 28)}${formatBytes(p.averageBytes)}`,
    );
  }
  console.log("");
  console.log(`Planted problems (${s.planted.length} keys; the console should find each of them):`);
  const width = Math.max(...s.planted.map((k) => k.key.length)) + 4;
  for (const k of s.planted) {
    const ttl = k.ttlSeconds === null ? "no TTL" : `TTL ${formatDuration(k.ttlSeconds)}`;
    console.log(`  ${pad(`"${k.key}"`, width)}${pad(k.type, 8)}${pad(ttl, 14)}${k.problem}`);
  }
}

async function main(): Promise<number> {
  const args = parse(process.argv.slice(2));
  if (args === "help") {
    console.log(USAGE);
    return 0;
  }
  const instance = targetInstance(args);
  console.log(
    `Seeding demo data into ${instance.id} (${instanceAddress(instance)}, ${instance.environment}): seed "${args.seed}", scale ${args.scale}${args.force ? ", --force" : ""}`,
  );
  const summary = await seedDemo(instance, {
    seed: args.seed,
    scale: args.scale,
    force: args.force,
    onProgress: progressPrinter(),
  });
  printSummary(summary);
  return 0;
}

function exitCodeFor(err: unknown): number {
  if (err instanceof UsageError) {
    console.error(`seed:demo: ${err.message}\n\n${USAGE}`);
    return 2;
  }
  if (err instanceof ConfigError) {
    console.error(`seed:demo: configuration error: ${err.message}`);
    return 2;
  }
  if (err instanceof SeedRefusedError) {
    console.error(`seed:demo: refused: ${err.message}`);
    return 3;
  }
  if (err instanceof RedisError) {
    console.error(
      err.kind === "unreachable"
        ? `seed:demo: Redis instance ${err.instanceId ?? ""} is unreachable: ${err.message}`
        : `seed:demo: ${err.message}`,
    );
    return 1;
  }
  console.error(`seed:demo: failed: ${err instanceof Error ? err.message : String(err)}`);
  return 1;
}

// `npm run seed:demo | head` closes stdout early: the seed itself did not fail.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code !== "EPIPE") throw err;
});

void main()
  .catch(exitCodeFor)
  .then(async (code) => {
    await closeAllConnections();
    process.exitCode = code;
  });
