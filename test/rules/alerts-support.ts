// Shared by the alert-rule tests: paths of the shipped files and a promtool runner.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { PROMTOOL_BIN } from '../support/prometheus.js';

export const ROOT = join(import.meta.dirname, '..', '..');
export const THRESHOLDS_FILE = join(ROOT, 'alert-rules', 'thresholds.yaml');
export const RULES_FILE = join(ROOT, 'alert-rules', 'mlwatch-alerts.rules.yml');
export const RULE_TESTS_DIR = join(ROOT, 'alert-rules', 'tests');
export const RUNBOOK_FILE = join(ROOT, 'docs', 'runbook.md');
export const ALERTS_DOC_FILE = join(ROOT, 'docs', 'alerts.md');

export interface PromtoolResult {
  code: number | null;
  output: string;
}

export function promtool(args: string[], cwd = ROOT): Promise<PromtoolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(PROMTOOL_BIN, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

/** The promtool tests of the alert rules (alert-rules/tests/ also holds the fleet-drift recording rules' tests). */
export function ruleTestFiles(): string[] {
  return readdirSync(RULE_TESTS_DIR)
    .filter((name) => name.endsWith('.yml'))
    .sort()
    .map((name) => join(RULE_TESTS_DIR, name))
    .filter((path) => /^ {2}- \.\.\/mlwatch-alerts\.rules\.yml$/m.test(readFileSync(path, 'utf8')));
}

/** A loaded rule file, as Prometheus reads it. */
export interface LoadedRules {
  groups: {
    name: string;
    interval?: string;
    rules: {
      alert?: string;
      record?: string;
      expr: string;
      for?: string;
      labels?: Record<string, string>;
      annotations?: Record<string, string>;
    }[];
  }[];
}

export function loadRules(text: string): LoadedRules {
  return load(text) as LoadedRules;
}

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}
