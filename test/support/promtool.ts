// `promtool check metrics` on an exposition: it must parse and pass Prometheus's lint.
import { spawn } from 'node:child_process';
import { expect } from 'vitest';
import { PROMTOOL_BIN } from './prometheus.js';

export interface PromtoolResult {
  code: number | null;
  output: string;
}

export function checkMetrics(exposition: string): Promise<PromtoolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(PROMTOOL_BIN, ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
    child.stdin.end(exposition);
  });
}

export async function expectLintClean(exposition: string): Promise<void> {
  const result = await checkMetrics(exposition);
  if (result.code !== 0 || result.output.trim() !== '') {
    // Printed so the metric names and help texts at fault are in the test log.
    console.warn(`promtool check metrics exited ${result.code}:\n${result.output}`);
  }
  expect({ code: result.code, lint: result.output.trim().split('\n').filter((l) => l.length > 0) }).toEqual({ code: 0, lint: [] });
}
