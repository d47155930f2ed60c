// The realised-performance recording rules: the committed file is what the generator and the
// CLI write, promtool checks it, and its unit tests (alert-rules/tests/performance-rules.test.yml,
// values computed by hand there) pass: accuracy, MAE, RMSE, R² and coverage across replicas,
// and the estimated accuracy, precision, recall and F1 from the expected confusion counts (binary,
// and multiclass one-vs-rest, kept apart).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runRulesPerformance } from '../../src/cli/rules-performance.js';
import { SHIPPED_PERFORMANCE_WINDOW, renderPerformanceRules } from '../../src/rules/performance-rules.js';
import { PROMTOOL_BIN, binaryGate, requireBinary } from '../support/prometheus.js';

const COMMITTED = 'alert-rules/performance.rules.yml';
const run = promisify(execFile);
const gate = binaryGate(PROMTOOL_BIN, 'prometheus');
requireBinary(gate, it);

describe('performance recording rules', () => {
  it('reproduces the committed rule file, also through mlwatch rules performance', async () => {
    const committed = await readFile(COMMITTED, 'utf8');
    expect(renderPerformanceRules({ window: SHIPPED_PERFORMANCE_WINDOW })).toBe(committed);
    const dir = await mkdtemp(join(tmpdir(), 'mlwatch-perf-rules-'));
    try {
      const out: string[] = [];
      const code = runRulesPerformance(['--out', join(dir, 'r.yml')], { stdout: (t) => out.push(t), stderr: (t) => out.push(t) });
      expect(code).toBe(0);
      expect(out.join('')).toContain('wrote 17 recording rules');
      expect(await readFile(join(dir, 'r.yml'), 'utf8')).toBe(committed);
      expect(runRulesPerformance(['--window', 'soon', '--out', join(dir, 'x.yml')], { stdout: () => {}, stderr: () => {} })).toBe(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!gate.available)('passes promtool check rules and its unit tests', async () => {
    const checked = await run(PROMTOOL_BIN, ['check', 'rules', COMMITTED]);
    expect(checked.stdout).toContain('SUCCESS: 17 rules found');
    const tested = await run(PROMTOOL_BIN, ['test', 'rules', 'performance-rules.test.yml'], { cwd: 'alert-rules/tests' });
    expect(tested.stdout).toContain('SUCCESS');
  });
});
