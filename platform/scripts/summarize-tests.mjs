// Prints one closing line for a whole test run: `Tests: N passed, N failed, N skipped`, adding up
// the Vitest JSON reports (unit, integration) and the Playwright JSON report (end-to-end), and
// counting each failed check that is not a test suite (lint, types, ...) as one failure. Exits 1
// when any step failed (even a suite that crashed before reporting) or when no test ran at all.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const [dir, ...failedSteps] = process.argv.slice(2);
let passed = 0;
let failed = failedSteps.filter((step) => !step.endsWith(" tests")).length;
let skipped = 0;

for (const name of ["unit", "integration"]) {
  const file = join(dir, `${name}.json`);
  if (!existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, "utf8"));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
}
const e2e = join(dir, "e2e.json");
if (existsSync(e2e)) {
  const { stats } = JSON.parse(readFileSync(e2e, "utf8"));
  passed += (stats?.expected ?? 0) + (stats?.flaky ?? 0);
  failed += stats?.unexpected ?? 0;
  skipped += stats?.skipped ?? 0;
}
if (failedSteps.length > 0) console.log(`Failed steps: ${failedSteps.join(", ")}`);
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || failedSteps.length > 0 || passed === 0 ? 1 : 0);
