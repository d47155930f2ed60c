// KS and normalised Wasserstein through the whole pipeline — a reference built by the real
// builder from the training column (`buildReference`), window values recorded by
// `ModelMonitor.record`, scores from `DriftComputer` — against scipy's exact two-sample values
// on discrete and tie-heavy data (test/fixtures/stats/discrete.json, made by
// make_discrete_fixtures.py, formula beside each value):
//   KS     = scipy.stats.ks_2samp(ref, win).statistic                  tolerance 0.01 absolute
//   W1/std = scipy.stats.wasserstein_distance(ref, win) / numpy.std(ref) tolerance 2% relative
//            (0.01 absolute for the undrifted case, where W1 is sampling noise)
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriftComputer, METHODS_PER_SLOT } from '../../src/monitor/drift.js';
import { ModelMonitor } from '../../src/monitor/model-monitor.js';
import { buildReference } from '../../src/reference/build.js';
import type { Reference } from '../../src/reference/types.js';
import { expandSample, loadFixture, type DiscreteFixtureCase } from '../stats/helpers.js';
import { testModel } from '../support/synthetic-reference.js';

const fixture = loadFixture<DiscreteFixtureCase>('discrete.json');
const model = testModel({ features: [{ name: 'x', type: 'numeric', nullable: false }] });
model.drift.min_samples = 10;
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlwatch-drift-discrete-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function built(name: string, values: Float64Array): Promise<Reference> {
  const rows = ['x,prediction'];
  for (const v of values) rows.push(`${v},0.5`);
  const dataPath = join(dir, `${name.replace(/[^a-z0-9]+/gi, '-')}.csv`);
  await writeFile(dataPath, `${rows.join('\n')}\n`);
  return (await buildReference({ model, dataPath, now: new Date('2026-12-07T00:00:00Z') })) as Reference;
}

describe('KS and W1/std on discrete and tie-heavy data, reference build → record → DriftComputer, vs scipy', () => {
  for (const c of fixture.cases) {
    it(`${c.name} (KS ${c.expected.ks.value.toFixed(4)}, W1/std ${c.expected.wasserstein_normalized.value.toFixed(4)})`, async () => {
      const reference = await built(c.name, expandSample(c.reference));
      const monitor = new ModelMonitor(model, reference, [1]);
      const drift = new DriftComputer(monitor.layout, model.drift);
      for (const x of expandSample(c.window)) expect(monitor.record({ features: { x }, prediction: 0.5 })).toBeNull();
      const result = drift.compute(monitor.state.defaultCell, 1000);
      const [, , wn, ks] = result.scores.subarray(0, METHODS_PER_SLOT);
      const ksExact = c.expected.ks.value;
      const wnExact = c.expected.wasserstein_normalized.value;
      expect(Math.abs(ks - ksExact), `KS ${ks} vs exact ${ksExact}`).toBeLessThanOrEqual(0.01);
      if (c.drifted) expect(Math.abs(wn - wnExact) / wnExact, `W1/std ${wn} vs exact ${wnExact}`).toBeLessThanOrEqual(0.02);
      else expect(Math.abs(wn - wnExact), `W1/std ${wn} vs exact ${wnExact}`).toBeLessThanOrEqual(0.01);
    });
  }
});
