// Noise levels of a segment value's own reference: a segment cell is judged against that
// value's rows, so its noise is what windows drawn from those rows score. Checked by error
// rates: windows of fresh data from one segment's generating distribution, n = 100, are
// declared drifted in at most 1.5% of 600 windows for every method, with the segment's levels;
// the whole reference's levels (3000 rows) would under-state the noise of a 150-row segment.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loader.js';
import type { DriftMethod } from '../../src/config/types.js';
import { DriftComputer, METHODS_PER_SLOT, methodsOf } from '../../src/monitor/drift.js';
import { ModelMonitor } from '../../src/monitor/model-monitor.js';
import { buildReference } from '../../src/reference/build.js';
import { isReference } from '../../src/reference/structure.js';
import type { Reference } from '../../src/reference/types.js';
import { driftIsLow, isDrift, noiseLevelAt } from '../../src/stats/noise-level.js';
import { normal, seededRandom } from '../support/synthetic-reference.js';

const dir = await mkdtemp(join(tmpdir(), 'mlwatch-segment-noise-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

const CHANNELS = [
  { name: 'web', share: 0.95, mean: 10_000, sd: 3000 },
  { name: 'fax', share: 0.05, mean: 25_000, sd: 1000 },
];
const CONFIG = `
models:
  - name: loans
    task: binary_classification
    classes: [no, yes]
    version: "1"
    reference: reference.json
    reference_build: { min_segment_rows: 100 }
    drift: { min_samples: 100 }
    segments:
      - { feature: channel }
    features:
      - { name: loan, type: numeric }
      - { name: term, type: categorical }
      - { name: channel, type: categorical }
`;
const TERMS = ['12', '24', '36', '48', '60', '72'];

function draw(random: () => number, channel: (typeof CHANNELS)[number]): { loan: number; term: string } {
  // fax loans take the long terms more often: its categories differ from the whole's too.
  const skew = channel.name === 'fax' ? 0.5 : 1;
  return { loan: Math.round(normal(random, channel.mean, channel.sd)), term: TERMS[Math.floor(random() ** skew * TERMS.length)] };
}

async function build(): Promise<{ reference: Reference; monitor: ModelMonitor }> {
  const random = seededRandom(11);
  const lines = ['loan,term,channel,prediction'];
  for (let r = 0; r < 3000; r++) {
    const channel = random() < CHANNELS[1].share ? CHANNELS[1] : CHANNELS[0];
    const { loan, term } = draw(random, channel);
    lines.push(`${loan},${term},${channel.name},${Math.round(random() * 100) / 100}`);
  }
  await writeFile(join(dir, 'mlwatch.yaml'), CONFIG);
  await writeFile(join(dir, 'train.csv'), `${lines.join('\n')}\n`);
  const model = (await loadConfig(join(dir, 'mlwatch.yaml'))).models[0];
  const reference = { ...(await buildReference({ model, dataPath: join(dir, 'train.csv') })), checksum: 'test' };
  return { reference, monitor: new ModelMonitor(model, reference, [1], 1_000_000) };
}

describe('segment noise levels', () => {
  it('each segment value with rows has levels of its own, checked by the reference structure', async () => {
    const { reference } = await build();
    const fax = reference.segments?.[0].values.find((v) => v.value === 'fax');
    expect(fax?.fallback).toBe(false);
    expect(fax?.features?.loan.noise?.psi.q999).toHaveLength(reference.noise?.windows.length ?? -1);
    expect((fax?.features?.term.noise as Record<string, { q999: number[] }> | undefined)?.chi2_pvalue.q999).toHaveLength(reference.noise?.windows.length ?? -1);
    expect(isReference({ ...reference, checksum: '0'.repeat(64) })).toBe(true);
    const broken = structuredClone(reference);
    delete broken.segments?.[0].values[1].features?.loan.noise;
    expect(isReference({ ...broken, checksum: '0'.repeat(64) })).toBe(false);
  }, 120_000);

  it('a 150-row segment: at most 1.5% of stationary 100-value windows declared drifted, every method', async () => {
    const { reference, monitor } = await build();
    const { state, layout } = monitor;
    const k = reference.segments?.[0].values.findIndex((v) => v.value === 'fax') ?? -1;
    const cell = state.cells[state.index.segmentCell(0, k)];
    expect(state.usesWholeReference(cell)).toBe(false);
    const drift = new DriftComputer(layout, monitor.model.drift);
    const thresholds = monitor.model.drift.thresholds;
    const slots = layout.slots.slice(0, 2);
    const windows = 600;
    const n = 100;
    const own = slots.map(() => new Array<number>(METHODS_PER_SLOT).fill(0));
    const whole = slots.map(() => new Array<number>(METHODS_PER_SLOT).fill(0));
    const random = seededRandom(12);
    for (let w = 0; w < windows; w++) {
      for (const c of state.cells) for (const sub of c.window.subWindows) sub.fill(0);
      for (let i = 0; i < n; i++) {
        const { loan, term } = draw(random, CHANNELS[1]);
        expect(monitor.record({ features: { loan, term, channel: 'fax' }, prediction: 0.5 })).toBeNull();
      }
      const result = drift.compute(cell, 1);
      slots.forEach((slot, s) => {
        const segmentSlot = cell.referenceSlots[s];
        methodsOf(slot).forEach((method, m) => {
          const at = s * METHODS_PER_SLOT + m;
          const threshold = thresholds[method as DriftMethod];
          if (isDrift(method as DriftMethod, result.scores[at], threshold, result.noise[at])) own[s][m]++;
          const wholeNoise = noiseLevelAt(slot.noise?.windows ?? [], slot.noise?.levels[m] ?? [], n, driftIsLow(method as DriftMethod));
          if (isDrift(method as DriftMethod, result.scores[at], threshold, wholeNoise)) whole[s][m]++;
          // The level used is the segment's own, not the whole reference's.
          expect(segmentSlot.noise).not.toBe(slot.noise);
        });
      });
    }
    const report = slots
      .map((slot, s) => `${slot.name}: ${methodsOf(slot).map((method, m) => `${method} ${((100 * own[s][m]) / windows).toFixed(1)}% (whole's levels ${((100 * whole[s][m]) / windows).toFixed(1)}%)`).join(', ')}`)
      .join('\n');
    console.log(`fax segment, ${windows} windows of ${n}:\n${report}`);
    for (const row of own) for (const count of row) expect(count / windows).toBeLessThanOrEqual(0.015);
  }, 120_000);
});
