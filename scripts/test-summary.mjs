// Prints the suite's closing line in the plain form CI reads ("N passed, N failed,
// N skipped"), from vitest's JSON report: vitest's own summary is not a form CI recognises.
import { readFileSync } from 'node:fs';

const [reportPath] = process.argv.slice(2);
if (!reportPath) {
  console.error('usage: node scripts/test-summary.mjs REPORT.json');
  process.exit(2);
}
let report;
try {
  report = JSON.parse(readFileSync(reportPath, 'utf8'));
} catch (error) {
  console.error(`no test report at ${reportPath}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
const passed = report.numPassedTests ?? 0;
const failed = report.numFailedTests ?? 0;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
// Test files that failed to load count as failures in the closing line, which comes last.
// (numFailedTestSuites counts describe blocks too: count the files themselves.)
const failedFiles = (report.testResults ?? []).filter((file) => file.status === 'failed').length;
if (failedFiles > 0) console.log(`test files that failed to run or pass: ${failedFiles}`);
console.log(`${passed} passed, ${failed + (failed === 0 ? failedFiles : 0)} failed, ${skipped} skipped`);
