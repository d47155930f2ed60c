// One broken config per kind of mistake: each must give exactly one problem, at the path in
// the user's file, in words that say what would be right.
import { describe, expect, it } from 'vitest';
import { featureOf, problemsOf, yamlWith } from './fixtures.js';

type Edit = (file: Record<string, unknown>, model: Record<string, unknown>) => void;

const MODEL_KEYS = 'name, task, classes, version, deployed_at, reference, prediction, drift, reference_build, max_versions, segments, variants, max_cells, label_ttl_seconds, max_pending_labels, kserve, features';

const CASES: [string, Edit, string][] = [
  // --- shape (JSON Schema) ---
  ['a misspelt model key', (_, m) => { m.featurs = []; }, `models[0].featurs: unknown key (expected one of: ${MODEL_KEYS}); did you mean "features"?`],
  ['an unknown top-level key', (f) => { f.logs = {}; }, 'logs: unknown key (expected one of: ingest, metrics, logging, kserve, state_dir, checkpoint_interval_seconds, label_store, defaults, models)'],
  ['an unknown feature key', (_, m) => { featureOf(m, 0).nulable = true; }, 'models[0].features[0].nulable: unknown key (expected one of: name, type, range, categories, nullable); did you mean "nullable"?'],
  ['an unknown threshold', (_, m) => { m.drift = { thresholds: { kl: 0.1 } }; }, 'models[0].drift.thresholds.kl: unknown key (expected one of: psi, jensen_shannon, wasserstein_normalized, ks, chi2_pvalue, chebyshev)'],
  ['a missing version', (_, m) => { delete m.version; }, 'models[0].version: is required'],
  ['a missing task', (_, m) => { delete m.task; }, 'models[0].task: is required (one of: regression, binary_classification, multiclass_classification)'],
  ['a missing feature type', (_, m) => { delete featureOf(m, 2).type; }, 'models[0].features[2].type: is required (one of: numeric, categorical, boolean)'],
  ['no models key', (f) => { delete f.models; }, 'models: is required'],
  ['an empty models list', (f) => { f.models = []; }, 'models: must be a list of at least one model (got a list of 0)'],
  ['an empty features list', (_, m) => { m.features = []; }, 'models[0].features: must be a list of at least one feature (got a list of 0)'],
  ['an unknown task', (_, m) => { m.task = 'binary'; }, 'models[0].task: must be one of: regression, binary_classification, multiclass_classification (got "binary")'],
  ['an unknown feature type', (_, m) => { featureOf(m, 0).type = 'float'; }, 'models[0].features[0].type: must be one of: numeric, categorical, boolean (got "float")'],
  ['a version written as a number', (_, m) => { m.version = 2.3; }, 'models[0].version: must be a string (got the number 2.3); put it in quotes, e.g. "2.3"'],
  ['an empty version', (_, m) => { m.version = ''; }, 'models[0].version: must not be empty'],
  ['a bad model name', (_, m) => { m.name = 'credit model'; }, 'models[0].name: must be 1 to 64 letters, digits, "_", "." or "-" (got "credit model")'],
  ['a too long model name', (_, m) => { m.name = 'm'.repeat(65); }, `models[0].name: must be 1 to 64 letters, digits, "_", "." or "-" (got "${'m'.repeat(60)}…")`],
  ['a category written as a number', (_, m) => { featureOf(m, 1).categories = ['DE', 1]; }, 'models[0].features[1].categories[1]: must be a string (got the number 1); put it in quotes, e.g. "1"'],
  ['nullable as a string', (_, m) => { featureOf(m, 0).nullable = 'yes'; }, 'models[0].features[0].nullable: must be true or false (got "yes")'],
  ['features as a mapping', (_, m) => { m.features = { income: 'numeric' }; }, 'models[0].features: must be a list (got a mapping)'],
  ['an empty value', (_, m) => { m.reference = null; }, 'models[0].reference: must be a string (got an empty value (null))'],
  ['a bad log level', (f) => { f.logging = { level: 'verbose' }; }, 'logging.level: must be one of: trace, debug, info, warn, error, fatal, silent (got "verbose")'],
  ['a bad auth env name', (f) => { f.ingest = { auth_token_env: 'MY-TOKEN' }; }, 'ingest.auth_token_env: must be the name of an environment variable (letters, digits and "_", not starting with a digit) (got "MY-TOKEN")'],
  ['a zero body limit', (f) => { f.ingest = { max_body_bytes: 0 }; }, 'ingest.max_body_bytes: must be a whole number of at least 1 (got 0)'],
  ['a fractional batch limit', (f) => { f.ingest = { max_batch_events: 2.5 }; }, 'ingest.max_batch_events: must be a whole number (got 2.5)'],
  ['a negative error count', (f) => { f.ingest = { max_reported_errors: -1 }; }, 'ingest.max_reported_errors: must be a whole number of at least 0 (got -1)'],
  // --- names ---
  ['a duplicate model name', (f, m) => { (f.models as unknown[]).push({ ...m }); }, 'models[1].name: duplicate model name "credit" (first at models[0].name)'],
  ['a duplicate feature name', (_, m) => { featureOf(m, 2).name = 'income'; }, 'models[0].features[2].name: duplicate feature name "income" (first at models[0].features[0].name)'],
  ['an empty feature name', (_, m) => { featureOf(m, 0).name = ''; }, 'models[0].features[0].name: must not be empty'],
  ['a feature name over 128 characters', (_, m) => { featureOf(m, 0).name = 'f'.repeat(129); }, 'models[0].features[0].name: is 129 characters long; at most 128 are allowed'],
  ['a feature named __proto__', (_, m) => { featureOf(m, 0).name = '__proto__'; }, 'models[0].features[0].name: "__proto__" is reserved (it clashes with JavaScript object keys); rename the feature'],
  ['a feature named constructor', (_, m) => { featureOf(m, 0).name = 'constructor'; }, 'models[0].features[0].name: "constructor" is reserved (it clashes with JavaScript object keys); rename the feature'],
  ['a feature named prototype', (_, m) => { featureOf(m, 0).name = 'prototype'; }, 'models[0].features[0].name: "prototype" is reserved (it clashes with JavaScript object keys); rename the feature'],
  ['a feature name starting with __', (_, m) => { featureOf(m, 0).name = '__income'; }, 'models[0].features[0].name: must not start with "__", which is reserved for mlwatch\'s own names such as __other__ (got "__income")'],
  // --- ranges and categories ---
  ['a range on a categorical feature', (_, m) => { featureOf(m, 1).range = [0, 1]; }, 'models[0].features[1].range: only allowed on numeric features ("country" is categorical)'],
  ['a range with min > max', (_, m) => { featureOf(m, 0).range = [10, 1]; }, 'models[0].features[0].range: must be [min, max] with min < max (got [10, 1])'],
  ['a range with min = max', (_, m) => { featureOf(m, 0).range = [1, 1]; }, 'models[0].features[0].range: must be [min, max] with min < max (got [1, 1])'],
  ['a range of one number', (_, m) => { featureOf(m, 0).range = [1]; }, 'models[0].features[0].range: must be [min, max] with min < max (got a list of 1)'],
  ['an infinite range end', (_, m) => { featureOf(m, 0).range = [0, Infinity]; }, 'models[0].features[0].range[1]: must be a finite number (got infinity)'],
  ['categories on a numeric feature', (_, m) => { featureOf(m, 0).categories = ['a']; }, 'models[0].features[0].categories: only allowed on categorical features ("income" is numeric)'],
  ['categories on a boolean feature', (_, m) => { featureOf(m, 2).categories = ['yes']; }, 'models[0].features[2].categories: only allowed on categorical features ("has_mortgage" is boolean)'],
  ['empty categories', (_, m) => { featureOf(m, 1).categories = []; }, 'models[0].features[1].categories: must list at least one category (or leave categories out to take them from the reference)'],
  ['a repeated category', (_, m) => { featureOf(m, 1).categories = ['DE', 'FR', 'DE']; }, 'models[0].features[1].categories[2]: duplicate category "DE" (first at models[0].features[1].categories[0])'],
  ['a category named __other__', (_, m) => { featureOf(m, 1).categories = ['DE', '__other__']; }, 'models[0].features[1].categories[1]: "__other__" is reserved for values outside the list; rename this category'],
  ['an empty category', (_, m) => { featureOf(m, 1).categories = ['DE', '']; }, 'models[0].features[1].categories[1]: must not be empty (Prometheus reads an empty label value as no label)'],
  // --- classes and predictions ---
  ['classification without classes', (_, m) => { delete m.classes; }, 'models[0].classes: is required for binary_classification: list the 2 class names as [negative, positive]'],
  ['multiclass without classes', (_, m) => { m.task = 'multiclass_classification'; delete m.classes; }, 'models[0].classes: is required for multiclass_classification: list the class names'],
  ['classes on a regression', (_, m) => { m.task = 'regression'; }, 'models[0].classes: only allowed for classification tasks (task is regression); remove it'],
  ['a decision threshold on a multiclass model', (_, m) => { m.task = 'multiclass_classification'; m.classes = ['a', 'b', 'c']; m.prediction = { decision_threshold: 0.5 }; }, "models[0].prediction.decision_threshold: only used by binary_classification (a multiclass model's class is its label, else the argmax of its scores); remove it"],
  ['a decision threshold on a regression', (_, m) => { m.task = 'regression'; delete m.classes; m.prediction = { decision_threshold: 0.5 }; }, 'models[0].prediction.decision_threshold: only used by binary_classification (a regression model has no classes); remove it'],
  // --- reference_build.score_columns (multiclass CBPE) ---
  ['a class without a score column', (_, m) => { m.task = 'multiclass_classification'; m.classes = ['cat', 'dog', 'fox']; m.reference_build = { score_columns: { cat: 'p_cat', dog: 'p_dog' } }; }, 'models[0].reference_build.score_columns: has no score column for class "fox": every class of the model needs the column of its score'],
  ['a score column of an unknown class', (_, m) => { m.task = 'multiclass_classification'; m.classes = ['cat', 'dog']; m.reference_build = { score_columns: { cat: 'p_cat', dog: 'p_dog', dogg: 'p_x' } }; }, 'models[0].reference_build.score_columns.dogg: "dogg" is not a class of the model (classes: "cat", "dog"); did you mean "dog"?'],
  ['score columns on a binary model', (_, m) => { m.reference_build = { score_columns: { no: 'p0', yes: 'p1' } }; }, "models[0].reference_build.score_columns: only used by multiclass_classification (a binary model's score is its prediction_column); remove it"],
  ['an empty score column name', (_, m) => { m.task = 'multiclass_classification'; m.classes = ['cat', 'dog']; m.reference_build = { score_columns: { cat: 'p_cat', dog: '' } }; }, 'models[0].reference_build.score_columns.dog: must not be empty'],
  ['default score columns missing a class of a model', (f, m) => { m.task = 'multiclass_classification'; m.classes = ['cat', 'dog']; f.defaults = { reference_build: { score_columns: { cat: 'p_cat' } } }; }, 'defaults.reference_build.score_columns: has no score column for class "dog" (inherited by models[0]): every class of the model needs the column of its score'],
  ['three binary classes', (_, m) => { m.classes = ['a', 'b', 'c']; }, 'models[0].classes: must list exactly 2 classes, [negative, positive], for binary_classification (got 3)'],
  ['one multiclass class', (_, m) => { m.task = 'multiclass_classification'; m.classes = ['a']; }, 'models[0].classes: must list at least 2 classes for multiclass_classification (got 1)'],
  ['a repeated class', (_, m) => { m.classes = ['yes', 'yes']; }, 'models[0].classes[1]: duplicate class "yes" (first at models[0].classes[0])'],
  ['a class named __other__', (_, m) => { m.classes = ['__other__', 'b']; }, 'models[0].classes[0]: "__other__" is reserved for values outside the list; rename this class'],
  ['a decision threshold of 1', (_, m) => { m.prediction = { decision_threshold: 1 }; }, 'models[0].prediction.decision_threshold: must be a number strictly between 0 and 1 (got 1)'],
  ['a decision threshold of 0', (_, m) => { m.prediction = { decision_threshold: 0 }; }, 'models[0].prediction.decision_threshold: must be a number strictly between 0 and 1 (got 0)'],
  ['a prediction range with min > max', (_, m) => { m.prediction = { range: [1, 0] }; }, 'models[0].prediction.range: must be [min, max] with min < max (got [1, 0])'],
  // --- drift ---
  ['a zero window', (_, m) => { m.drift = { window_seconds: 0 }; }, 'models[0].drift.window_seconds: must be a whole number of at least 1 (got 0)'],
  ['a fractional window', (_, m) => { m.drift = { window_seconds: 1.5 }; }, 'models[0].drift.window_seconds: must be a whole number (got 1.5)'],
  ['zero sub-windows', (f) => { f.defaults = { drift: { sub_windows: 0 } }; }, 'defaults.drift.sub_windows: must be a whole number from 1 to 1000 (got 0)'],
  ['sub-windows that are not whole milliseconds', (_, m) => { m.drift = { window_seconds: 1, sub_windows: 3 }; }, 'models[0].drift.sub_windows: a window of 1 s does not split into 3 sub-windows of whole milliseconds; use a sub_windows that divides 1000, e.g. 2 or 4'],
  ['a window that no longer splits the default sub-windows', (f) => { f.defaults = { drift: { sub_windows: 7 } }; }, 'defaults.drift.sub_windows: a window of 600 s does not split into 7 sub-windows of whole milliseconds; use a sub_windows that divides 600000, e.g. 6 or 8'],
  ['sub-windows longer than a timer can wait', (_, m) => { m.drift = { window_seconds: 2_200_000, sub_windows: 1 }; }, 'models[0].drift.sub_windows: each of the 1 sub-windows would last 2200000000 ms, longer than a timer can wait (2147483647 ms, about 24.8 days); use more sub-windows or a shorter window'],
  ['zero min samples', (_, m) => { m.drift = { min_samples: 0 }; }, 'models[0].drift.min_samples: must be a whole number of at least 1 (got 0)'],
  ['zero compute interval', (_, m) => { m.drift = { compute_interval_seconds: 0 }; }, 'models[0].drift.compute_interval_seconds: must be a whole number from 1 to 86400 (got 0)'],
  ['a zero threshold', (_, m) => { m.drift = { thresholds: { psi: 0 } }; }, 'models[0].drift.thresholds.psi: must be a number greater than 0 (got 0)'],
  ['a p-value threshold of 1', (_, m) => { m.drift = { thresholds: { chi2_pvalue: 1 } }; }, 'models[0].drift.thresholds.chi2_pvalue: must be a number strictly between 0 and 1 (got 1)'],
  ['a categorical method for numeric features', (_, m) => { m.drift = { decision_method: { numeric: 'chi2_pvalue' } }; }, 'models[0].drift.decision_method.numeric: must be one of: psi, jensen_shannon, wasserstein_normalized, ks (got "chi2_pvalue")'],
  ['a numeric method for categorical features', (f) => { f.defaults = { drift: { decision_method: { categorical: 'ks' } } }; }, 'defaults.drift.decision_method.categorical: must be one of: psi, jensen_shannon, chi2_pvalue, chebyshev (got "ks")'],
  // --- reference build, versions ---
  ['one bin', (_, m) => { m.reference_build = { bins: 1 }; }, 'models[0].reference_build.bins: must be a whole number from 2 to 100 (got 1)'],
  ['101 bins', (f) => { f.defaults = { reference_build: { bins: 101 } }; }, 'defaults.reference_build.bins: must be a whole number from 2 to 100 (got 101)'],
  ['zero top categories', (_, m) => { m.reference_build = { top_categories: 0 }; }, 'models[0].reference_build.top_categories: must be a whole number from 1 to 1000 (got 0)'],
  ['1001 top categories', (_, m) => { m.reference_build = { top_categories: 1001 }; }, 'models[0].reference_build.top_categories: must be a whole number from 1 to 1000 (got 1001)'],
  ['zero max versions', (_, m) => { m.max_versions = 0; }, 'models[0].max_versions: must be a whole number from 1 to 50 (got 0)'],
  ['51 max versions', (f) => { f.defaults = { max_versions: 51 }; }, 'defaults.max_versions: must be a whole number from 1 to 50 (got 51)'],
  // --- deploy time ---
  ['a deploy time without a timezone', (_, m) => { m.deployed_at = '2026-11-20T09:00:00'; }, 'models[0].deployed_at: "2026-11-20T09:00:00" has no timezone; add Z for UTC or an offset such as +01:00, e.g. "2026-11-20T09:00:00Z"'],
  ['a deploy time that is not ISO 8601', (_, m) => { m.deployed_at = '20 Nov 2026'; }, 'models[0].deployed_at: must be an ISO 8601 date and time with a timezone, e.g. "2026-11-20T09:00:00Z" (got "20 Nov 2026")'],
  ['an impossible deploy date', (_, m) => { m.deployed_at = '2026-02-30T09:00:00+01:00'; }, 'models[0].deployed_at: "2026-02-30T09:00:00+01:00" is not a real date and time (check the month, day, hours and minutes)'],
  ['an unquoted deploy time', (_, m) => { m.deployed_at = new Date('2026-11-20T09:00:00Z'); }, 'models[0].deployed_at: must be a string (got a YAML timestamp); put it in quotes, e.g. "2026-11-20T09:00:00Z"'],
  // --- listeners and buckets ---
  ['a port out of range', (f) => { f.ingest = { listen: '127.0.0.1:70000' }; }, 'ingest.listen: port 70000 in "127.0.0.1:70000" is out of range; a port is from 0 to 65535'],
  ['an IPv6 address without brackets', (f) => { f.metrics = { listen: '::1:9802' }; }, 'metrics.listen: "::1:9802": an IPv6 address goes in brackets, e.g. "[::1]:9802"'],
  ['a listen address without a port', (f) => { f.metrics = { listen: 'localhost' }; }, 'metrics.listen: "localhost" has no port; write HOST:PORT (e.g. "127.0.0.1:9801", "0.0.0.0:9802" or "[::1]:9801")'],
  ['both token sources', (f) => { f.ingest = { auth_token_env: 'T', auth_token_file: 'token' }; }, 'ingest.auth_token_file: set either auth_token_env or auth_token_file, not both'],
  ['a buffer budget below the body limit', (f) => { f.ingest = { max_buffered_bytes: 1_000_000 }; }, 'ingest.max_buffered_bytes: max_buffered_bytes (1000000) must be at least max_body_bytes (10485760): a body of the largest size could never be read'],
  ['a body limit above the buffer budget', (f) => { f.ingest = { max_body_bytes: 64_000_000 }; }, 'ingest.max_body_bytes: max_buffered_bytes (33554432) must be at least max_body_bytes (64000000): a body of the largest size could never be read'],
  ['a header timeout longer than the request timeout', (f) => { f.ingest = { headers_timeout_seconds: 60 }; }, 'ingest.headers_timeout_seconds: headers_timeout_seconds (60) must not exceed request_timeout_seconds (30): the headers are part of the request'],
  ['a zero connection cap', (f) => { f.ingest = { max_connections: 0 }; }, 'ingest.max_connections: must be a whole number of at least 1 (got 0)'],
  ['a tiny label cap', (f) => { f.metrics = { max_label_value_bytes: 8 }; }, 'metrics.max_label_value_bytes: must be a whole number from 16 to 4096 (got 8)'],
  ['both listeners on one port', (f) => { f.ingest = { listen: '127.0.0.1:9802' }; }, 'ingest.listen: ingest.listen ("127.0.0.1:9802") and metrics.listen ("0.0.0.0:9802") use the same port; give them different ports'],
  ['buckets out of order', (f) => { f.metrics = { latency_buckets_seconds: [0.1, 0.5, 0.25, 1] }; }, 'metrics.latency_buckets_seconds[2]: must be greater than the bucket before it (0.5); buckets must be strictly increasing (got 0.25)'],
  ['a repeated bucket', (f) => { f.metrics = { latency_buckets_seconds: [0.1, 0.1] }; }, 'metrics.latency_buckets_seconds[1]: must be greater than the bucket before it (0.1); buckets must be strictly increasing (got 0.1)'],
  ['a negative bucket', (f) => { f.metrics = { latency_buckets_seconds: [-1, 1] }; }, 'metrics.latency_buckets_seconds[0]: must be a number greater than 0 (got -1)'],
  ['no buckets', (f) => { f.metrics = { latency_buckets_seconds: [] }; }, 'metrics.latency_buckets_seconds: must list at least 1 item (got a list of 0)'],
];

describe('a broken config gives one problem at its path', () => {
  it.each(CASES)('%s', (_name, edit, expected) => {
    expect(problemsOf(yamlWith(edit))).toStrictEqual([expected]);
  });
});

describe('the file as a whole', () => {
  it.each([
    ['an empty file', '', '(top level): the file is empty; it needs at least a `models:` list'],
    ['a comment only', '# nothing yet\n', '(top level): the file is empty; it needs at least a `models:` list'],
    ['a list', '- models\n', '(top level): must be a mapping (key: value) (got a list of 1)'],
    ['a scalar', 'models\n', '(top level): must be a mapping (key: value) (got "models")'],
  ])('%s', (_name, text, expected) => {
    expect(problemsOf(text)).toStrictEqual([expected]);
  });

  it('reports a key that is not an identifier in brackets', () => {
    expect(problemsOf(yamlWith((f) => { f['my key'] = 1; }))).toStrictEqual([
      '["my key"]: unknown key (expected one of: ingest, metrics, logging, kserve, state_dir, checkpoint_interval_seconds, label_store, defaults, models)',
    ]);
  });
});
