// Segment references from the real builder against counts made here from the raw rows: each
// segment value's rows, its counts on the whole reference's coarse and fine bins and
// categories, its std; fallback below min_segment_rows; and a segment cell's drift measured
// against its own value's rows (PSI and JS exactly the formulas on those counts, 1e-12).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loader.js';
import { DriftComputer, METHODS_PER_SLOT } from '../../src/monitor/drift.js';
import { ModelMonitor } from '../../src/monitor/model-monitor.js';
import { buildReference } from '../../src/reference/build.js';
import { loadReference, writeReference } from '../../src/reference/io.js';
import { checkReferenceMatchesModel } from '../../src/reference/validate.js';
import type { NumericSegmentSketch, NumericSketch, Reference } from '../../src/reference/types.js';
import { binIndex } from '../../src/stats/bins.js';
import { jensenShannonDistance, psi } from '../../src/stats/binned.js';
import { normal, seededRandom } from '../support/synthetic-reference.js';

const dir = await mkdtemp(join(tmpdir(), 'mlwatch-segments-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

const CHANNELS = [
  { name: 'web', share: 0.6, loanMean: 10_000 },
  { name: 'branch', share: 0.35, loanMean: 25_000 },
  { name: 'fax', share: 0.05, loanMean: 15_000 },
];

interface Row {
  loan: number | null;
  channel: string | null;
  age: number;
  score: number;
}

function rows(n: number, seed: number): Row[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => {
    let u = random();
    const channel = CHANNELS.find((c) => (u -= c.share) < 0) ?? CHANNELS[0];
    return {
      loan: random() < 0.02 ? null : Math.round(normal(random, channel.loanMean, 3000)),
      channel: random() < 0.01 ? null : channel.name,
      age: 18 + Math.floor(random() * 60),
      score: Math.round(random() * 1e4) / 1e4,
    };
  });
}

const CONFIG = `
models:
  - name: loans
    task: binary_classification
    classes: [no, yes]
    version: "1"
    reference: reference.json
    reference_build: { min_segment_rows: 100 }
    segments:
      - { feature: channel }
      - { feature: age, edges: [30, 50] }
    features:
      - { name: loan, type: numeric }
      - { name: channel, type: categorical }
      - { name: age, type: numeric }
`;

const training = rows(3000, 1);
let reference: Reference;

async function build(): Promise<Reference> {
  await writeFile(join(dir, 'mlwatch.yaml'), CONFIG);
  const csv = ['loan,channel,age,prediction', ...training.map((r) => `${r.loan ?? ''},${r.channel ?? ''},${r.age},${r.score}`)].join('\n');
  await writeFile(join(dir, 'train.csv'), `${csv}\n`);
  const config = await loadConfig(join(dir, 'mlwatch.yaml'));
  return writeReference(config.models[0].reference, await buildReference({ model: config.models[0], dataPath: join(dir, 'train.csv') }));
}

describe('segment references', () => {
  it('count each segment value on the whole reference bins, from its own rows', async () => {
    reference = await build();
    expect(await loadReference(join(dir, 'reference.json'))).toEqual(reference); // validates and checksums
    const [channel, age] = reference.segments ?? [];
    expect(channel.values.map((v) => v.value)).toEqual(['web', 'branch', 'fax', '__other__', '__missing__']);
    expect(age.values.map((v) => v.value)).toEqual(['(-Inf, 30]', '(30, 50]', '(50, +Inf)', '__missing__']);
    const whole = reference.features.loan as NumericSketch;
    for (const value of channel.values) {
      const mine = training.filter((r) => (value.value === '__missing__' ? r.channel === null : r.channel === value.value));
      expect(value.rows, value.value).toBe(mine.length);
      // fax: 5% of 3000 ≈ 150 rows (above 100); __other__: none; __missing__: ~30.
      expect(value.fallback, value.value).toBe(mine.length < 100);
      if (value.fallback) continue;
      const loans = mine.map((r) => r.loan).filter((v): v is number => v !== null);
      const sketch = value.features?.loan as NumericSegmentSketch;
      expect(sketch.count).toBe(loans.length);
      expect(sketch.missing).toBe(mine.length - loans.length);
      const coarse = new Array<number>(whole.counts.length).fill(0);
      const fine = new Array<number>(whole.fine_counts.length).fill(0);
      for (const v of loans) {
        coarse[binIndex(whole.edges, v)]++;
        fine[binIndex(whole.fine_edges, v)]++;
      }
      expect(sketch.counts).toEqual(coarse);
      expect(sketch.fine_counts).toEqual(fine);
      const mean = loans.reduce((a, b) => a + b, 0) / loans.length;
      expect(sketch.std).toBeCloseTo(Math.sqrt(loans.reduce((a, b) => a + (b - mean) ** 2, 0) / loans.length), 6);
    }
    const young = training.filter((r) => r.age <= 30).length;
    expect(age.values[0].rows).toBe(young);
  });

  it('measure a segment cell against its own rows, and a thin one against the whole', async () => {
    const config = await loadConfig(join(dir, 'mlwatch.yaml'));
    const model = config.models[0];
    expect(checkReferenceMatchesModel(reference, model)).toEqual([]);
    const monitor = new ModelMonitor(model, reference, [1], 1_000_000);
    const live = rows(2000, 2);
    for (const r of live) monitor.record({ features: { loan: r.loan, channel: r.channel, age: r.age }, prediction: r.score });
    const drift = new DriftComputer(monitor.layout, model.drift);
    const { state } = monitor;
    const branch = state.cells[state.index.segmentCell(0, 1)];
    const result = drift.compute(branch, 1);
    const loanSlot = monitor.layout.slots[0];
    if (loanSlot.kind !== 'numeric') throw new Error('loan is numeric');
    const segmentCounts = (reference.segments?.[0].values[1].features?.loan as NumericSegmentSketch).counts;
    const window = new Array<number>(segmentCounts.length).fill(0);
    for (const r of live) if (r.channel === 'branch' && r.loan !== null) window[binIndex(loanSlot.coarseEdges, r.loan)]++;
    expect(result.scores[0 * METHODS_PER_SLOT]).toBeCloseTo(psi(segmentCounts, window), 12);
    expect(result.scores[0 * METHODS_PER_SLOT + 1]).toBeCloseTo(jensenShannonDistance(segmentCounts, window), 12);
    // Against the whole reference the branch channel's larger loans look drifted; against its own rows they do not.
    expect(result.scores[0]).toBeLessThan(0.1);
    expect(psi(Array.from(loanSlot.referenceCoarseCounts), window)).toBeGreaterThan(0.5);
    expect(state.usesWholeReference(branch)).toBe(false);
    expect(state.usesWholeReference(state.cells[state.index.segmentCell(0, 4)])).toBe(true); // __missing__: ~30 rows
  });

  it('refuses a reference whose segments differ from the config, and warns when it has none', async () => {
    const config = await loadConfig(join(dir, 'mlwatch.yaml'));
    const model = config.models[0];
    const otherEdges = { ...model, segments: [model.segments[0], { feature: 'age', edges: [40] }] };
    expect(checkReferenceMatchesModel(reference, otherEdges).join('\n')).toMatch(/segment "age" has edges \[40\] in the config but \[30,50\] in the reference/);
    const { segments: _, ...without } = reference;
    expect(checkReferenceMatchesModel(without as Reference, model)).toEqual([]);
    const { modelWarnings } = await import('../../src/config/model-warnings.js');
    expect(modelWarnings(model, 0, without as Reference).join('\n')).toMatch(/built before the segment was configured/);
    expect(modelWarnings(model, 0, reference).join('\n')).toMatch(/"__other__" \(0 rows\), "__missing__" \(\d+ rows\) had fewer than reference_build.min_segment_rows \(100\)/);
  });
});
