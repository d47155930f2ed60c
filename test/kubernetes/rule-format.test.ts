// `mlwatch rules generate` and `rules fleet-drift` with --format prometheus-rule: the same
// groups as the rule files, wrapped as a valid PrometheusRule with the release label given.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRulesFleetDrift } from '../../src/cli/rules-fleet-drift.js';
import { runRulesGenerate } from '../../src/cli/rules.js';
import { alertRuleGroups, loadThresholds } from '../../src/rules/alerts.js';
import { renderFleetDriftRules } from '../../src/rules/fleet-drift.js';
import { THRESHOLDS_FILE } from '../rules/alerts-support.js';

let dir = '';
beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'mlwatch-rule-format-'))));
afterAll(async () => rm(dir, { recursive: true, force: true }));

const quiet = { stdout: () => undefined, stderr: () => undefined };

describe('--format prometheus-rule', () => {
  it('wraps the alert groups in a valid PrometheusRule with the release label', async () => {
    const out = join(dir, 'alerts.yaml');
    expect(runRulesGenerate(['--thresholds', THRESHOLDS_FILE, '--out', out, '--format', 'prometheus-rule', '--release', 'monitoring', '--namespace', 'ml'], quiet)).toBe(0);
    const object = load(await readFile(out, 'utf8')) as { metadata: { labels: Record<string, string>; namespace: string }; spec: { groups: unknown } };
    new PrometheusRule(object as never).validate();
    expect(object.metadata.labels.release).toBe('monitoring');
    expect(object.metadata.namespace).toBe('ml');
    expect(object.spec.groups).toEqual(alertRuleGroups(loadThresholds(THRESHOLDS_FILE)));
  });

  it('wraps the fleet recording rules the same way, window and interval included', async () => {
    const out = join(dir, 'fleet.yaml');
    expect(runRulesFleetDrift(['--window', '30m', '--interval', '1m', '--out', out, '--format', 'prometheus-rule'], quiet)).toBe(0);
    const object = load(await readFile(out, 'utf8')) as { metadata: { labels: Record<string, string> }; spec: { groups: unknown } };
    new PrometheusRule(object as never).validate();
    expect(object.metadata.labels.release).toBe('kube-prometheus-stack');
    expect(object.spec.groups).toEqual((load(renderFleetDriftRules({ window: '30m', evaluationInterval: '1m' })) as { groups: unknown }).groups);
  });

  it('refuses --release without the format, an unknown format and a bad label value', () => {
    const out = join(dir, 'x.yaml');
    expect(runRulesGenerate(['--thresholds', THRESHOLDS_FILE, '--out', out, '--release', 'x'], quiet)).toBe(2);
    expect(runRulesGenerate(['--thresholds', THRESHOLDS_FILE, '--out', out, '--format', 'helm'], quiet)).toBe(2);
    expect(runRulesFleetDrift(['--out', out, '--format', 'prometheus-rule', '--release', '-bad-'], quiet)).toBe(2);
  });
});
