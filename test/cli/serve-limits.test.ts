// A reference with absurd sizes but a valid checksum (e.g. 70,000 fine edges, which made
// start-up end in a RangeError stack trace from the bin lookup) is refused by the real
// `mlwatch serve` process with one line per limit, naming the file and the limit, exit 1.
// `mlwatch config check` reports the same lines.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReference } from '../../src/reference/io.js';
import { REFERENCE_LIMITS } from '../../src/reference/limits.js';
import type { CategoricalSketch, NumericSketch, Reference } from '../../src/reference/types.js';
import { createModelFixture, type ModelFixture } from '../support/model-fixture.js';

const MAIN = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js');
let fixture: ModelFixture;

beforeAll(async () => {
  fixture = await createModelFixture();
}, 60_000);
afterAll(() => fixture.cleanup());

function run(args: string[]): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stdout });
    });
  });
}

/** The fixture's reference with `price` given `fineEdges` evenly spaced fine edges (structurally sound). */
function withFineEdges(reference: Reference, fineEdges: number): Omit<Reference, 'checksum'> {
  const price = reference.features.price as NumericSketch;
  const { min, max, count } = price.summary;
  const spaced = Array.from({ length: fineEdges - price.edges.length }, (_, i) => min + ((max - min) * (i + 1)) / (fineEdges - price.edges.length + 1));
  const edges = [...new Set([...price.edges, ...spaced])].sort((a, b) => a - b);
  const counts = new Array<number>(edges.length + 1).fill(0);
  counts[1] = count;
  const { checksum: _, ...rest } = reference;
  return { ...rest, features: { ...reference.features, price: { ...price, fine_edges: edges, fine_counts: counts } } };
}

describe('mlwatch serve refuses an absurdly large reference with one line per limit', () => {
  it('70,000 fine edges: exit 1, the file and the limit named, no stack trace', async () => {
    const reference = JSON.parse(await readFile(fixture.referencePath, 'utf8')) as Reference;
    await writeReference(fixture.referencePath, withFineEdges(reference, 70_000));
    const { code, stderr } = await run(['serve', '--config', fixture.configPath, '--ingest-listen', '127.0.0.1:0', '--metrics-listen', '127.0.0.1:0']);
    expect(code).toBe(1);
    const lines = stderr.trim().split('\n');
    expect(lines).toEqual([
      'mlwatch cannot start:',
      `  - models[0].reference: reference file ${fixture.referencePath}: features.price.fine_edges has 70000 fine edges; mlwatch reads at most ${REFERENCE_LIMITS.fineEdges}`,
    ]);
  }, 30_000);

  it('several sizes beyond their limits: one line each, from serve and from config check', async () => {
    const reference = JSON.parse(await readFile(fixture.referencePath, 'utf8')) as Reference;
    const country = reference.features.country as CategoricalSketch;
    const many = Array.from({ length: 1200 }, (_, i) => ({ value: `k${String(i).padStart(4, '0')}`, count: 0 }));
    const edited = {
      ...withFineEdges(reference, 2000),
      noise: { windows: Array.from({ length: 100 }, (_, i) => i + 1), replicates: 10 },
    };
    edited.features = { ...edited.features, country: { ...country, categories: [...country.categories, ...many] } };
    await writeReference(fixture.referencePath, edited);
    const served = await run(['serve', '--config', fixture.configPath, '--ingest-listen', '127.0.0.1:0', '--metrics-listen', '127.0.0.1:0']);
    expect(served.code).toBe(1);
    expect(served.stderr).not.toMatch(/\n\s+at /);
    const prefix = `  - models[0].reference: reference file ${fixture.referencePath}: `;
    const expected = [
      `${prefix}features.price.fine_edges has 2000 fine edges; mlwatch reads at most ${REFERENCE_LIMITS.fineEdges}`,
      `${prefix}features.country.categories has ${country.categories.length + 1200} categories (reference_build.top_categories is at most 1000); mlwatch reads at most ${REFERENCE_LIMITS.categories}`,
      `${prefix}noise.windows has 100 window sizes; mlwatch reads at most ${REFERENCE_LIMITS.noiseWindows}`,
    ];
    expect(served.stderr.trim().split('\n')).toEqual(['mlwatch cannot start:', ...expected]);
    const checked = await run(['config', 'check', '--config', fixture.configPath]);
    expect(checked.code).toBe(1);
    for (const line of expected) expect(checked.stderr).toContain(line.replace('  - ', ''));
  }, 30_000);
});
