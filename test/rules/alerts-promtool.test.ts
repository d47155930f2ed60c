// The shipped alert rules through the real promtool (Prometheus 2.42 here): `check rules`
// on the committed file and on a rendering with shortened timings, and `test rules` on
// every unit test in alert-rules/tests/ (each alert fires at its threshold, is silent just
// below it and before its `for:` has elapsed).
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadThresholds, renderAlertRules, withTimings } from '../../src/rules/alerts.js';
import { PROMTOOL_BIN, binaryGate, requireBinary } from '../support/prometheus.js';
import { RULES_FILE, RULE_TESTS_DIR, THRESHOLDS_FILE, promtool, ruleTestFiles } from './alerts-support.js';

const gate = binaryGate(PROMTOOL_BIN, 'prometheus');
requireBinary(gate, it);

describe.skipIf(!gate.available)('alert rules through promtool', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mlwatch-alert-rules-'));
  });
  afterAll(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('promtool check rules accepts the shipped file with its 16 alerts', async () => {
    const result = await promtool(['check', 'rules', RULES_FILE]);
    expect(result.output).toContain('SUCCESS: 16 rules found');
    expect(result.code, result.output).toBe(0);
  });

  it('promtool check rules accepts the rules rendered with the end-to-end timings', async () => {
    const short = withTimings(loadThresholds(THRESHOLDS_FILE), { for: '0s', rate_window: '15s' });
    const file = join(dir, 'short.rules.yml');
    await writeFile(file, renderAlertRules(short));
    const result = await promtool(['check', 'rules', file]);
    expect(result.code, result.output).toBe(0);
  });

  it('promtool test rules passes every unit test in alert-rules/tests/', async () => {
    const files = ruleTestFiles();
    expect(files.length).toBeGreaterThanOrEqual(4);
    const result = await promtool(['test', 'rules', ...files]);
    expect(result.output).not.toContain('FAILED');
    expect(result.code, result.output).toBe(0);
    expect(result.output.match(/SUCCESS/g)?.length).toBe(files.length);
  });

  it('promtool test rules fails when a threshold moves (the tests pin the boundaries)', async () => {
    // Raising the null-rate threshold a little must break its "fires at the threshold" case.
    const t = loadThresholds(THRESHOLDS_FILE);
    t.alerts.MLWatchFeatureNullRateHigh.threshold = 0.051;
    // The test file names ../mlwatch-alerts.rules.yml: mirror the layout under `dir`.
    await writeFile(join(dir, 'mlwatch-alerts.rules.yml'), renderAlertRules(t));
    await mkdir(join(dir, 'tests'), { recursive: true });
    const copy = join(dir, 'tests', 'data-quality.test.yml');
    await copyFile(join(RULE_TESTS_DIR, 'data-quality.test.yml'), copy);
    const result = await promtool(['test', 'rules', copy]);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('alertname: MLWatchFeatureNullRateHigh, time: 11m');
  });
});
