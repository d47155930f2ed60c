// A test bed for drift decisions over many windows: training data from seeded generating
// distributions, written as CSV and built into a reference by the real `buildReference`
// (noise levels included), and a judge that scores windows with the real layout, the real
// hot path (ModelMonitor.record on parsed events) and the real DriftComputer. Each window
// starts from an emptied drift window (no JSON, no HTTP), so thousands of them take seconds.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DriftMethod, FeatureConfig, FeatureType, ModelConfig } from '../../src/config/types.js';
import { DriftComputer, METHODS_PER_SLOT, methodsOf } from '../../src/monitor/drift.js';
import { buildLayout, type ModelLayout } from '../../src/monitor/layout.js';
import { ModelMonitor } from '../../src/monitor/model-monitor.js';
import { buildReference } from '../../src/reference/build.js';
import type { Reference } from '../../src/reference/types.js';
import { isDrift } from '../../src/stats/noise-level.js';
import { normal, seededRandom, testModel } from './synthetic-reference.js';

export type Random = () => number;
export type Value = number | string | boolean;

export interface FeatureSpec {
  name: string;
  type: FeatureType;
  /** One value from the generating distribution. */
  draw: (random: Random) => Value;
}

export interface Bed {
  model: ModelConfig;
  reference: Reference;
  /** The training rows' values per feature, in spec order (the reference was built from these). */
  training: Value[][];
  specs: FeatureSpec[];
}

/** Builds the reference of `specs` from `rows` seeded training rows with the real builder. */
export async function buildBed(specs: FeatureSpec[], rows: number, seed: number, drift: Partial<ModelConfig['drift']> = {}): Promise<Bed> {
  const features: FeatureConfig[] = specs.map((s) => ({ name: s.name, type: s.type, nullable: false }));
  const model = testModel({ features });
  model.drift = { ...model.drift, min_samples: 100, ...drift };
  model.reference_build = { ...model.reference_build, top_categories: 50 };
  const random = seededRandom(seed);
  const training = specs.map(() => [] as Value[]);
  const lines = [[...specs.map((s) => s.name), 'prediction'].join(',')];
  for (let r = 0; r < rows; r++) {
    const cells = specs.map((s, i) => {
      const value = s.draw(random);
      training[i].push(value);
      return String(value);
    });
    // A prediction with 11 distinct values: cheap noise levels (its bins are few), as the tests
    // here judge the features.
    lines.push([...cells, String(Math.round(random() * 10) / 10)].join(','));
  }
  const dir = await mkdtemp(join(tmpdir(), 'mlwatch-drift-bed-'));
  try {
    const dataPath = join(dir, 'train.csv');
    await writeFile(dataPath, `${lines.join('\n')}\n`);
    const built = await buildReference({ model, dataPath, now: new Date('2026-12-01T00:00:00Z') });
    return { model, reference: { ...built, checksum: 'test' }, training, specs };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Decisions per slot (feature order) and method (methodsOf order): 1 drifted, 0 not. */
export type Decisions = number[][];

/** Scores windows of feature values with the real layout, hot path and DriftComputer. */
export class WindowJudge {
  readonly layout: ModelLayout;
  private readonly monitor: ModelMonitor;
  private readonly drift: DriftComputer;
  /** One event's features, refilled for every event (the hot path does not keep it). */
  private readonly features: Record<string, Value> = {};

  constructor(readonly bed: Bed) {
    this.monitor = new ModelMonitor(bed.model, bed.reference, [1]);
    this.layout = this.monitor.layout;
    this.drift = new DriftComputer(this.layout, bed.model.drift);
  }

  /** Records `n` events (each feature's value from `draw(feature index)`), computes drift, and returns every method's decision. */
  judge(n: number, draw: (feature: number) => Value): Decisions {
    const cell = this.monitor.state.defaultCell;
    for (const sub of cell.window.subWindows) sub.fill(0);
    const { specs } = this.bed;
    const event = { features: this.features };
    for (let i = 0; i < n; i++) {
      for (let f = 0; f < specs.length; f++) this.features[specs[f].name] = draw(f);
      const error = this.monitor.record(event);
      if (error !== null) throw new Error(`event rejected: ${error}`);
    }
    const result = this.drift.compute(cell, 1);
    const thresholds = this.bed.model.drift.thresholds;
    return specs.map((_, f) => {
      const slot = this.layout.slots[f];
      return methodsOf(slot).map((method, m) => {
        const at = f * METHODS_PER_SLOT + m;
        return isDrift(method as DriftMethod, result.scores[at], thresholds[method], result.noise[at]) ? 1 : 0;
      });
    });
  }

  /** Scores and noise levels of the last judged window. */
  lastResult(): { scores: Float64Array; noise: Float64Array } {
    return this.monitor.state.defaultCell.drift;
  }
}

/** Shares as a table for the test's report: one row per feature, percent per method. */
export function shareTable(bed: Bed, shares: number[][]): string {
  return bed.specs
    .map((spec, f) => {
      const slot = buildLayout(bed.model, bed.reference).slots[f];
      return `${spec.name.padEnd(14)} ${methodsOf(slot).map((method, m) => `${method} ${(100 * shares[f][m]).toFixed(1)}%`).join('  ')}`;
    })
    .join('\n');
}

/** Share of `windows` windows declared drifted, per feature and method. */
export function driftedShares(judge: WindowJudge, windows: number, n: number, draw: (feature: number) => Value): number[][] {
  const counts = judge.bed.specs.map(() => new Array<number>(METHODS_PER_SLOT).fill(0));
  for (let w = 0; w < windows; w++) {
    const decisions = judge.judge(n, draw);
    decisions.forEach((row, f) => row.forEach((d, m) => (counts[f][m] += d)));
  }
  return counts.map((row) => row.map((c) => c / windows));
}

/** Bootstrap: values of training rows drawn with replacement (each feature its own row). */
export function bootstrap(bed: Bed, random: Random): (feature: number) => Value {
  return (f) => {
    const column = bed.training[f];
    return column[Math.floor(random() * column.length)];
  };
}

/** Fresh values from the generating distributions. */
export function fresh(bed: Bed, random: Random): (feature: number) => Value {
  return (f) => bed.specs[f].draw(random);
}

// --- Generating distributions ---

function zipfSampler(categories: number): (random: Random) => number {
  const cumulative: number[] = [];
  let total = 0;
  for (let k = 1; k <= categories; k++) cumulative.push((total += 1 / k));
  return (random) => {
    const u = random() * total;
    let lo = 0;
    let hi = categories - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}

function poisson(random: Random, lambda: number): number {
  const limit = Math.exp(-lambda);
  let k = 0;
  let product = random();
  while (product > limit) {
    k++;
    product *= random();
  }
  return k;
}

const zipf10 = zipfSampler(10);
const zipf200 = zipfSampler(200);

/** The feature kinds of the issue's targets. */
export const FEATURE_KINDS = {
  normal: { name: 'normal', type: 'numeric', draw: (r) => normal(r, 100, 15) },
  lognormal: { name: 'lognormal', type: 'numeric', draw: (r) => Math.exp(normal(r, 10, 1)) },
  /** Few distinct values: the edges are the values themselves. */
  integer: { name: 'integer', type: 'numeric', draw: (r) => poisson(r, 3) },
  /** An atom of 55% at 0 (the reference minimum), then a lognormal tail. */
  zero_inflated: { name: 'zero_inflated', type: 'numeric', draw: (r) => (r() < 0.55 ? 0 : Math.round(Math.exp(normal(r, 3, 1)) * 100) / 100) },
  zipf10: { name: 'zipf10', type: 'categorical', draw: (r) => `c${zipf10(r)}` },
  /** 200 Zipf categories: the reference keeps the top 50, the rest are __other__. */
  zipf51: { name: 'zipf51', type: 'categorical', draw: (r) => `c${zipf200(r)}` },
  boolean: { name: 'boolean', type: 'boolean', draw: (r) => r() < 0.3 },
} satisfies Record<string, FeatureSpec>;
