// npm run review -- --url redis://... [--match isl:*] [--mode gentle|fast] [--format md|json|csv] > review.md
// A cron-friendly weekly review without the web server: scans the Redis at --url directly and
// prints the review to stdout; progress and errors go to stderr.
// Exit codes: 0 printed, 1 Redis or unexpected error, 2 bad arguments or configuration.
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { ConfigError, loadConfigWith, type InstanceConfig } from "@/lib/config";
import { formatCount, formatDuration } from "@/lib/format";
import { renderReview } from "@/lib/review/export";
import { closeAllConnections } from "@/lib/redis/connection";
import { RedisError } from "@/lib/redis/errors";
import { instanceAddress } from "@/lib/redis/instances";
import { runReview } from "@/lib/review/cli";
import { reviewFormatSchema, type ReviewFormat } from "@/lib/schemas/review";
import { scanModeSchema, type ScanMode, type ScanProgress } from "@/lib/schemas/scans";

const USAGE = `Usage: npm run review -- --url redis://[user:password@]host:port/db [options] > review.md

Scans the keyspace (SCAN, never KEYS; gentle by default) and prints the weekly
key-distribution review: keys per pattern vs expected, memory, average size vs typical,
TTL histograms, unknown and foreign keys, biggest keys, week-over-week change and the
capacity projection.

  --url URL            Redis to review (rediss:// for TLS); credentials are never printed
  --match GLOB         SCAN MATCH pattern (default "*"; e.g. "isl:*")
  --mode MODE          gentle (default, safe on a live primary) | fast (maintenance windows)
  --format FORMAT      md (default) | json | csv
  --name NAME          instance name in the report (default: the instance id)
  --id ID              instance id; with --data-dir, must match the console's id (default "local")
  --environment ENV    development (default) | staging | production
  --data-dir DIR       the console's CONSOLE_DATA_DIR: week-over-week change from its stored
                       scans and the capacity projection from its memory history
  --save               store this scan in --data-dir, as next week's baseline
  --out FILE           write the review to FILE instead of stdout
  -h, --help           this text

The policy is the console's: ISL_POLICY_FILE if set, else the built-in four patterns.
Exit codes: 0 printed, 1 Redis error, 2 bad arguments or configuration.`;

class UsageError extends Error {
  override name = "UsageError";
}

interface Args {
  url: string;
  match: string;
  mode: ScanMode;
  format: ReviewFormat;
  overrides: Record<string, string | undefined>;
  dataDir?: string;
  save: boolean;
  out?: string;
}

function parse(argv: string[]): Args | "help" {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        url: { type: "string" },
        match: { type: "string", default: "*" },
        mode: { type: "string", default: "gentle" },
        format: { type: "string", default: "md" },
        name: { type: "string" },
        id: { type: "string" },
        environment: { type: "string" },
        "data-dir": { type: "string" },
        save: { type: "boolean", default: false },
        out: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return "help";
  if (!values.url) throw new UsageError("--url is required");
  const mode = scanModeSchema.safeParse(values.mode);
  if (!mode.success) throw new UsageError(`--mode must be gentle or fast, got "${values.mode}"`);
  const format = reviewFormatSchema.safeParse(values.format);
  if (!format.success) throw new UsageError(`--format must be md, json or csv, got "${values.format}"`);
  if (values.match === "") throw new UsageError("--match must not be empty");
  if (values.save && !values["data-dir"]) throw new UsageError("--save needs --data-dir");
  return {
    url: values.url,
    match: values.match,
    mode: mode.data,
    format: format.data,
    overrides: {
      REDIS_URL: values.url,
      ISL_INSTANCES_FILE: undefined,
      REDIS_SCAN_URL: undefined,
      REDIS_INSTANCE_ID: values.id,
      REDIS_INSTANCE_NAME: values.name,
      REDIS_ENVIRONMENT: values.environment,
    },
    dataDir: values["data-dir"],
    save: values.save,
    out: values.out,
  };
}

const FLAG_FOR: Record<string, string> = {
  REDIS_URL: "--url",
  REDIS_INSTANCE_ID: "--id",
  REDIS_INSTANCE_NAME: "--name",
  REDIS_ENVIRONMENT: "--environment",
};

function configure(args: Args) {
  const overrides = Object.fromEntries(
    Object.entries(args.overrides).filter(
      ([k, v]) => v !== undefined || k === "ISL_INSTANCES_FILE" || k === "REDIS_SCAN_URL",
    ),
  );
  try {
    const config = loadConfigWith(overrides);
    const instance = config.instances[0] as InstanceConfig;
    return { instance, policy: config.policy };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const variable = /^[A-Z_]+/.exec(err.message)?.[0] ?? "";
    throw new ConfigError(
      FLAG_FOR[variable] ? err.message.replace(variable, FLAG_FOR[variable]) : err.message,
    );
  }
}

function progressPrinter(): (p: ScanProgress) => void {
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (now - last < 1000) return;
    last = now;
    process.stderr.write(
      `review: ${formatCount(p.scanned)} of ~${formatCount(p.total)} keys (${Math.round(p.fraction * 100)} %), ${formatCount(p.keysPerSecond)} keys/s\n`,
    );
  };
}

async function main(): Promise<number> {
  const args = parse(process.argv.slice(2));
  if (args === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const { instance, policy } = configure(args);
  process.stderr.write(
    `review: scanning ${instanceAddress(instance)} (match ${JSON.stringify(args.match)}, ${args.mode} mode)\n`,
  );
  const started = Date.now();
  const { review } = await runReview({
    instance,
    policy,
    match: args.match,
    mode: args.mode,
    dataDir: args.dataDir,
    save: args.save,
    onProgress: progressPrinter(),
  });
  process.stderr.write(
    `review: ${formatCount(review.scan.keys)} keys scanned in ${formatDuration((Date.now() - started) / 1000)}; ${review.changeNote}\n`,
  );
  if (!args.dataDir) {
    process.stderr.write(
      "review: without --data-dir there is no week-over-week change and no capacity projection\n",
    );
  }
  const text = renderReview(review, args.format);
  if (args.out) writeFileSync(args.out, text);
  else process.stdout.write(text);
  return 0;
}

function exitCodeFor(err: unknown): number {
  if (err instanceof UsageError) {
    process.stderr.write(`review: ${err.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (err instanceof ConfigError) {
    process.stderr.write(`review: configuration error: ${err.message}\n`);
    return 2;
  }
  if (err instanceof RedisError) {
    process.stderr.write(`review: ${err.message}\n`);
    return 1;
  }
  process.stderr.write(`review: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return 1;
}

void main()
  .catch(exitCodeFor)
  .then(async (code) => {
    await closeAllConnections().catch(() => undefined);
    process.exit(code);
  });
