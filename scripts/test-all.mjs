// `npm test`: preflight (installs the Debian packages the tests need), `npm ci` when there is no
// node_modules yet (a fresh clone), lint, typecheck, unit, integration (then the load-generating
// integration files alone: vitest.config.mts) and e2e, in that order, stopping at the first failing
// stage; ends with one summary line "N passed, N failed" over every test that ran.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const out = mkdtempSync(path.join(os.tmpdir(), "isl-test-"));
const totals = { passed: 0, failed: 0, skipped: 0 };

function run(label, command, args, env = {}) {
  console.log(`\n=== ${label}: ${command} ${args.join(" ")}`);
  const started = Date.now();
  const res = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, ...env } });
  console.log(`=== ${label}: exit ${res.status} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return res.status === 0;
}

function addVitest(file) {
  if (!existsSync(file)) return;
  const r = JSON.parse(readFileSync(file, "utf8"));
  totals.passed += r.numPassedTests ?? 0;
  totals.failed += r.numFailedTests ?? 0;
  totals.skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
}

function addPlaywright(file) {
  if (!existsSync(file)) return;
  const s = JSON.parse(readFileSync(file, "utf8")).stats ?? {};
  totals.passed += (s.expected ?? 0) + (s.flaky ?? 0);
  totals.failed += s.unexpected ?? 0;
  totals.skipped += s.skipped ?? 0;
}

function finish(ok) {
  console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  process.exit(ok ? 0 : 1);
}

const npx = "npx";
const root = fileURLToPath(new URL("..", import.meta.url));
if (!run("preflight", "bash", [path.join(root, "scripts/preflight.sh"), "test"])) finish(false);
// The store tests run against PostgreSQL too (a fresh database each, dropped afterwards).
if (!run("postgres", "bash", [path.join(root, "scripts/postgres-ready.sh")])) finish(false);
// Only a missing install: reinstalling under a developer's changed node_modules is theirs to ask for.
if (!existsSync(path.join(root, "node_modules/.package-lock.json"))) {
  if (!run("install", "npm", ["ci", "--no-audit", "--no-fund"])) finish(false);
}
if (!run("lint", npx, ["eslint", "--max-warnings=0", "."])) finish(false);
if (!run("typecheck", npx, ["tsc", "--noEmit"])) finish(false);
for (const project of ["unit", "integration", "integration-serial"]) {
  const json = path.join(out, `${project}.json`);
  const ok = run(project, npx, ["vitest", "run", "--project", project, "--reporter=default", "--reporter=json", `--outputFile.json=${json}`]);
  addVitest(json);
  if (!ok) finish(false);
}
const pwJson = path.join(out, "e2e.json");
const e2eOk = run("e2e", npx, ["playwright", "test", "--reporter=list,json"], { PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson });
addPlaywright(pwJson);
finish(e2eOk);
