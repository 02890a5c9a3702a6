// `npm run bench`: runs every benchmark script (package.json scripts named bench:*) one after another.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> };
const names = Object.keys(pkg.scripts)
  .filter((n) => n.startsWith("bench:"))
  .sort();
if (names.length === 0) {
  console.error("no bench:* scripts");
  process.exit(1);
}
let failed = 0;
for (const name of names) {
  console.log(`\n=== npm run ${name}`);
  const res = spawnSync("npm", ["run", "--silent", name], { stdio: "inherit" });
  if (res.status !== 0) {
    failed++;
    console.error(`${name} failed with exit code ${res.status}`);
  }
}
process.exit(failed === 0 ? 0 : 1);
