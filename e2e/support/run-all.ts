/**
 * `npm test`: every check, in order, each printing its own output, then one summary line.
 *   lint → layers → typecheck → unit → production build, beside the integration tests on the embedded PGlite and
 *   (when TEST_DATABASE_URL is set) beside those on PostgreSQL; then Playwright in Chromium.
 */
import { spawn, spawnSync } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
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

type Step = { name: string; cmd: string; args: string[]; env?: Record<string, string | undefined> };

/**
 * One step beside others: its output goes to a log of its own, printed whole when the step ends, so the output
 * reads as if the steps had run one after another.
 */
function runBeside(step: Step): Promise<boolean> {
  const started = Date.now();
  const log = path.join(reports, `${step.name.replace(/\W+/g, "-")}.log`);
  return new Promise<boolean>((resolve) => {
    const out = createWriteStream(log);
    const child = spawn(step.cmd, step.args, { stdio: ["ignore", "pipe", "pipe"], env: { ...vars, ...step.env } });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    child.on("close", (code) => {
      out.end(() => {
        const ok = code === 0;
        console.log(`\n━━ ${step.name} ━━`);
        process.stdout.write(readFileSync(log, "utf8"));
        console.log(`━━ ${step.name}: ${ok ? "ok" : "FAILED"} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        if (!ok) failedSteps.push(step.name);
        resolve(ok);
      });
    });
  });
}

/** Steps one after another, beside other lanes. */
async function lane(steps: Step[]): Promise<boolean> {
  let ok = true;
  for (const step of steps) ok = (await runBeside(step)) && ok;
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

const vitestStep = (project: string, report: string, env: Record<string, string> = {}): Step => ({
  name: `${project} tests${env.TEST_DB ? ` (${env.TEST_DB})` : ""}`,
  cmd: bin("vitest"),
  args: ["run", "--project", project, "--reporter=default", "--reporter=json", `--outputFile.json=${path.join(reports, report)}`],
  env,
});
const build: Step = { name: "build", cmd: process.execPath, args: [path.join("node_modules", "next", "dist", "bin", "next"), "build"], env: { NEXT_TELEMETRY_DISABLED: "1" } };

// Lanes side by side, so both cores stay busy: the checks and the build in one; the integration tests on the
// embedded PGlite in another and, when TEST_DATABASE_URL is set, on PostgreSQL in a third (each runs its files
// one after another on a database of its own, much of it waiting on timers and sockets). Then the browser tests,
// alone.
const started = Date.now();
const integration = (kind: "pglite" | "postgres") => vitestStep("integration", `integration-${kind}.json`, { TEST_DB: kind });
const lanes: Step[][] = [
  [
    { name: "lint", cmd: bin("eslint"), args: [".", "--max-warnings", "0"] },
    // The server's layers import only downward, with no circular imports (.dependency-cruiser.cjs).
    { name: "layers", cmd: bin("depcruise"), args: ["app", "server", "db", "proxy.ts", "instrumentation.ts", "--config", ".dependency-cruiser.cjs", "--output-type", "err-long"] },
    { name: "typecheck", cmd: bin("tsc"), args: ["--noEmit"] },
    vitestStep("unit", "unit.json"),
    build,
  ],
  [integration("pglite")],
  ...(vars.TEST_DATABASE_URL ? [[integration("postgres")]] : []),
];
console.log(`\n━━ side by side: ${lanes.map((l) => l.map((s) => s.name).join(" → ")).join(" ∥ ")} ━━`);
await Promise.all(lanes.map(lane));
console.log(`\n━━ all lanes done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
for (const report of ["unit.json", "integration-pglite.json", "integration-postgres.json"]) addVitest(path.join(reports, report));
if (!vars.TEST_DATABASE_URL) console.log("\nnote: TEST_DATABASE_URL is not set, so the integration tests ran on the embedded PGlite only.");
if (!failedSteps.includes("build")) {
  run("browser tests", bin("playwright"), ["test"]);
  addPlaywright(path.join(reports, "e2e.json"));
}

console.log("");
if (failedSteps.length) console.log(`failed steps: ${failedSteps.join(", ")}`);
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(failedSteps.length || total.failed ? 1 : 0);
