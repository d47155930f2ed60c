// `mlwatch rules fleet-drift` writes what renderFleetDriftRules renders; the committed file
// is what the command writes with its defaults.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runRulesFleetDrift } from '../../src/cli/rules-fleet-drift.js';

const ROOT = join(import.meta.dirname, '..', '..');

function capture() {
  const out = { stdout: '', stderr: '' };
  return { out, output: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t) } };
}

describe('mlwatch rules fleet-drift', () => {
  it('with the defaults writes the committed alert-rules/fleet-drift.rules.yml', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mlwatch-fleet-cli-'));
    try {
      const { out, output } = capture();
      const file = join(dir, 'fleet.yml');
      expect(runRulesFleetDrift(['--out', file], output)).toBe(0);
      expect(out.stdout).toMatch(/^wrote \d+ recording rules to /);
      expect(await readFile(file, 'utf8')).toBe(await readFile(join(ROOT, 'alert-rules', 'fleet-drift.rules.yml'), 'utf8'));
      expect(runRulesFleetDrift(['--window', '30s', '--interval', '1s', '--out', file], output)).toBe(0);
      expect(await readFile(file, 'utf8')).toContain('[30s]');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('answers usage errors with exit 2 and an unwritable file with exit 1', () => {
    const { out, output } = capture();
    expect(runRulesFleetDrift([], output)).toBe(2);
    expect(runRulesFleetDrift(['--window', 'ten minutes', '--out', '/tmp/x.yml'], output)).toBe(2);
    expect(out.stderr).toContain('positive Prometheus duration');
    expect(runRulesFleetDrift(['--out', '/nonexistent-dir/x.yml'], output)).toBe(1);
  });
});
