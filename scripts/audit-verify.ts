// npm run audit:verify [-- --data-dir DIR]
// Walks the audit log's hash chain from the first entry and names the first broken one, in the
// store the console uses: PostgreSQL when DATABASE_URL is set, else the SQLite file.
// Exit codes: 0 intact, 1 broken (or the store cannot be read), 2 bad arguments or configuration.
import { existsSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, getConfig } from "@/lib/config";
import { openStore, STORE_FILE, type Db } from "@/lib/store/db";
import { PostgresDb } from "@/lib/store/postgres";
import { getAuditEntry, verifyAuditLog } from "@/lib/store/audit";

const USAGE = `Usage: npm run audit:verify [-- --data-dir DIR]

Checks every audit entry: its SHA-256 matches its content and its prevHash is the previous
entry's hash. Prints the first broken entry and exits 1 if any was altered, removed or inserted.

  --data-dir DIR   the console's CONSOLE_DATA_DIR (default: from the environment, ./data)
                   (without it and with DATABASE_URL set: the PostgreSQL store)
  -h, --help       this text`;

async function main(): Promise<number> {
  let values: { "data-dir"?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      options: { "data-dir": { type: "string" }, help: { type: "boolean", short: "h" } },
    }));
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  let dataDir: string;
  let databaseUrl: string | undefined;
  try {
    const config = getConfig();
    dataDir = path.resolve(values["data-dir"] ?? config.dataDir);
    // DATABASE_URL: the store several replicas share (a --data-dir given still means that SQLite file).
    databaseUrl = values["data-dir"] ? undefined : config.databaseUrl;
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`audit:verify: configuration error: ${err.message}`);
      return 2;
    }
    throw err;
  }
  let db: Db;
  let where: string;
  if (databaseUrl) {
    const pgDb = new PostgresDb(databaseUrl, { max: 2 });
    where = pgDb.location;
    try {
      await pgDb.ready;
    } catch (err) {
      console.error(`audit:verify: ${err instanceof Error ? err.message : String(err)}`);
      await pgDb.close();
      return 1;
    }
    db = pgDb;
  } else {
    where = path.join(dataDir, STORE_FILE);
    if (!existsSync(where)) {
      console.error(`audit:verify: no store at ${where}`);
      return 1;
    }
    db = openStore(dataDir);
  }
  try {
    const verdict = await verifyAuditLog(db);
    if (verdict.ok) {
      console.log(`audit:verify: ${verdict.checked} entries, chain intact (head ${verdict.head.slice(0, 16)}…) in ${where}`);
      return 0;
    }
    const entry = await getAuditEntry(db, verdict.brokenId);
    const what = entry ? ` (${entry.kind} ${entry.action} on ${entry.instance} by ${entry.actor} at ${entry.at})` : "";
    console.error(
      `audit:verify: BROKEN at entry ${verdict.brokenId}${what}: ${verdict.reason}; ${verdict.checked} entries before it are intact`,
    );
    return 1;
  } finally {
    await db.close();
  }
}

void main().then((code) => (process.exitCode = code));
