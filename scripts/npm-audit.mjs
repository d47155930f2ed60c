// CI's dependency audit: `npm audit --omit=dev --audit-level=high` where the registry
// answers the audit endpoint. Exit 1 when a production dependency has a high or critical
// advisory; exit 0 with "skipped" and the reason when the endpoint cannot be asked (no
// answer, a proxy that refuses the bulk-advisory POST, a timeout): an unreachable audit
// must not fail CI, a vulnerability must.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const TIMEOUT_MS = 90_000;

/**
 * The verdict on `npm audit --json` output.
 * @param {string} stdout
 * @returns {{ outcome: 'pass' | 'fail' | 'skipped', message: string }}
 */
export function auditVerdict(stdout) {
  let report;
  try {
    report = JSON.parse(stdout);
  } catch {
    return { outcome: 'skipped', message: `npm audit gave no report (${stdout.trim().slice(0, 200) || 'no output'})` };
  }
  const counts = report?.metadata?.vulnerabilities;
  if (counts && typeof counts === 'object') {
    const high = Number(counts.high ?? 0);
    const critical = Number(counts.critical ?? 0);
    if (high + critical === 0) return { outcome: 'pass', message: `no high or critical advisory for the production dependencies (${Number(counts.total ?? 0)} lower)` };
    const names = Object.entries(report.vulnerabilities ?? {})
      .filter(([, v]) => v && (v.severity === 'high' || v.severity === 'critical'))
      .map(([name, v]) => `${name} (${v.severity})`);
    return { outcome: 'fail', message: `${critical} critical and ${high} high advisories: ${names.join(', ')}; run npm audit --omit=dev` };
  }
  const why = report?.statusCode ? `HTTP ${report.statusCode}` : report?.error?.code ?? report?.code ?? 'an error';
  return { outcome: 'skipped', message: `the registry did not answer the audit endpoint (${why}: ${String(report?.message ?? report?.error?.summary ?? '').slice(0, 200)})` };
}

function main() {
  const run = spawnSync('npm', ['audit', '--omit=dev', '--audit-level=high', '--json'], { encoding: 'utf8', timeout: TIMEOUT_MS });
  const verdict = run.error
    ? { outcome: 'skipped', message: `npm audit did not finish (${run.error.message})` }
    : auditVerdict(run.stdout ?? '');
  const prefix = { pass: 'npm audit passed', fail: 'npm audit FAILED', skipped: 'npm audit skipped' }[verdict.outcome];
  process.stdout.write(`${prefix}: ${verdict.message}\n`);
  return verdict.outcome === 'fail' ? 1 : 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = main();
