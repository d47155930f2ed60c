// The JSON Schema of the YAML config file, and the TypeScript shape of a file that passed it.
// Rules that span keys (classes per task, min < max, unique names, addresses) live in
// check-*.ts; the schema holds the shape. `expected` is an annotation (no validation) that
// says in words what a right value looks like; problems.ts uses it in messages.
import type { SchemaObject } from 'ajv';
import type {
  CategoricalDriftMethod,
  DriftThresholds,
  FeatureType,
  LoggingConfig,
  ModelKserveConfig,
  NoiseQuantile,
  NumericDriftMethod,
  PredictionMapping,
  Task,
} from './types.js';
import { MAX_SUB_WINDOWS } from './window-split.js';

export const TASKS: readonly Task[] = ['regression', 'binary_classification', 'multiclass_classification'];
export const FEATURE_TYPES: readonly FeatureType[] = ['numeric', 'categorical', 'boolean'];
export const NUMERIC_DRIFT_METHODS: readonly NumericDriftMethod[] = ['psi', 'jensen_shannon', 'wasserstein_normalized', 'ks'];
export const CATEGORICAL_DRIFT_METHODS: readonly CategoricalDriftMethod[] = ['psi', 'jensen_shannon', 'chi2_pvalue', 'chebyshev'];
export const PREDICTION_MAPPINGS: readonly PredictionMapping[] = ['auto', 'value', 'score', 'label', 'class_index', 'scores'];
export const LOGGER_MODES: readonly ModelKserveConfig['logger_mode'][] = ['all', 'request'];
export const LOG_LEVELS: readonly LoggingConfig['level'][] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/** The annotation keyword that carries a readable description of a right value. */
export const EXPECTED_KEYWORD = 'expected';

// --- The shape of a file that passed the schema (every default still unfilled) ---

export interface RawFeature {
  name: string;
  type: FeatureType;
  range?: [number, number];
  categories?: string[];
  nullable?: boolean;
}

export interface RawDrift {
  window_seconds?: number;
  sub_windows?: number;
  min_samples?: number;
  compute_interval_seconds?: number;
  window_time?: 'arrival' | 'event';
  future_tolerance_seconds?: number;
  decision_method?: { numeric?: NumericDriftMethod; categorical?: CategoricalDriftMethod };
  thresholds?: Partial<DriftThresholds>;
  noise_quantile?: NoiseQuantile;
}

export interface RawReferenceBuild {
  bins?: number;
  top_categories?: number;
  prediction_column?: string;
  min_segment_rows?: number;
  na_values?: string[];
  label_column?: string;
  performance_chunk_rows?: number;
  score_columns?: Record<string, string>;
}

export interface RawSegment {
  feature: string;
  edges?: number[];
}

export type RawVariants = string[] | { names: string[]; shadows?: string[]; pairing_ttl_seconds?: number; max_pending_pairs?: number };

export interface RawModelKserve {
  inference_service?: string;
  logger_mode?: ModelKserveConfig['logger_mode'];
  columns?: string[];
  output?: string;
  prediction?: PredictionMapping;
}

export interface RawModel {
  name: string;
  task: Task;
  classes?: string[];
  version: string;
  deployed_at?: string;
  reference: string;
  prediction?: { decision_threshold?: number; range?: [number, number] };
  drift?: RawDrift;
  reference_build?: RawReferenceBuild;
  max_versions?: number;
  segments?: RawSegment[];
  variants?: RawVariants;
  max_cells?: number;
  label_ttl_seconds?: number;
  max_pending_labels?: number;
  kserve?: RawModelKserve;
  features: RawFeature[];
}

export interface RawConfigFile {
  ingest?: {
    listen?: string;
    max_body_bytes?: number;
    max_batch_events?: number;
    max_reported_errors?: number;
    auth_token_env?: string;
    auth_token_file?: string;
    max_json_depth?: number;
    max_object_keys?: number;
    max_event_values?: number;
    max_buffered_bytes?: number;
    max_connections?: number;
    headers_timeout_seconds?: number;
    request_timeout_seconds?: number;
  };
  metrics?: { listen?: string; latency_buckets_seconds?: number[]; max_label_value_bytes?: number; shutdown_grace_seconds?: number };
  logging?: { level?: LoggingConfig['level']; log_feature_values?: boolean };
  kserve?: { pairing_ttl_seconds?: number; max_pending?: number; max_pending_bytes?: number };
  state_dir?: string;
  checkpoint_interval_seconds?: number;
  label_store?: { backend?: 'memory' | 'redis'; url?: string; key_prefix?: string };
  defaults?: { drift?: RawDrift; reference_build?: RawReferenceBuild; max_versions?: number };
  models: RawModel[];
}

// --- Building blocks ---

function mapping(properties: Record<string, SchemaObject>, required: string[] = []): SchemaObject {
  return { type: 'object', additionalProperties: false, properties, required };
}

function integerFrom(minimum: number, maximum?: number): SchemaObject {
  return maximum === undefined ? { type: 'integer', minimum } : { type: 'integer', minimum, maximum };
}

const positiveNumber: SchemaObject = { type: 'number', exclusiveMinimum: 0 };
const nonEmptyString: SchemaObject = { type: 'string', minLength: 1 };
const listenAddress: SchemaObject = { type: 'string', [EXPECTED_KEYWORD]: 'HOST:PORT, e.g. "127.0.0.1:9801" or "[::1]:9801"' };
const minMax: SchemaObject = {
  type: 'array',
  items: { type: 'number' },
  minItems: 2,
  maxItems: 2,
  [EXPECTED_KEYWORD]: '[min, max] with min < max',
};

const thresholds = mapping({
  psi: positiveNumber,
  jensen_shannon: positiveNumber,
  wasserstein_normalized: positiveNumber,
  ks: positiveNumber,
  chi2_pvalue: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
  chebyshev: positiveNumber,
});

const drift = mapping({
  window_seconds: integerFrom(1),
  // Each sub-window keeps a copy of every bin count: the cap bounds memory.
  sub_windows: integerFrom(1, MAX_SUB_WINDOWS),
  min_samples: integerFrom(1),
  // Longer than a day is surely a mistake, and Node timers cannot wait past ~24.8 days.
  compute_interval_seconds: integerFrom(1, 86_400),
  // Which time picks an event's sub-window: when it arrived (default) or its own timestamp.
  window_time: { enum: ['arrival', 'event'] },
  future_tolerance_seconds: { type: 'number', minimum: 0, maximum: 3600, [EXPECTED_KEYWORD]: 'seconds from 0 to 3600 an event\'s timestamp may be ahead of mlwatch\'s clock' },
  decision_method: mapping({
    numeric: { enum: [...NUMERIC_DRIFT_METHODS] },
    categorical: { enum: [...CATEGORICAL_DRIFT_METHODS] },
  }),
  thresholds,
  noise_quantile: { enum: [0.99, 0.999], [EXPECTED_KEYWORD]: '0.99 or 0.999 (the noise level a score must also reach)' },
});

const referenceBuild = mapping({
  bins: integerFrom(2, 100),
  top_categories: integerFrom(1, 1000),
  prediction_column: nonEmptyString,
  min_segment_rows: integerFrom(1),
  na_values: { type: 'array', items: { type: 'string' } },
  label_column: nonEmptyString,
  performance_chunk_rows: integerFrom(10),
  // Class name → column; which classes must be there is check-models.ts's (it knows the classes).
  score_columns: { type: 'object', additionalProperties: nonEmptyString, minProperties: 1 },
});

/** Segment and variant names become label values, like model names. */
const labelName: SchemaObject = {
  type: 'string',
  pattern: '^[A-Za-z0-9_.-]{1,64}$',
  [EXPECTED_KEYWORD]: '1 to 64 letters, digits, "_", "." or "-"',
};

export const MAX_SEGMENTS = 8;
export const MAX_VARIANTS = 16;

const segments: SchemaObject = {
  type: 'array',
  maxItems: MAX_SEGMENTS,
  items: mapping({ feature: { type: 'string' }, edges: { type: 'array', items: { type: 'number' }, minItems: 1, maxItems: 64 } }, ['feature']),
  [EXPECTED_KEYWORD]: `a list of at most ${MAX_SEGMENTS} segments, each { feature: NAME } or, for a numeric feature, { feature: NAME, edges: [..] }`,
};

const variantNames: SchemaObject = { type: 'array', items: labelName, minItems: 1, maxItems: MAX_VARIANTS };
const variants: SchemaObject = {
  oneOf: [
    variantNames,
    mapping(
      { names: variantNames, shadows: { type: 'array', items: labelName }, pairing_ttl_seconds: integerFrom(1, 86_400), max_pending_pairs: integerFrom(1, 10_000_000) },
      ['names'],
    ),
  ],
  [EXPECTED_KEYWORD]: 'a list of variant names, the default first (e.g. [champion, canary]), or { names: [...], shadows: [...], pairing_ttl_seconds, max_pending_pairs }',
};

const maxVersions = integerFrom(1, 50);

// KServe's logger mode "response" is refused on purpose: a response alone carries no features.
const modelKserve = mapping({
  inference_service: {
    type: 'string',
    pattern: '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$',
    [EXPECTED_KEYWORD]: 'an InferenceService name: 1 to 63 lower-case letters, digits or "-", starting and ending with a letter or digit',
  },
  logger_mode: {
    enum: [...LOGGER_MODES],
    [EXPECTED_KEYWORD]: 'all (pair each request with its response) or request (the logger sends requests only); "response" carries no features',
  },
  columns: { type: 'array', items: nonEmptyString, minItems: 1, [EXPECTED_KEYWORD]: 'a list of feature names in the order of the model input' },
  output: nonEmptyString,
  prediction: { enum: [...PREDICTION_MAPPINGS] },
});

const feature = mapping(
  {
    name: { type: 'string' },
    type: { enum: [...FEATURE_TYPES] },
    range: minMax,
    categories: { type: 'array', items: { type: 'string' } },
    nullable: { type: 'boolean' },
  },
  ['name', 'type'],
);

const model = mapping(
  {
    name: {
      type: 'string',
      pattern: '^[A-Za-z0-9_.-]{1,64}$',
      [EXPECTED_KEYWORD]: '1 to 64 letters, digits, "_", "." or "-"',
    },
    task: { enum: [...TASKS] },
    classes: { type: 'array', items: { type: 'string' } },
    version: nonEmptyString,
    deployed_at: { type: 'string', [EXPECTED_KEYWORD]: 'an ISO 8601 time with a timezone, e.g. "2026-11-20T09:00:00Z"' },
    reference: nonEmptyString,
    prediction: mapping({
      decision_threshold: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
      range: minMax,
    }),
    drift,
    reference_build: referenceBuild,
    max_versions: maxVersions,
    segments,
    variants,
    max_cells: integerFrom(1, 4096),
    label_ttl_seconds: integerFrom(1, 30 * 86_400),
    max_pending_labels: integerFrom(1, 10_000_000),
    kserve: modelKserve,
    features: { type: 'array', items: feature, minItems: 1, [EXPECTED_KEYWORD]: 'a list of at least one feature' },
  },
  ['name', 'task', 'version', 'reference', 'features'],
);

export const CONFIG_SCHEMA: SchemaObject = mapping(
  {
    ingest: mapping({
      listen: listenAddress,
      max_body_bytes: integerFrom(1),
      max_batch_events: integerFrom(1),
      max_reported_errors: integerFrom(0),
      auth_token_env: {
        type: 'string',
        pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
        [EXPECTED_KEYWORD]: 'the name of an environment variable (letters, digits and "_", not starting with a digit)',
      },
      auth_token_file: { ...nonEmptyString, [EXPECTED_KEYWORD]: 'the path of a file holding the token (relative to this file)' },
      max_json_depth: integerFrom(2, 10_000),
      max_object_keys: integerFrom(1),
      max_event_values: integerFrom(1),
      max_buffered_bytes: integerFrom(1),
      max_connections: integerFrom(1),
      // Node timers cannot wait past ~24.8 days; an hour is already generous for one request.
      headers_timeout_seconds: integerFrom(1, 3600),
      request_timeout_seconds: integerFrom(1, 3600),
    }),
    metrics: mapping({
      listen: listenAddress,
      latency_buckets_seconds: { type: 'array', items: positiveNumber, minItems: 1 },
      // Long enough for a semantic version with build metadata or a 64-hex digest.
      max_label_value_bytes: integerFrom(16, 4096),
      shutdown_grace_seconds: {
        type: 'number',
        minimum: 0,
        maximum: 3600,
        [EXPECTED_KEYWORD]: 'seconds from 0 to 3600 that /metrics keeps answering after ingest has drained on SIGTERM',
      },
    }),
    logging: mapping({
      level: { enum: [...LOG_LEVELS] },
      log_feature_values: { type: 'boolean' },
    }),
    kserve: mapping({
      // An hour at most: a pair that takes longer is lost anyway, and the halves hold memory.
      pairing_ttl_seconds: integerFrom(1, 3600),
      max_pending: integerFrom(1, 1_000_000),
      max_pending_bytes: integerFrom(1024),
    }),
    // Checkpoints of the state (src/checkpoint): off unless state_dir is set.
    state_dir: { ...nonEmptyString, [EXPECTED_KEYWORD]: 'the folder checkpoints are written to (relative to this file)' },
    checkpoint_interval_seconds: {
      type: 'number',
      minimum: 1,
      maximum: 86400,
      [EXPECTED_KEYWORD]: 'seconds from 1 to 86400 between two checkpoints of the state',
    },
    // The label join across replicas (src/monitor/labels/redis): memory unless set.
    label_store: mapping({
      backend: { enum: ['memory', 'redis'] },
      // The scheme is checked in check-settings.ts, whose message never echoes a password.
      url: { ...nonEmptyString, [EXPECTED_KEYWORD]: 'a redis:// or rediss:// URL, e.g. "redis://:password@redis:6379/0"' },
      key_prefix: { type: 'string', maxLength: 64, pattern: '^[^\\s{}]*$', [EXPECTED_KEYWORD]: 'up to 64 characters without spaces or braces, e.g. "mlwatch:"' },
    }),
    defaults: mapping({ drift, reference_build: referenceBuild, max_versions: maxVersions }),
    models: { type: 'array', items: model, minItems: 1, [EXPECTED_KEYWORD]: 'a list of at least one model' },
  },
  ['models'],
);
