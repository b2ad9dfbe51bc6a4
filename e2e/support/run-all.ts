/**
 * `npm test`: every check, in order, each printing its own output, then one summary line.
 *   lint → layers → typecheck → unit → integration on embedded PGlite → integration on PostgreSQL (when
 *   TEST_DATABASE_URL is set) → production build → Playwright in Chromium.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { processEnvironment } from "../../server/env.js";

const vars = processEnvironment();
const reports = path.join(".data", "reports");
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

type Counts = { passed: number; failed: number; skipped: number };
const total: Counts = { passed: 0, failed: 0, skipped: 0 };
const failedSteps: string[] = [];

function run(name: string, cmd: string, args: string[], env: Record<string, string | undefined> = {}): boolean {
  console.log(`\n━━ ${name} ━━`);
  const started = Date.now();
  const result = spawnSync(cmd, args, { stdio: "inherit", env: { ...vars, ...env } });
  const ok = result.status === 0;
  console.log(`━━ ${name}: ${ok ? "ok" : "FAILED"} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (!ok) failedSteps.push(name);
  return ok;
}

const bin = (name: string) => path.join("node_modules", ".bin", name);

function addVitest(file: string) {
  if (!existsSync(file)) return;
  const r = JSON.parse(readFileSync(file, "utf8")) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };
  total.passed += r.numPassedTests;
  total.failed += r.numFailedTests;
  total.skipped += r.numPendingTests + r.numTodoTests;
}

function addPlaywright(file: string) {
  if (!existsSync(file)) return;
  const r = JSON.parse(readFileSync(file, "utf8")) as { stats: { expected: number; unexpected: number; flaky: number; skipped: number } };
  total.passed += r.stats.expected + r.stats.flaky;
  total.failed += r.stats.unexpected;
  total.skipped += r.stats.skipped;
}

const vitest = (project: string, report: string, env: Record<string, string> = {}) => {
  const out = path.join(reports, report);
  run(`${project} tests${env.TEST_DB ? ` (${env.TEST_DB})` : ""}`, bin("vitest"), ["run", "--project", project, "--reporter=default", "--reporter=json", `--outputFile.json=${out}`], env);
  addVitest(out);
};

run("lint", bin("eslint"), [".", "--max-warnings", "0"]);
// The server's layers import only downward, with no circular imports (.dependency-cruiser.cjs).
run("layers", bin("depcruise"), ["app", "server", "db", "proxy.ts", "instrumentation.ts", "--config", ".dependency-cruiser.cjs", "--output-type", "err-long"]);
run("typecheck", bin("tsc"), ["--noEmit"]);
vitest("unit", "unit.json");
vitest("integration", "integration-pglite.json", { TEST_DB: "pglite" });
if (vars.TEST_DATABASE_URL) {
  vitest("integration", "integration-postgres.json", { TEST_DB: "postgres" });
} else {
  console.log("\nnote: TEST_DATABASE_URL is not set, so the integration tests ran on the embedded PGlite only.");
}
if (run("build", process.execPath, [path.join("node_modules", "next", "dist", "bin", "next"), "build"], { NEXT_TELEMETRY_DISABLED: "1" })) {
  run("browser tests", bin("playwright"), ["test"]);
  addPlaywright(path.join(reports, "e2e.json"));
}

console.log("");
if (failedSteps.length) console.log(`failed steps: ${failedSteps.join(", ")}`);
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(failedSteps.length || total.failed ? 1 : 0);
