// `mlwatch demo` end to end in-process: builds the missing reference, starts the sidecar
// on loopback ports picked by the OS, sends traffic for a moment, prints the table, stops.
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../src/cli/demo.js';
import type { CliOutput } from '../../src/cli/output.js';
import { loadReference } from '../../src/reference/io.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/credit/', import.meta.url));
const scratch = await mkdtemp(join(tmpdir(), 'mlwatch-demo-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

function captured(): CliOutput & { out: string; err: string } {
  const output = {
    out: '',
    err: '',
    stdout(text: string) {
      output.out += text;
    },
    stderr(text: string) {
      output.err += text;
    },
  };
  return output;
}

const LOOPBACK = ['--ingest-listen', '127.0.0.1:0', '--metrics-listen', '127.0.0.1:0'];

describe('mlwatch demo', () => {
  it('builds the reference when missing, serves, sends traffic and stops after --duration with exit 0', async () => {
    const dir = join(scratch, 'run');
    await mkdir(dir);
    await copyFile(join(EXAMPLE, 'mlwatch.yaml'), join(dir, 'mlwatch.yaml'));
    await copyFile(join(EXAMPLE, 'train.csv'), join(dir, 'train.csv'));
    const config = join(dir, 'mlwatch.yaml');

    const output = captured();
    const args = ['--config', config, '--duration', '1.5', '--report-every', '0.5', '--rate', '400', '--drift-after', '0', ...LOOPBACK];
    expect(await runDemo(args, output)).toBe(0);
    expect(output.err).toBe('');
    expect(output.out).toContain(`built the reference ${join(dir, 'reference.json')} from ${join(dir, 'train.csv')}`);
    expect(output.out).toMatch(/POST http:\/\/127\.0\.0\.1:\d+\/v1\/models\/credit\/predictions/);
    expect(output.out).toMatch(/http:\/\/127\.0\.0\.1:\d+\/metrics/);
    expect(output.out).toMatch(/^feature\s+PSI\s+drifted\s+null rate\s+type err\s+out of range$/m);
    expect(output.out).toMatch(/^session_duration_ms\s/m);

    const stopped = /stopped after [\d.]+ s: sent (\d+) events in \d+ requests \(accepted (\d+), rejected (\d+), failed requests (\d+), lost (\d+)/.exec(output.out);
    expect(stopped).not.toBeNull();
    const [, sent, accepted, rejected, failed, lost] = (stopped ?? []).map(Number);
    expect(sent).toBeGreaterThan(0);
    expect(accepted).toBe(sent);
    expect([rejected, failed, lost]).toEqual([0, 0, 0]);

    const reference = await loadReference(join(dir, 'reference.json'));
    expect(reference.model).toBe('credit');
    expect(reference.rows).toBe(5000);

    // A second run finds the reference and does not rebuild it.
    const before = await readFile(join(dir, 'reference.json'));
    const again = captured();
    expect(await runDemo(['--config', config, '--duration', '0.2', ...LOOPBACK], again)).toBe(0);
    expect(again.out).not.toContain('built the reference');
    expect((await readFile(join(dir, 'reference.json'))).equals(before)).toBe(true);
  });

  it('explains a usage error with exit 2', async () => {
    const output = captured();
    expect(await runDemo(['--rate', '100'], output)).toBe(2);
    expect(output.err).toContain('--config is required');
    const bad = captured();
    expect(await runDemo(['--config', 'x.yaml', '--rate', 'fast'], bad)).toBe(2);
    expect(bad.err).toContain('--rate must be a positive number up to 1000000, not "fast"');
    const unknown = captured();
    expect(await runDemo(['--config', 'x.yaml', '--bogus'], unknown)).toBe(2);
    expect(unknown.err).toContain('usage: mlwatch demo');
  });

  it('fails with exit 1 and a readable message for a config without the credit model or its training data', async () => {
    const dir = join(scratch, 'wrong');
    await mkdir(dir);
    const yaml = await readFile(join(EXAMPLE, 'mlwatch.yaml'), 'utf8');

    await writeFile(join(dir, 'other.yaml'), yaml.replace('name: credit', 'name: scoring'));
    const noModel = captured();
    expect(await runDemo(['--config', join(dir, 'other.yaml'), ...LOOPBACK], noModel)).toBe(1);
    expect(noModel.err).toContain('has no model "credit" (its models: "scoring")');

    await writeFile(join(dir, 'credit.yaml'), yaml);
    const noData = captured();
    expect(await runDemo(['--config', join(dir, 'credit.yaml'), ...LOOPBACK], noData)).toBe(1);
    expect(noData.err).toContain(`the reference ${join(dir, 'reference.json')} does not exist and there is no training data at ${join(dir, 'train.csv')}`);
  });
});
