// npm run audit:verify [-- --data-dir DIR]
// Walks the audit log's hash chain from the first entry and names the first broken one.
// Exit codes: 0 intact, 1 broken (or the store cannot be read), 2 bad arguments or configuration.
import { existsSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, getConfig } from "@/lib/config";
import { openStore, STORE_FILE } from "@/lib/store/db";
import { getAuditEntry, verifyAuditLog } from "@/lib/store/audit";

const USAGE = `Usage: npm run audit:verify [-- --data-dir DIR]

Checks every audit entry: its SHA-256 matches its content and its prevHash is the previous
entry's hash. Prints the first broken entry and exits 1 if any was altered, removed or inserted.

  --data-dir DIR   the console's CONSOLE_DATA_DIR (default: from the environment, ./data)
  -h, --help       this text`;

function main(): number {
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
  try {
    dataDir = path.resolve(values["data-dir"] ?? getConfig().dataDir);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`audit:verify: configuration error: ${err.message}`);
      return 2;
    }
    throw err;
  }
  const file = path.join(dataDir, STORE_FILE);
  if (!existsSync(file)) {
    console.error(`audit:verify: no store at ${file}`);
    return 1;
  }
  const db = openStore(dataDir);
  try {
    const verdict = verifyAuditLog(db);
    if (verdict.ok) {
      console.log(`audit:verify: ${verdict.checked} entries, chain intact (head ${verdict.head.slice(0, 16)}…) in ${file}`);
      return 0;
    }
    const entry = getAuditEntry(db, verdict.brokenId);
    const what = entry ? ` (${entry.kind} ${entry.action} on ${entry.instance} by ${entry.actor} at ${entry.at})` : "";
    console.error(
      `audit:verify: BROKEN at entry ${verdict.brokenId}${what}: ${verdict.reason}; ${verdict.checked} entries before it are intact`,
    );
    return 1;
  } finally {
    db.close();
  }
}

process.exitCode = main();
