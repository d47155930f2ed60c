// A small binary-classification model "shop" on disk, the way a user sets one up: a
// seeded training CSV, a config YAML, and a reference built from the CSV by mlwatch's own
// reference builder. Plus a seeded generator of prediction events from the training
// distribution (undrifted) or with price shifted up by DRIFT_SHIFT_STD standard deviations.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/loader.js';
import type { Config } from '../../src/config/types.js';
import { buildReference } from '../../src/reference/build.js';
import { writeReference } from '../../src/reference/io.js';
import { normal, seededRandom } from './synthetic-reference.js';

export const MODEL = 'shop';
export const MODEL_VERSION = '1.0.0';
export const DEPLOYED_AT = '2026-11-01T00:00:00Z';
/** The reference's build time (passed to the builder, so the file is reproducible). */
export const REFERENCE_CREATED_AT = '2026-11-02T00:00:00.000Z';

/** price ~ Normal(PRICE_MEAN, PRICE_STD), rounded to cents; configured range [0, PRICE_RANGE_MAX]. */
export const PRICE_MEAN = 200;
export const PRICE_STD = 40;
export const PRICE_RANGE_MAX = 1000;
/** Drifted traffic: price mean + DRIFT_SHIFT_STD × PRICE_STD. */
export const DRIFT_SHIFT_STD = 2;
/** age: whole years, uniform on [AGE_MIN, AGE_MAX]; no configured range (the reference's min/max). */
export const AGE_MIN = 18;
export const AGE_MAX = 80;
export const COUNTRIES: readonly { name: string; share: number }[] = [
  { name: 'US', share: 0.4 },
  { name: 'DE', share: 0.25 },
  { name: 'FR', share: 0.2 },
  { name: 'JP', share: 0.15 },
];
export const RETURNING_SHARE = 0.3;
export const TRAINING_ROWS = 5000;

export interface ShopFeatures {
  price: number;
  age: number;
  country: string;
  returning: boolean;
}

export interface PredictionEvent {
  features: Record<string, unknown>;
  prediction: { score: number };
  latency_ms: number;
  model_version: string;
}

export interface DriftSettings {
  window_seconds: number;
  sub_windows: number;
  min_samples: number;
  compute_interval_seconds: number;
}

export const DEFAULT_DRIFT_SETTINGS: DriftSettings = {
  window_seconds: 60,
  sub_windows: 6,
  min_samples: 100,
  compute_interval_seconds: 1,
};

export interface ModelFixture {
  dir: string;
  configPath: string;
  dataPath: string;
  referencePath: string;
  /** The config as mlwatch loads it (defaults filled, paths absolute). */
  config: Config;
  cleanup(): Promise<void>;
}

export interface EventGenerator {
  /** Events from the training distribution. */
  undrifted(count: number): PredictionEvent[];
  /** Events whose price mean is shifted by DRIFT_SHIFT_STD standard deviations (the score follows). */
  drifted(count: number): PredictionEvent[];
}

/** The model's score: a logistic function of the features, so prediction drift follows price drift. */
export function shopScore(f: ShopFeatures): number {
  const z = 1.5 * ((f.price - PRICE_MEAN) / PRICE_STD) + 0.8 * (f.returning ? 1 : 0) + 0.3 * (f.country === 'US' ? 1 : 0) - 0.4;
  return Math.round((1 / (1 + Math.exp(-z))) * 1e4) / 1e4;
}

function drawFeatures(random: () => number, priceShiftStd: number): ShopFeatures {
  const price = Math.max(0, Math.round(normal(random, PRICE_MEAN + priceShiftStd * PRICE_STD, PRICE_STD) * 100) / 100);
  const age = AGE_MIN + Math.floor(random() * (AGE_MAX - AGE_MIN + 1));
  let u = random();
  let country = COUNTRIES[COUNTRIES.length - 1].name;
  for (const c of COUNTRIES) {
    if (u < c.share) {
      country = c.name;
      break;
    }
    u -= c.share;
  }
  return { price, age, country, returning: random() < RETURNING_SHARE };
}

export function eventGenerator(seed: number): EventGenerator {
  const random = seededRandom(seed);
  const make = (count: number, shift: number): PredictionEvent[] =>
    Array.from({ length: count }, () => {
      const f = drawFeatures(random, shift);
      return {
        features: { price: f.price, age: f.age, country: f.country, returning: f.returning },
        prediction: { score: shopScore(f) },
        latency_ms: 2 + Math.floor(random() * 59),
        model_version: MODEL_VERSION,
      };
    });
  return { undrifted: (count) => make(count, 0), drifted: (count) => make(count, DRIFT_SHIFT_STD) };
}

/** The true outcome of an event: yes with probability its score (the score is calibrated by construction). */
export function shopLabel(score: number, random: () => number): 'yes' | 'no' {
  return random() < score ? 'yes' : 'no';
}

/** The training rows; `labelled` adds a `label` column drawn by shopLabel (for reference_build.label_column). */
export function trainingCsv(rows: number, seed: number, labelled = false): string {
  const random = seededRandom(seed);
  const labels = seededRandom(seed + 1);
  const lines = [`price,age,country,returning,prediction${labelled ? ',label' : ''}`];
  for (let i = 0; i < rows; i++) {
    const f = drawFeatures(random, 0);
    const score = shopScore(f);
    lines.push(`${f.price},${f.age},${f.country},${f.returning},${score}${labelled ? `,${shopLabel(score, labels)}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

export function shopConfigYaml(drift: DriftSettings): string {
  return `ingest: { listen: "127.0.0.1:0" }
metrics: { listen: "127.0.0.1:0", shutdown_grace_seconds: 0 }
logging: { level: silent }
defaults:
  drift:
    window_seconds: ${drift.window_seconds}
    sub_windows: ${drift.sub_windows}
    min_samples: ${drift.min_samples}
    compute_interval_seconds: ${drift.compute_interval_seconds}
models:
  - name: ${MODEL}
    task: binary_classification
    classes: [no, yes]
    version: "${MODEL_VERSION}"
    deployed_at: "${DEPLOYED_AT}"
    reference: reference.json
    features:
      - { name: price, type: numeric, range: [0, ${PRICE_RANGE_MAX}] }
      - { name: age, type: numeric }
      - { name: country, type: categorical }
      - { name: returning, type: boolean }
`;
}

export async function createModelFixture(
  options: {
    drift?: Partial<DriftSettings>;
    seed?: number;
    trainingRows?: number;
    /** More keys of the model, as YAML lines indented for the model's mapping (e.g. segments, variants). */
    modelYaml?: string;
    /** Training data with a label column, and the reference built from it (performance, calibration). */
    labelled?: boolean;
  } = {},
): Promise<ModelFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'mlwatch-model-'));
  try {
    const configPath = join(dir, 'mlwatch.yaml');
    const dataPath = join(dir, 'train.csv');
    const labelBuild = options.labelled === true ? '    reference_build: { label_column: label }\n' : '';
    await writeFile(configPath, shopConfigYaml({ ...DEFAULT_DRIFT_SETTINGS, ...options.drift }) + labelBuild + (options.modelYaml ?? ''));
    await writeFile(dataPath, trainingCsv(options.trainingRows ?? TRAINING_ROWS, options.seed ?? 20261101, options.labelled === true));
    const config = await loadConfig(configPath);
    const model = config.models[0];
    const reference = await buildReference({ model, dataPath, now: new Date(REFERENCE_CREATED_AT) });
    await writeReference(model.reference, reference);
    return {
      dir,
      configPath,
      dataPath,
      referencePath: model.reference,
      config,
      cleanup: () => rm(dir, { recursive: true, force: true }),
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Accepted events, each with one data-quality problem (a signal, not a rejection), then
 * malformed envelopes that ingest rejects as invalid_event. Tests state the expected counts.
 */
export function problemEvents(generator: EventGenerator): { accepted: unknown[]; rejected: unknown[] } {
  const base = generator.undrifted(8);
  const withFeatures = (i: number, change: (features: Record<string, unknown>) => void): PredictionEvent => {
    const features = { ...base[i].features };
    change(features);
    return { ...base[i], features };
  };
  const accepted: unknown[] = [
    withFeatures(0, (f) => (f.price = null)), // missing price
    withFeatures(1, (f) => delete f.price), // missing price (absent)
    withFeatures(2, (f) => (f.price = '12.5')), // type error: a string where a number belongs
    withFeatures(3, (f) => (f.price = 5000)), // out of range [0, 1000] (still a value)
    withFeatures(4, (f) => (f.country = 'Atlantis')), // unseen category: out of range, __other__
    withFeatures(5, (f) => Object.assign(f, { coupon: 'X1', referrer: 'ads' })), // two unknown fields
    withFeatures(6, (f) => (f.returning = 'yes')), // type error: a string where a boolean belongs
    { ...base[7], model_version: '1.1.0-canary' }, // a second version
  ];
  const rejected: unknown[] = [
    { prediction: { score: 0.5 }, latency_ms: 3 }, // no features
    { features: 'price=3', prediction: { score: 0.5 } }, // features not an object
    { ...base[0], latency_ms: -5 }, // negative latency
  ];
  return { accepted, rejected };
}

export interface IngestAnswer {
  status: number;
  accepted: number;
  rejected: number;
  errors: { index: number; message: string }[];
}

/** POST one event or an array of events as JSON. */
export function postJson(ingestUrl: string, body: unknown, model = MODEL): Promise<IngestAnswer> {
  return post(ingestUrl, model, 'application/json', JSON.stringify(body));
}

/** POST labels (id and label) to the model's labels endpoint as JSON. */
export async function postLabels(ingestUrl: string, labels: { id: string; label: string }[], model = MODEL): Promise<number> {
  const response = await fetch(`${ingestUrl}/v1/models/${encodeURIComponent(model)}/labels`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(labels),
  });
  await response.body?.cancel();
  return response.status;
}

/** POST NDJSON: one line per event, given as text so a test can send lines JSON.stringify cannot make. */
export function postNdjson(ingestUrl: string, lines: string[], model = MODEL): Promise<IngestAnswer> {
  return post(ingestUrl, model, 'application/x-ndjson', `${lines.join('\n')}\n`);
}

async function post(ingestUrl: string, model: string, contentType: string, body: string): Promise<IngestAnswer> {
  const response = await fetch(`${ingestUrl}/v1/models/${encodeURIComponent(model)}/predictions`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
  const answer = (await response.json()) as Partial<IngestAnswer>;
  return { status: response.status, accepted: answer.accepted ?? 0, rejected: answer.rejected ?? 0, errors: answer.errors ?? [] };
}

/** POST events as NDJSON in batches (the way a model server would flush a buffer). */
export async function postInBatches(ingestUrl: string, events: PredictionEvent[], batchSize = 500): Promise<number> {
  let accepted = 0;
  for (let i = 0; i < events.length; i += batchSize) {
    const answer = await postNdjson(ingestUrl, events.slice(i, i + batchSize).map((e) => JSON.stringify(e)));
    if (answer.status !== 200 || answer.rejected !== 0) {
      throw new Error(`ingest answered ${answer.status} with ${answer.rejected} rejected: ${JSON.stringify(answer.errors)}`);
    }
    accepted += answer.accepted;
  }
  return accepted;
}
