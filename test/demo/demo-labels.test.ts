// The demo's label story on a real run (in-process sidecar, real traffic, real delayed labels):
// once the inputs drift, the estimated accuracy (CBPE, from the scores alone) falls at once,
// while the realised accuracy holds until the drifted predictions' labels arrive, then falls
// too. The example config's 60 s window is shortened to 10 s (and recomputed every second) so
// the whole story fits in ~35 s; everything else is the example as committed.
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../src/cli/demo.js';
import type { CliOutput } from '../../src/cli/output.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/credit/', import.meta.url));
const scratch = await mkdtemp(join(tmpdir(), 'mlwatch-demo-labels-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

const DRIFT_AFTER = 10;
const LABEL_DELAY = 10;
const DURATION = 35;
const WINDOW_LINE = 'drift: { window_seconds: 60, sub_windows: 6, min_samples: 100, compute_interval_seconds: 5 }';
const SHORT_WINDOW = 'drift: { window_seconds: 10, sub_windows: 5, min_samples: 100, compute_interval_seconds: 1 }';

interface Table {
  seconds: number;
  estimated: number | null;
  realised: number | null;
  joined: number;
}

/** Each table's time (its heading) and its accuracy line. */
function tables(out: string): Table[] {
  const found: Table[] = [];
  const pattern = /^\[(\d+) s\][^\n]*\n(?:[^\n]*\n)*?accuracy: reference [\d.-]+ · estimated ([\d.]+|-)[^·]*· realised ([\d.]+|-) · labels joined (\d+)/gm;
  for (const m of out.matchAll(pattern)) {
    const value = (text: string): number | null => (text === '-' ? null : Number(text));
    found.push({ seconds: Number(m[1]), estimated: value(m[2]), realised: value(m[3]), joined: Number(m[4]) });
  }
  return found;
}

function mean(values: (number | null)[]): number {
  const present = values.filter((v): v is number => v !== null);
  expect(present.length, 'readings to average').toBeGreaterThan(0);
  return present.reduce((a, b) => a + b, 0) / present.length;
}

describe('mlwatch demo: the label story', () => {
  it('the estimate falls as the drift starts, the realised accuracy when the delayed labels arrive', async () => {
    const yaml = await readFile(join(EXAMPLE, 'mlwatch.yaml'), 'utf8');
    expect(yaml).toContain(WINDOW_LINE);
    await writeFile(join(scratch, 'mlwatch.yaml'), yaml.replace(WINDOW_LINE, SHORT_WINDOW));
    await copyFile(join(EXAMPLE, 'train.csv'), join(scratch, 'train.csv'));

    let out = '';
    let err = '';
    const output: CliOutput = { stdout: (t) => void (out += t), stderr: (t) => void (err += t) };
    const args = [
      '--config', join(scratch, 'mlwatch.yaml'), '--rate', '400', '--drift-after', String(DRIFT_AFTER),
      '--label-delay', String(LABEL_DELAY), '--duration', String(DURATION), '--report-every', '1',
      '--ingest-listen', '127.0.0.1:0', '--metrics-listen', '127.0.0.1:0',
    ];
    expect(await runDemo(args, output)).toBe(0);
    expect(err).toBe('');
    expect(out).toMatch(/labels\s+POST http:\/\/127\.0\.0\.1:\d+\/v1\/models\/credit\/labels/);

    const all = tables(out);
    expect(all.length, out).toBeGreaterThan(DURATION - 5);
    // Before the drift: the window holds only clean predictions.
    const estimatedBefore = mean(all.filter((t) => t.seconds >= DRIFT_AFTER - 4 && t.seconds < DRIFT_AFTER).map((t) => t.estimated));
    // Until drift + delay, every label joined is a clean prediction's: the realised accuracy has not moved.
    const beforeLabels = all.filter((t) => t.seconds >= DRIFT_AFTER && t.seconds <= DRIFT_AFTER + LABEL_DELAY - 2);
    const realisedBefore = mean(beforeLabels.map((t) => t.realised));
    const lastBeforeLabels = beforeLabels[beforeLabels.length - 1];
    const last = all[all.length - 1];
    const summary = JSON.stringify({ estimatedBefore, realisedBefore, lastBeforeLabels, last });

    // The estimate falls first: by the time the first drifted labels arrive it is already down.
    expect(lastBeforeLabels.estimated ?? 1, summary).toBeLessThan(estimatedBefore - 0.015);
    expect(lastBeforeLabels.realised ?? 0, summary).toBeGreaterThan((last.realised ?? 1) + 0.02);
    // Then the realised accuracy follows, once the window's labels are all drifted predictions'.
    expect(last.estimated ?? 1, summary).toBeLessThan(estimatedBefore - 0.02);
    expect(last.realised ?? 1, summary).toBeLessThan(realisedBefore - 0.02);

    // The labels went in: every one sent was accepted and joined its prediction.
    const labels = /labels: sent (\d+) in \d+ requests \(accepted (\d+), joined (\d+), pending (\d+), rejected (\d+)\)/.exec(out);
    expect(labels, out).not.toBeNull();
    const [, sent, accepted, joined, pending, rejected] = (labels ?? []).map(Number);
    expect(joined).toBeGreaterThan(0);
    expect([accepted, joined, pending, rejected]).toEqual([sent, sent, 0, 0]);
    expect(last.joined).toBe(joined);
    console.log('demo label story:', summary);
  }, 240_000);
});
