// A reference of format_version 1 (built by mlwatch at commit 74b199a, the last to write that
// format; test/fixtures/reference/format-1/, made by make-format-1.mjs) still loads through the
// real loadReference and gives, on the same window, that mlwatch's own scores (1e-12): every
// method of every slot, W1 included — a format 1 reference has no within-bin offsets, so its
// W1 keeps the even-spread estimate (wassersteinSpreadEvenly). A rebuilt reference (format 2)
// gets the exact one: on the discrete feature here 0.4145 std instead of 0.4564.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_CELLS, DEFAULT_VARIANT_PAIRING } from '../../src/config/defaults.js';
import type { ModelConfig } from '../../src/config/types.js';
import { DriftComputer, METHODS_PER_SLOT, methodsOf } from '../../src/monitor/drift.js';
import { ModelMonitor } from '../../src/monitor/model-monitor.js';
import { buildReference } from '../../src/reference/build.js';
import { loadReference } from '../../src/reference/io.js';
import type { Reference } from '../../src/reference/types.js';
import { ksExact, wassersteinExact } from '../../src/stats/exact.js';

const FIXTURE = new URL('../fixtures/reference/format-1/', import.meta.url);
interface Window {
  model: ModelConfig;
  training: { amount: number[]; visits: number[]; city: string[]; prediction: number[] };
  events: { amount: number[]; visits: number[]; city: string[]; prediction: number[] };
  scores: number[];
}
const fixture = JSON.parse(readFileSync(new URL('window.json', FIXTURE), 'utf8')) as Window;
// The fixture's config predates slices: no segments, no variants.
const sliceDefaults: Pick<ModelConfig, 'segments' | 'variants' | 'max_cells'> = { segments: [], variants: { names: [], shadows: [], ...DEFAULT_VARIANT_PAIRING }, max_cells: DEFAULT_MAX_CELLS };
fixture.model = Object.assign(sliceDefaults, fixture.model);

function scoresOf(reference: Reference): Float64Array {
  const monitor = new ModelMonitor(fixture.model, reference, [1]);
  const drift = new DriftComputer(monitor.layout, fixture.model.drift);
  const { events } = fixture;
  events.amount.forEach((amount, i) => {
    expect(monitor.record({ features: { amount, visits: events.visits[i], city: events.city[i] }, prediction: events.prediction[i] })).toBeNull();
  });
  return drift.compute(monitor.state.defaultCell, 0).scores;
}

function populationStd(values: number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
}

describe('a format 1 reference', () => {
  it("loads, and gives the scores of the mlwatch that built it, for every method of every slot", async () => {
    const reference = await loadReference(new URL('reference.json', FIXTURE).pathname);
    expect(reference.format_version).toBe(1);
    const scores = scoresOf(reference);
    for (const slot of new ModelMonitor(fixture.model, reference, [1]).layout.slots) {
      methodsOf(slot).forEach((method, m) => {
        const at = slot.index * METHODS_PER_SLOT + m;
        expect(Math.abs(scores[at] - fixture.scores[at]), `${slot.name || 'prediction'} ${method}: ${scores[at]} vs ${fixture.scores[at]}`).toBeLessThanOrEqual(1e-12);
      });
    }
  });

  it('rebuilt from the same training data (format 2), its discrete feature gets the exact KS and W1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mlwatch-format-1-'));
    try {
      const { training } = fixture;
      const rows = training.amount.map((amount, i) => `${amount},${training.visits[i]},${training.city[i]},${training.prediction[i]}`);
      const dataPath = join(dir, 'train.csv');
      await writeFile(dataPath, `amount,visits,city,prediction\n${rows.join('\n')}\n`);
      const rebuilt = (await buildReference({ model: fixture.model, dataPath, now: new Date('2026-12-01T00:00:00Z') })) as Reference;
      expect(rebuilt.format_version).toBe(2);
      const scores = scoresOf(rebuilt);
      const at = 1 * METHODS_PER_SLOT; // visits: integers 0..9
      const exactW1 = wassersteinExact(training.visits, fixture.events.visits) / populationStd(training.visits);
      expect(Math.abs(scores[at + 2] - exactW1)).toBeLessThanOrEqual(1e-9); // format 1: 0.4564 for an exact 0.4145
      expect(Math.abs(fixture.scores[at + 2] - exactW1)).toBeGreaterThan(0.04);
      expect(Math.abs(scores[at + 3] - ksExact(training.visits, fixture.events.visits))).toBeLessThanOrEqual(1e-12);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
