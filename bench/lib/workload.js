// What the benchmark posts: a model's features (numeric distributions and categorical
// vocabularies drawn from a seed), events in the documented format, request bodies, the
// training CSV a reference is built from, and the mlwatch config naming them.
import { writeFileSync } from 'node:fs';
import { seededRandom } from './random.js';

/**
 * @typedef {object} FeatureSpec
 * @property {string} name
 * @property {'numeric' | 'categorical'} type
 * @property {(rng: import('./random.js').Random) => number | string} sample
 */

/**
 * @typedef {object} ModelSpec
 * @property {string} name
 * @property {FeatureSpec[]} features
 */

const CATEGORY_COUNTS = [3, 5, 8, 12, 20];
const CANARY_SHARE = 0.1;

/**
 * The sliced configuration's additions to a model: two segment features — its second
 * categorical one (5 categories) and its first numeric one cut at its terciles — and two variants.
 * @param {ModelSpec} spec
 */
export function slicesFor(spec) {
  const numeric = spec.features.find((f) => f.type === 'numeric');
  const categorical = spec.features.filter((f) => f.type === 'categorical')[1];
  if (!numeric || !categorical) throw new Error(`model ${spec.name} needs a numeric and two categorical features to be sliced`);
  const rng = seededRandom(7);
  const values = Array.from({ length: 3000 }, () => Number(numeric.sample(rng))).sort((a, b) => a - b);
  const edges = [values[1000], values[2000]];
  return {
    segments: [{ feature: categorical.name }, { feature: numeric.name, edges }],
    variants: ['champion', 'canary'],
  };
}
// Share of values sent as null: a little realistic data-quality noise.
const NULL_RATE = 0.005;

/**
 * A model with `numeric` numeric and `categorical` categorical features, shaped by `seed`.
 * @param {string} name
 * @param {number} numeric
 * @param {number} categorical
 * @param {number} seed
 * @returns {ModelSpec}
 */
export function modelSpec(name, numeric, categorical, seed) {
  const rng = seededRandom(seed);
  /** @type {FeatureSpec[]} */
  const features = [];
  for (let i = 0; i < numeric; i++) {
    features.push({ name: `num_${String(i).padStart(2, '0')}`, type: 'numeric', sample: numericSampler(i, rng) });
  }
  for (let i = 0; i < categorical; i++) {
    const count = CATEGORY_COUNTS[i % CATEGORY_COUNTS.length];
    features.push({ name: `cat_${String(i).padStart(2, '0')}`, type: 'categorical', sample: categoricalSampler(i, count) });
  }
  return { name, features };
}

/**
 * Normal, log-normal, bounded integer and exponential features, in turn.
 * @param {number} i
 * @param {import('./random.js').Random} shape
 * @returns {FeatureSpec['sample']}
 */
function numericSampler(i, shape) {
  const mean = Math.round((shape.next() - 0.3) * 200);
  const spread = 1 + shape.next() * 50;
  switch (i % 4) {
    case 0:
      return (rng) => round(mean + spread * rng.normal());
    case 1:
      return (rng) => round(Math.exp(3 + 0.8 * rng.normal()));
    case 2:
      return (rng) => 18 + rng.int(73);
    default:
      return (rng) => round(-Math.log(1 - rng.next()) * spread);
  }
}

/**
 * Categories with geometric weights, so some are common and some rare.
 * @param {number} i
 * @param {number} count
 * @returns {FeatureSpec['sample']}
 */
function categoricalSampler(i, count) {
  const names = Array.from({ length: count }, (_, k) => `v${i}_${k}`);
  const weights = names.map((_, k) => 0.7 ** k);
  const total = weights.reduce((a, b) => a + b, 0);
  return (rng) => {
    let u = rng.next() * total;
    for (let k = 0; k < count; k++) {
      u -= weights[k];
      if (u < 0) return names[k];
    }
    return names[count - 1];
  };
}

/** @param {number} x */
function round(x) {
  return Math.round(x * 1e4) / 1e4;
}

/** @param {number} x */
function sigmoid(x) {
  return 1 / (1 + Math.exp(-x));
}

/** In template bodies, where bench/wrk/labels.lua writes each event's fresh id. */
export const ID_MARKER = '@ID@';

/**
 * One event in the documented format.
 * @param {ModelSpec} spec
 * @param {import('./random.js').Random} rng
 * @param {string | null} id  absent from the event when null
 */
export function makeEvent(spec, rng, id) {
  /** @type {Record<string, number | string | null>} */
  const features = {};
  for (const f of spec.features) features[f.name] = rng.next() < NULL_RATE ? null : f.sample(rng);
  return {
    ...(id === null ? {} : { id }),
    model_version: '1',
    // Every body carries a variant, so the sliced runs post the same bytes as the others.
    variant: rng.next() < CANARY_SHARE ? 'canary' : 'champion',
    features,
    prediction: { score: round(sigmoid(rng.normal())) },
    latency_ms: round(2 + Math.exp(1.5 + 0.5 * rng.normal())),
  };
}

/**
 * `count` request bodies of `eventsPerBody` events each, written NUL-separated for
 * bench/wrk/post.lua: one JSON object each when eventsPerBody is 1, NDJSON otherwise.
 * @param {string} path
 * @param {ModelSpec} spec
 * @param {{ count: number, eventsPerBody: number, seed: number, ids?: 'numbered' | 'none' | 'marker' }} options
 *   ids: `evt-N` (the default; N repeats when wrk cycles the bodies), no id, or ID_MARKER for labels.lua
 * @returns {{ path: string, contentType: string, eventsPerBody: number, bytesPerBody: number, sample: string }}
 */
export function writeBodies(path, spec, options) {
  const rng = seededRandom(options.seed);
  const bodies = [];
  let id = 0;
  for (let b = 0; b < options.count; b++) {
    const lines = [];
    for (let e = 0; e < options.eventsPerBody; e++) {
      const ids = options.ids ?? 'numbered';
      lines.push(JSON.stringify(makeEvent(spec, rng, ids === 'none' ? null : ids === 'marker' ? ID_MARKER : `evt-${id}`)));
      id++;
    }
    bodies.push(options.eventsPerBody === 1 ? lines[0] : `${lines.join('\n')}\n`);
  }
  writeFileSync(path, bodies.join('\0'));
  const bytes = bodies.reduce((sum, body) => sum + Buffer.byteLength(body), 0);
  return {
    path,
    contentType: options.eventsPerBody === 1 ? 'application/json' : 'application/x-ndjson',
    eventsPerBody: options.eventsPerBody,
    bytesPerBody: Math.round(bytes / bodies.length),
    sample: bodies[0],
  };
}

/**
 * A training CSV: a header naming every feature plus `prediction`, then `rows` rows.
 * @param {string} path
 * @param {ModelSpec} spec
 * @param {number} rows
 * @param {number} seed
 */
export function writeTrainingCsv(path, spec, rows, seed) {
  const rng = seededRandom(seed);
  const lines = [[...spec.features.map((f) => f.name), 'prediction'].join(',')];
  for (let r = 0; r < rows; r++) {
    const values = spec.features.map((f) => String(f.sample(rng)));
    values.push(String(round(sigmoid(rng.normal()))));
    lines.push(values.join(','));
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

/**
 * An mlwatch config (JSON is YAML) for these models; each model's reference is
 * `ref-NAME.json` beside the config. Logging at warn: nothing is logged per request.
 * @param {string} path
 * @param {ModelSpec[]} specs
 * @param {{ slices?: object, referenceSuffix?: string }} [options]  keys added to every model, and a suffix for the reference files
 */
export function writeConfig(path, specs, options = {}) {
  const config = {
    ingest: { listen: '127.0.0.1:0', max_body_bytes: 10485760, max_batch_events: 10000 },
    // No shutdown grace: nothing scrapes a benchmark's sidecar after it is stopped.
    metrics: { listen: '127.0.0.1:0', shutdown_grace_seconds: 0 },
    logging: { level: 'warn' },
    defaults: { drift: { window_seconds: 60, sub_windows: 6, min_samples: 100, compute_interval_seconds: 5 } },
    models: specs.map((spec) => ({
      name: spec.name,
      task: 'binary_classification',
      classes: ['neg', 'pos'],
      version: '1',
      reference: `ref-${spec.name}${options.referenceSuffix ?? ''}.json`,
      features: spec.features.map((f) => ({ name: f.name, type: f.type })),
      ...(options.slices ?? {}),
    })),
  };
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
}
